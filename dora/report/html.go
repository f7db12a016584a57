package report

import (
	"bufio"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/dorareport/dorareport/dora"
	"github.com/go-echarts/go-echarts/v2/opts"
)

//go:embed assets
var assets embed.FS

var (
	pageTemplate = template.Must(template.New("report.html.tmpl").
			Funcs(template.FuncMap{"levelName": levelName}).
			ParseFS(assets, "assets/report.html.tmpl"))
	pageStyle  = mustAsset("assets/report.css")
	pageScript = mustAsset("assets/report.js")
)

func mustAsset(name string) string {
	b, err := assets.ReadFile(name)
	if err != nil {
		panic(err) // the file is embedded at build time; missing means a broken build
	}
	return string(b)
}

// cdnURL is where go-echarts loads ECharts from by default.
const cdnURL = "https://go-echarts.github.io/go-echarts-assets/assets/" + opts.EchartsJS

// tableRows caps the drill-down tables so that a huge window still gives a readable page.
const tableRows = 100

// HTML writes the dashboard of in as one self-contained HTML file.
func HTML(w io.Writer, in Input) error {
	v, err := newView(in)
	if err != nil {
		return err
	}
	p, err := v.page()
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := pageTemplate.Execute(bw, p); err != nil {
		return fmt.Errorf("report: write html: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("report: write html: %w", err)
	}
	return nil
}

// page is the data of the HTML template; every string in it is plain text that the template
// escapes, except the fields typed template.* which this package produced itself.
type page struct {
	Title, Window, PrevWindow, Benchmark, BenchDescription, Preset, Scope, Generated, Timezone string
	Days, MinSample                                                                            int
	Tiles                                                                                      []htmlTile
	TrendLead, Restore                                                                         string
	Trends                                                                                     []chart
	Breakdowns                                                                                 []breakdown
	Histogram, Stages, Calendar, Incidents                                                     chart
	StageRows                                                                                  []stageRow
	DeployDaysLead, IncidentLead                                                               string
	IncidentRows                                                                               []incidentRow
	IncidentsMore                                                                              string
	Failed                                                                                     []failedRow
	FailedLead, FailedMore, FailedEmpty                                                        string
	Slowest                                                                                    []changeRow
	Quality                                                                                    []htmlQuality
	Settings                                                                                   []setting
	Ladder                                                                                     []ladderRow
	CSP                                                                                        string
	Style                                                                                      template.CSS
	ChartData                                                                                  template.JS
	InlineLibrary                                                                              template.JS
	LibraryURL                                                                                 string
	Script                                                                                     template.JS
}

type htmlTile struct {
	tile
	Number, Unit, LevelName string
	Benchmarked             bool
	Delta                   htmlDelta
}

type htmlDelta struct {
	delta
	Verdict string
}

// A link is text that points at URL when URL is http(s); otherwise URL is empty.
type link struct {
	Text, URL string
}

func newLink(text, u string) link {
	l, _ := linkable(u)
	return link{Text: text, URL: l}
}

type stageRow struct {
	Name, Meaning, N, Median, P75, P90 string
}

type incidentRow struct {
	Started, Service, Severity, Restored, Deployment, How string
	Title                                                 link
}

type reasonChip struct{ Text, Class string }

type failedRow struct {
	Finished, Service, Environment, SHA, Incidents, RemediatedBy, Recovery string
	Deployment                                                             link
	Reasons                                                                []reasonChip
	Open                                                                   bool
}

type changeRow struct {
	LeadTime, Service, Repo, SHA, Started, Deployed string
	Change                                          link
}

type htmlQuality struct {
	qualityRow
	CountText string
}

func (v *view) page() (*page, error) {
	cur := v.in.Current
	p := &page{
		Title:     v.title,
		Window:    window(cur.Since, cur.Until, v.loc),
		Days:      windowDays(cur.Since, cur.Until),
		Benchmark: v.bench.Name, BenchDescription: v.bench.Description,
		Preset:    strings.ToUpper(presetName(v.defs)[:1]) + presetName(v.defs)[1:],
		Generated: v.in.GeneratedAt.UTC().Format(dateTimeLayout) + " UTC",
		Timezone:  v.defs.Timezone,
		MinSample: v.defs.MinSample,
		Settings:  settings(v.defs),
		Style:     template.CSS(pageStyle),
		Script:    template.JS(pageScript),
	}
	if v.hasBench {
		p.Ladder = ladderRows(v.bench)
	}
	if prev := v.in.Previous; prev != nil {
		p.PrevWindow = window(prev.Since, prev.Until, v.loc)
	}
	for _, t := range v.tiles {
		p.Tiles = append(p.Tiles, v.htmlTile(t))
	}
	p.Restore = restoreLine(cur.Overall.TimeToRestore)
	p.TrendLead = "Organisation-wide, per week. Dashed lines mark the level thresholds of the " + v.bench.Name + " benchmarks."
	if v.monthly {
		p.TrendLead = strings.Replace(p.TrendLead, "per week", "per month", 1)
	}
	p.Trends = v.trends()
	p.Breakdowns = v.breakdowns()
	if len(p.Breakdowns) > 0 {
		b := p.Breakdowns[0]
		p.Scope = fmt.Sprintf("%d %s", len(b.Rows), pluralNoun(b.By, len(b.Rows)))
	}
	p.Histogram, p.Stages = v.leadTimeHistogram(), v.stageChart()
	if p.Stages.Spec != nil {
		for _, s := range v.stages() {
			p.StageRows = append(p.StageRows, stageRow{s.Name, s.Meaning, count(s.Q.N), durationOrDash(s.Q.Median), durationOrDash(s.Q.P75), durationOrDash(s.Q.P90)})
		}
	}
	p.Calendar = v.calendar()
	df := cur.Overall.DeploymentFrequency
	p.DeployDaysLead = "Days with at least one successful production deployment."
	if df.DeployDays > 0 {
		p.DeployDaysLead = fmt.Sprintf("%s with a successful production deployment out of %d; median %s deploy days a week.",
			capitalize(plural(df.DeployDays, "day", "days")), p.Days, number(df.MedianDeployDaysPerWeek))
	}
	p.Incidents = v.incidentTimeline()
	v.incidentRows(p)
	v.failedRows(p)
	v.slowestRows(p)
	for _, q := range qualityRows(cur.Overall.DataQuality) {
		p.Quality = append(p.Quality, htmlQuality{q, count(q.Count)})
	}
	specs := []*chartSpec{}
	for _, c := range append(append([]chart{}, p.Trends...), p.Histogram, p.Stages, p.Calendar, p.Incidents) {
		if c.Spec != nil {
			specs = append(specs, c.Spec)
		}
	}
	data, err := json.Marshal(specs)
	if err != nil {
		return nil, fmt.Errorf("report: encode charts: %w", err)
	}
	p.ChartData = template.JS(data) // encoding/json escapes <, > and &, so no </script> can appear
	scripts := []string{pageScript}
	sources := ""
	if v.in.EChartsJS != nil {
		lib := neutraliseScriptEnd(string(v.in.EChartsJS))
		p.InlineLibrary = template.JS(lib)
		scripts = append(scripts, lib)
	} else {
		p.LibraryURL = cdnURL
		sources = " https://go-echarts.github.io"
	}
	p.CSP = contentSecurityPolicy(scripts, sources)
	return p, nil
}

// neutraliseScriptEnd keeps an inlined library from closing its own <script> element.
func neutraliseScriptEnd(js string) string {
	if !strings.Contains(strings.ToLower(js), "</script") {
		return js
	}
	var b strings.Builder
	for i := 0; i < len(js); i++ {
		if js[i] == '<' && i+8 <= len(js) && strings.EqualFold(js[i:i+8], "</script") {
			b.WriteString(`<\/`)
			i++
			continue
		}
		b.WriteByte(js[i])
	}
	return b.String()
}

// contentSecurityPolicy allows exactly the page's own scripts, by hash, plus the CDN when the
// library is not inlined: an injected inline handler or script cannot run, and nothing but the
// CDN can be fetched.
func contentSecurityPolicy(scripts []string, extraSources string) string {
	var hashes []string
	for _, s := range scripts {
		sum := sha256.Sum256([]byte(s))
		hashes = append(hashes, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
	}
	return "default-src 'none'; script-src " + strings.Join(hashes, " ") + extraSources +
		"; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
}

func pluralNoun(by string, n int) string {
	if n == 1 {
		return by
	}
	return by + "s"
}

// restoreLine reports the pre-2023 time to restore, which many organisations still track.
func restoreLine(r dora.TimeToRestore) string {
	s := "Time to restore service (incident start to resolution, the pre-2023 MTTR): "
	if r.Median == nil {
		s += "no resolved incidents in this window"
	} else {
		s += "median " + duration(*r.Median) + ", p90 " + durationOrDash(r.P90) + " over " + plural(r.N, "incident", "incidents")
	}
	if r.Open > 0 {
		s += "; " + count(r.Open) + " still open"
	}
	return s + "."
}

func (v *view) htmlTile(t tile) htmlTile {
	h := htmlTile{tile: t, LevelName: levelName(t.Level), Benchmarked: t.Key != "rr", Delta: htmlDelta{delta: t.Delta}}
	h.Number, h.Unit = t.Value, ""
	if i := strings.IndexByte(t.Value, ' '); i > 0 && !t.Empty {
		h.Number, h.Unit = t.Value[:i], t.Value[i+1:]
	}
	switch t.Delta.Tone {
	case toneBetter, toneWorse:
		h.Delta.Verdict = t.Delta.Tone
	}
	return h
}

func (v *view) incidentRows(p *page) {
	n := len(v.details.Incidents)
	p.IncidentLead = "Incidents that started in the window, and the deployment each was attributed to."
	if n > 0 {
		p.IncidentLead = fmt.Sprintf("%s started in the window; %d attributed to a deployment.", capitalize(plural(n, "incident", "incidents")), attributedCount(v.details.Incidents))
	}
	// Newest first in the table; the chart shows them all in time order.
	for i := n - 1; i >= 0 && len(p.IncidentRows) < tableRows; i-- {
		in := v.details.Incidents[i]
		r := incidentRow{Started: in.StartedAt.In(v.loc).Format(dateTimeLayout), Service: in.Service, Severity: in.Severity,
			Title: newLink(orDash(in.Title, in.ID), in.URL), Restored: "unresolved", Deployment: in.DeploymentID}
		if in.ResolvedAt != nil {
			r.Restored = duration(in.ResolvedAt.Sub(in.StartedAt).Seconds())
		}
		switch in.Attribution {
		case dora.AttributedExplicitly:
			r.How = "named by the incident"
		case dora.AttributedByWindow:
			r.How = "within " + humanWindow(v.defs.IncidentWindow.Seconds())
		}
		p.IncidentRows = append(p.IncidentRows, r)
	}
	if n > tableRows {
		p.IncidentsMore = fmt.Sprintf("The %d most recent of %d incidents are listed.", tableRows, n)
	}
}

func attributedCount(ins []dora.IncidentDetail) int {
	n := 0
	for _, in := range ins {
		if in.DeploymentID != "" {
			n++
		}
	}
	return n
}

func orDash(s, fallback string) string {
	switch {
	case s != "":
		return s
	case fallback != "":
		return fallback
	}
	return "—"
}

func (v *view) failedRows(p *page) {
	failed := v.details.FailedDeployments
	p.FailedLead = "Deployments that needed immediate intervention, why, and how long until service was restored."
	if n := len(failed); n > 0 {
		p.FailedLead = fmt.Sprintf("%s needed immediate intervention. Newest first, with why and how long until service was restored.", capitalize(plural(n, "deployment", "deployments")))
	}
	p.FailedEmpty = v.noFailuresListed()
	for i, f := range failed {
		if i == tableRows {
			p.FailedMore = fmt.Sprintf("The %d most recent of %d failed deployments are listed.", tableRows, len(failed))
			break
		}
		r := failedRow{Finished: f.FinishedAt.In(v.loc).Format(dateTimeLayout), Service: f.Service, Environment: f.Environment,
			SHA: shortSHA(f.SHA), Deployment: newLink(f.ID, f.URL), RemediatedBy: f.RemediatedBy, Open: f.Recovery == nil}
		if f.Recovery != nil {
			r.Recovery = duration(*f.Recovery)
		}
		for _, reason := range f.Reasons {
			text := reason
			if reason == dora.ReasonRollback {
				text = "rolled back"
			} else if reason == dora.ReasonRemediation {
				text = "remediated"
			}
			r.Reasons = append(r.Reasons, reasonChip{Text: text, Class: reason})
		}
		r.Incidents = strings.Join(f.Incidents, ", ")
		p.Failed = append(p.Failed, r)
	}
}

func (v *view) slowestRows(p *page) {
	for i, c := range v.details.SlowestChanges {
		if i == tableRows {
			break
		}
		text := "pushed without a pull request"
		if c.PullRequest != 0 {
			text = fmt.Sprintf("#%d", c.PullRequest)
			if c.Title != "" {
				text += " " + c.Title
			}
		} else if c.Title != "" {
			text = c.Title
		}
		p.Slowest = append(p.Slowest, changeRow{LeadTime: duration(c.LeadTime), Service: c.Service, Repo: c.Repo, SHA: shortSHA(c.SHA),
			Started: c.StartedAt.In(v.loc).Format(dateTimeLayout), Deployed: c.DeployedAt.In(v.loc).Format(dateTimeLayout), Change: newLink(text, c.URL)})
	}
}
