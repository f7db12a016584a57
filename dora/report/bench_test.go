package report

import (
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
)

// largeInput is a year of a 200-service organisation: 200 groups, 52 weekly points for the
// organisation and for every service, and drill-down lists of realistic length.
func largeInput() Input {
	const services, weeks = 200, 52
	since := day("2025-12-01")
	base := fixture()
	cur := &dora.Metrics{Since: since, Until: since.AddDate(0, 0, 7*weeks), Benchmarks: "dora-2023",
		Overall: base.Current.Overall, Definitions: dora.DefaultDefinitions()}
	prev := &dora.Metrics{Since: since.AddDate(0, 0, -7*weeks), Until: since, Benchmarks: "dora-2023", Overall: base.Previous.Overall}
	for s := range services {
		key := fmt.Sprintf("service-%03d", s)
		v := values(20+s%40, 10+s%30, float64(1+s%5), float64(3600*(2+s%50)), 50+s, s%7, float64(600*(1+s%20)), 5+s%4, s%5)
		cur.Groups = append(cur.Groups, dora.Group{By: dora.ByService, Key: key, Values: v})
		prev.Groups = append(prev.Groups, dora.Group{By: dora.ByService, Key: key, Values: values(25+s%30, 12, 2, float64(3600*(3+s%40)), 60, s%4, 1200, 6, 2)})
	}
	for w := range weeks {
		period := since.AddDate(0, 0, 7*w).Format(time.DateOnly)
		for _, k := range append([]string{dora.SeriesKeyAll}, groupKeys(cur)...) {
			v := values(40+w%9, 4+w%3, float64(4+w%3), float64(3600*(10+w%7)), 90+w, w%4, float64(1800*(1+w%3)), 1+w%3, w%3)
			cur.Series = append(cur.Series, dora.Point{Key: k, Period: period, Values: v})
		}
	}
	d := &dora.Details{LeadTimeHistogram: base.Details.LeadTimeHistogram, Stages: base.Details.Stages}
	for i := range 500 {
		f := base.Details.FailedDeployments[i%3]
		f.ID = fmt.Sprintf("d-%d", 10000-i)
		f.Service = fmt.Sprintf("service-%03d", i%services)
		f.FinishedAt = cur.Until.Add(-time.Duration(i) * 17 * time.Hour)
		d.FailedDeployments = append(d.FailedDeployments, f)
	}
	d.SlowestChanges = base.Details.SlowestChanges
	for i := range 800 {
		in := base.Details.Incidents[i%4]
		in.ID = fmt.Sprintf("inc-%d", i)
		in.Service = fmt.Sprintf("service-%03d", (i*7)%services)
		in.StartedAt = since.Add(time.Duration(i) * 10 * time.Hour)
		if in.ResolvedAt != nil {
			r := in.StartedAt.Add(time.Duration(1+i%9) * time.Hour)
			in.ResolvedAt = &r
		}
		d.Incidents = append(d.Incidents, in)
	}
	for t := since; t.Before(cur.Until); t = t.AddDate(0, 0, 1) {
		d.DeployDays = append(d.DeployDays, dora.DayCount{Day: t.Format(time.DateOnly), Deployments: 1 + t.YearDay()%30})
	}
	return Input{Title: "Large org", Current: cur, Previous: prev, Details: d, GeneratedAt: base.GeneratedAt}
}

func groupKeys(m *dora.Metrics) []string {
	keys := make([]string, len(m.Groups))
	for i, g := range m.Groups {
		keys[i] = g.Key
	}
	return keys
}

// countingWriter measures the output without keeping it.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

func BenchmarkHTML(b *testing.B) {
	in := largeInput()
	var size int64
	for b.Loop() {
		var w countingWriter
		if err := HTML(&w, in); err != nil {
			b.Fatal(err)
		}
		size = w.n
	}
	b.ReportMetric(float64(size)/1e6, "MB/report")
}

func BenchmarkMarkdown(b *testing.B) {
	in := largeInput()
	for b.Loop() {
		if err := Markdown(io.Discard, in); err != nil {
			b.Fatal(err)
		}
	}
}

// TestLargeReportBudget keeps the 200-service year inside the size budget of the HTML report.
func TestLargeReportBudget(t *testing.T) {
	var w countingWriter
	in := largeInput()
	start := time.Now()
	if err := HTML(&w, in); err != nil {
		t.Fatal(err)
	}
	if w.n > 5<<20 {
		t.Errorf("a 200-service, 52-week report is %d bytes, over the 5 MB budget", w.n)
	}
	t.Logf("200 services × 52 weeks: %d bytes in %s", w.n, time.Since(start))
}
