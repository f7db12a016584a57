package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/dorareport/dorareport/dora"
)

// markdownRows caps the drill-down lists of the digest, which is meant for chat and e-mail.
const markdownRows = 10

// Markdown writes the weekly digest of in: the headline table with deltas, the failed
// deployments, the worst regressions, data quality and the definitions in force.
func Markdown(w io.Writer, in Input) error {
	v, err := newView(in)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	md := &mdWriter{w: bw}
	v.markdown(md)
	if md.err != nil {
		return fmt.Errorf("report: write markdown: %w", md.err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("report: write markdown: %w", err)
	}
	return nil
}

// mdWriter remembers the first write error so the renderer reads as a document.
type mdWriter struct {
	w   io.Writer
	err error
}

func (m *mdWriter) line(parts ...string) {
	if m.err != nil {
		return
	}
	_, m.err = io.WriteString(m.w, strings.Join(parts, "")+"\n")
}

func (m *mdWriter) row(cells ...string) { m.line("| ", strings.Join(cells, " | "), " |") }

func (v *view) markdown(md *mdWriter) {
	cur := v.in.Current
	md.line("# ", mdText(v.title))
	md.line()
	head := fmt.Sprintf("**%s** (%d days) · benchmarks **%s** · %s · generated %s UTC",
		window(cur.Since, cur.Until, v.loc), windowDays(cur.Since, cur.Until), mdText(v.bench.Name),
		presetName(v.defs), v.in.GeneratedAt.UTC().Format(dateTimeLayout))
	md.line(head)
	if prev := v.in.Previous; prev != nil {
		md.line()
		md.line("Compared with the previous ", fmt.Sprint(windowDays(prev.Since, prev.Until)), " days (", window(prev.Since, prev.Until, v.loc), ").")
	}
	md.line()
	md.line("## Headline")
	md.line()
	md.row("Metric", "Value", "n", "Level", "vs previous")
	md.row("---", "--:", "--:", "---", "---")
	for _, t := range v.tiles {
		value := "**" + t.Value + "**"
		if t.Empty {
			value = "_" + t.Value + "_"
		}
		level := levelName(t.Level)
		if t.Key == "rr" {
			level = "not benchmarked"
		}
		md.row(t.Name, value, t.Sample, level, mdDelta(t.Delta))
	}
	tr := cur.Overall.TimeToRestore
	ttr := "_no resolved incidents_"
	if tr.Median != nil {
		ttr = "**" + duration(*tr.Median) + "**"
	}
	md.row("Time to restore service", ttr, plural(tr.N, "incident", "incidents")+openNote(tr.Open), "—", "—")
	md.line()
	v.markdownFailures(md)
	v.markdownRegressions(md)
	v.markdownQuality(md)
	v.markdownMethodology(md)
}

func mdDelta(d delta) string {
	switch d.Tone {
	case toneBetter, toneWorse:
		return d.Arrow + " " + d.Text + ", " + d.Tone
	case toneSame:
		return d.Arrow + " unchanged"
	}
	return d.Text
}

func openNote(open int) string {
	if open == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d open)", open)
}

func (v *view) markdownFailures(md *mdWriter) {
	failed := v.details.FailedDeployments
	md.line("## Failed deployments")
	md.line()
	if len(failed) == 0 {
		md.line("_", v.noFailuresListed(), "_")
		md.line()
		return
	}
	md.row("Finished", "Service", "Deployment", "Why it failed", "Recovery")
	md.row("---", "---", "---", "---", "--:")
	for i, f := range failed {
		if i == markdownRows {
			md.line()
			md.line(fmt.Sprintf("…and %d more in the HTML report.", len(failed)-markdownRows))
			break
		}
		md.row(f.FinishedAt.In(v.loc).Format(dateTimeLayout), mdText(f.Service), mdLink(f.ID, f.URL)+" `"+mdCode(shortSHA(f.SHA))+"`",
			mdText(failureReasons(f)), recoveryText(f))
	}
	md.line()
}

// mdCode keeps a value that is printed inside backticks from closing them.
func mdCode(s string) string {
	return strings.NewReplacer("`", "'", "\n", " ", "\r", " ", "|", "¦").Replace(s)
}

// failureReasons explains why a deployment failed: "incident inc-7; rolled back by d-9".
func failureReasons(f dora.FailedDeployment) string {
	var parts []string
	for _, r := range f.Reasons {
		switch r {
		case dora.ReasonIncident:
			p := "incident"
			if len(f.Incidents) > 0 {
				p += " " + strings.Join(f.Incidents, ", ")
			}
			parts = append(parts, p)
		case dora.ReasonRollback:
			parts = append(parts, remediated("rolled back", f.RemediatedBy))
		case dora.ReasonRemediation:
			parts = append(parts, remediated("remediated", f.RemediatedBy))
		default:
			parts = append(parts, r)
		}
	}
	return strings.Join(parts, "; ")
}

func remediated(what, by string) string {
	if by == "" {
		return what
	}
	return what + " by " + by
}

func recoveryText(f dora.FailedDeployment) string {
	if f.Recovery == nil {
		return "open"
	}
	return duration(*f.Recovery)
}

func (v *view) markdownRegressions(md *mdWriter) {
	cur := v.in.Current
	if len(cur.Groups) == 0 {
		return
	}
	md.line("## Worst regressions")
	md.line()
	if v.in.Previous == nil {
		md.line("_No previous period to compare with._")
		md.line()
		return
	}
	regs := regressions(cur, v.in.Previous, v.defs.MinSample, 5)
	if len(regs) == 0 {
		md.line(fmt.Sprintf("_No %s got worse on a metric with at least %d values in both periods._", groupNoun(cur.Groups[0].By), v.defs.MinSample))
		md.line()
		return
	}
	mixed := false
	for _, r := range regs {
		mixed = mixed || r.By != regs[0].By
	}
	head := capitalize(string(regs[0].By))
	if mixed {
		head = "Group"
	}
	md.row(head, "Metric", "Before", "Now", "Change")
	md.row("---", "---", "--:", "--:", "---")
	for _, r := range regs {
		key := mdText(r.Key)
		if mixed {
			key = string(r.By) + " " + key
		}
		md.row(key, r.Metric, r.Before, r.Now, mdDelta(r.Change))
	}
	md.line()
}

func groupNoun(by dora.Dimension) string {
	if by == "" {
		return "group"
	}
	return string(by)
}

func capitalize(s string) string {
	if s == "" {
		return "Group"
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (v *view) markdownQuality(md *mdWriter) {
	md.line("## Data quality")
	md.line()
	var shown bool
	for _, q := range qualityRows(v.in.Current.Overall.DataQuality) {
		if q.Count == 0 {
			continue
		}
		shown = true
		md.line("- ", q.Name, ": **", count(q.Count), "** (", q.Meaning, ")")
	}
	switch {
	case shown:
	case v.in.Current.Overall.DeploymentFrequency.Deployments == 0 && v.in.Current.Overall.TimeToRestore.N == 0:
		md.line("No records in this window to check.")
	default:
		md.line("No gaps found: every deployment has its commits and every incident its place.")
	}
	md.line()
}

func (v *view) markdownMethodology(md *mdWriter) {
	d := v.defs
	md.line("## Methodology")
	md.line()
	md.line("Deployments are successful deployments to production (environments matching ", mdCodeList(d.ProductionEnvironments),
		"). Lead time runs from each commit's ", mdText(string(d.LeadTimeStart)), " time (a squash merge's from its pull request's first commit) to its first production deployment. ",
		"A deployment failed when an incident is attributed to it (explicitly, or the latest deployment of the service within ", humanWindow(d.IncidentWindow.Seconds()),
		" before the incident), it was rolled back, or a hotfix or revert (labels ", mdCodeList(d.RemediationLabels),
		"; title prefixes ", mdCodeList(d.RemediationTitlePrefixes), ") remediated it. ",
		"Levels follow the ", mdText(v.bench.Name), " benchmarks", benchDescription(v.bench), " and need at least ", count(d.MinSample),
		" values. Medians and percentiles are interpolated; calendar days and weeks are in ", mdText(d.Timezone), ".")
}

// mdCodeList prints configured patterns as code spans, so quotes and globs read literally.
func mdCodeList(items []string) string {
	if len(items) == 0 {
		return "none"
	}
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = "`" + mdCode(s) + "`"
	}
	return strings.Join(out, ", ")
}

func benchDescription(b dora.Benchmark) string {
	if b.Description == "" {
		return ""
	}
	return " (" + mdText(b.Description) + ")"
}
