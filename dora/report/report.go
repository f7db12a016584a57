// Package report renders dora.Metrics for people: a self-contained HTML dashboard (HTML) and a
// weekly digest in Markdown (Markdown). It does no I/O beyond the io.Writer it is given, and the
// same Input always gives the same bytes.
package report

import (
	"errors"
	"slices"
	"time"

	"github.com/dorareport/dorareport/dora"
)

// Input is what a report is made of.
type Input struct {
	// Title names the organisation or scope; empty gives "DORA metrics".
	Title string
	// Current holds the window being reported. Its Series with key dora.SeriesKeyAll drive the
	// trends and its Groups the breakdown tables.
	Current *dora.Metrics
	// Previous is the window of the same length just before Current, for deltas; may be nil.
	Previous *dora.Metrics
	// Details feeds the drill-down tables and the distribution charts; may be nil.
	Details *dora.Details
	// GeneratedAt is printed in the header; callers fix it for reproducible output.
	GeneratedAt time.Time
	// EChartsJS is the ECharts library to inline. Nil loads it from the public CDN instead; with
	// it, the page makes no network request at all.
	EChartsJS []byte
}

// ErrNoMetrics is returned when Input.Current is nil.
var ErrNoMetrics = errors.New("report: no current metrics to render")

// view is what both renderers need, computed once from an Input.
type view struct {
	in       Input
	title    string
	defs     dora.Definitions
	bench    dora.Benchmark
	hasBench bool
	loc      *time.Location
	details  dora.Details
	tiles    []tile
	series   []dora.Point // the organisation's trend (key "all"), oldest first
	monthly  bool
}

func newView(in Input) (*view, error) {
	if in.Current == nil {
		return nil, ErrNoMetrics
	}
	v := &view{in: in, title: in.Title, defs: in.Current.Definitions.WithDefaults()}
	if v.title == "" {
		v.title = "DORA metrics"
	}
	edition := in.Current.Benchmarks
	if edition == "" {
		edition = v.defs.Benchmarks
	}
	v.bench, v.hasBench = dora.LookupBenchmark(edition)
	if !v.hasBench {
		v.bench.Name = edition
	}
	loc, err := time.LoadLocation(v.defs.Timezone)
	if err != nil {
		loc = time.UTC
	}
	v.loc = loc
	if in.Details != nil {
		v.details = *in.Details
	}
	var prev *dora.Values
	if in.Previous != nil {
		prev = &in.Previous.Overall
	}
	v.tiles = headline(&in.Current.Overall, prev)
	for _, p := range in.Current.Series {
		if p.Key == dora.SeriesKeyAll {
			v.series = append(v.series, p)
		}
	}
	slices.SortStableFunc(v.series, func(a, b dora.Point) int { return compareStrings(a.Period, b.Period) })
	v.monthly = isMonthly(v.series)
	return v, nil
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// noFailuresListed says why the failed-deployment list is empty: there were none, there were no
// deployments, or the report was made without details.
func (v *view) noFailuresListed() string {
	o := v.in.Current.Overall
	switch {
	case o.DeploymentFrequency.Deployments == 0:
		return "No deployments in this window."
	case v.in.Details == nil && o.ChangeFailureRate.Failed > 0:
		return capitalize(plural(o.ChangeFailureRate.Failed, "deployment", "deployments")) + " failed; this report was made without the details to list them."
	}
	return "No failed deployments in this window."
}

// isMonthly tells a monthly series from a weekly one by the gap between its first periods.
func isMonthly(series []dora.Point) bool {
	if len(series) < 2 {
		return false
	}
	a, errA := time.Parse(time.DateOnly, series[0].Period)
	b, errB := time.Parse(time.DateOnly, series[1].Period)
	return errA == nil && errB == nil && b.Sub(a) > 8*24*time.Hour
}
