package report

import (
	"cmp"
	"slices"

	"github.com/dorareport/dorareport/dora"
)

// A regression is one metric of one group that got worse against the previous window.
type regression struct {
	By          dora.Dimension
	Key         string
	Metric      string
	Before, Now string
	Change      delta
	score       float64 // relative worsening, for ranking
}

// regressionMetrics are the metrics compared per group, with their printers and the sample that
// must reach the minimum for a change to be worth reporting.
var regressionMetrics = []struct {
	name   string
	m      metric
	format func(float64) string
	sample func(*dora.Values) int
}{
	{"Deployment frequency", mFrequency, func(x float64) string { return number(x) + " / week" }, func(v *dora.Values) int { return v.DeploymentFrequency.Deployments }},
	{"Change lead time", mLeadTime, duration, func(v *dora.Values) int { return v.LeadTime.N }},
	{"Change fail rate", mFailureRate, percent, func(v *dora.Values) int { return v.ChangeFailureRate.Deployments }},
	{"Failed deployment recovery time", mRecoveryTime, duration, func(v *dora.Values) int { return v.RecoveryTime.N }},
	{"Deployment rework rate", mReworkRate, percent, func(v *dora.Values) int { return v.ReworkRate.Deployments }},
}

// regressions lists the groups' metrics that got worse, worst first, at most limit of them.
// Changes measured on fewer than minSample values in either window are noise and left out.
func regressions(cur, prev *dora.Metrics, minSample, limit int) []regression {
	if prev == nil {
		return nil
	}
	before := make(map[[2]string]*dora.Values, len(prev.Groups))
	for i := range prev.Groups {
		g := &prev.Groups[i]
		before[[2]string{string(g.By), g.Key}] = &g.Values
	}
	var out []regression
	for i := range cur.Groups {
		g := &cur.Groups[i]
		p, ok := before[[2]string{string(g.By), g.Key}]
		if !ok {
			continue
		}
		for _, rm := range regressionMetrics {
			if rm.sample(&g.Values) < minSample || rm.sample(p) < minSample {
				continue
			}
			d := rm.m.compare(&g.Values, p)
			if d.Tone != toneWorse {
				continue
			}
			c, _ := rm.m.value(&g.Values)
			b, _ := rm.m.value(p)
			out = append(out, regression{
				By: g.By, Key: g.Key, Metric: rm.name, Before: rm.format(b), Now: rm.format(c),
				Change: d, score: worsening(rm.m, b, c),
			})
		}
	}
	slices.SortStableFunc(out, func(a, b regression) int {
		return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.Key, b.Key), cmp.Compare(a.Metric, b.Metric))
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// worsening is how much worse c is than b, relative to b (a rate from 0 counts as doubling).
func worsening(m metric, b, c float64) float64 {
	if b == 0 {
		return 1
	}
	r := (c - b) / b
	if m.higherIsBetter {
		r = -r
	}
	return r
}
