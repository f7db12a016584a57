package dora_test

import (
	"context"
	"slices"
	"testing"

	"github.com/dorareport/dorareport/dora"
)

func (w *world) details() *dora.Details {
	w.t.Helper()
	d, err := w.open().Details(context.Background(), dora.Query{Since: monday, Until: monday.AddDate(0, 0, 28)})
	if err != nil {
		w.t.Fatal(err)
	}
	return d
}

func TestDetails(t *testing.T) {
	w := newWorld(t)
	w.commit("c1", at(0, 0))
	w.commit("c2", at(0, 1.5), "c1")
	w.commit("sq", at(3, 0), "c2")
	w.prs = append(w.prs, dora.PullRequest{Repo: "acme/api", Number: 4, Title: "Add limiter", URL: "https://github.com/acme/api/pull/4",
		CreatedAt: at(1, 0), MergedAt: at(3, 0), MergeSHA: "sq", FirstCommitAt: at(0, 12)})
	w.deploy("d1", "c2", at(0, 2), ships("c1", "c2"))
	w.deploy("d2", "sq", at(3, 6), ships("sq"))
	w.deploy("d3", "c2", at(3, 8)) // rolls d2 back
	w.incident("i1", at(3, 7), at(3, 9), "")
	d := w.details()

	if len(d.FailedDeployments) != 1 {
		t.Fatalf("failed deployments = %+v, want d2 only", d.FailedDeployments)
	}
	f := d.FailedDeployments[0]
	eq(t, "failed id", f.ID, "d2")
	if !slices.Equal(f.Reasons, []string{dora.ReasonIncident, dora.ReasonRollback}) {
		t.Errorf("reasons = %v", f.Reasons)
	}
	eq(t, "remediated by", f.RemediatedBy, "d3")
	eqf(t, "recovery: incident resolved 3h after d2", f.Recovery, 3*hourS)

	eq(t, "slowest change", d.SlowestChanges[0].SHA, "sq")
	eq(t, "its pull request", d.SlowestChanges[0].PullRequest, int64(4))
	eq(t, "its title", d.SlowestChanges[0].Title, "Add limiter")
	eq(t, "its lead time (from the PR's first commit)", d.SlowestChanges[0].LeadTime, 2*dayS+18*hourS)

	eq(t, "incidents", len(d.Incidents), 1)
	eq(t, "attributed to", d.Incidents[0].DeploymentID, "d2")
	eq(t, "attribution", d.Incidents[0].Attribution, dora.AttributedByWindow)

	counts := map[string]int{}
	for _, b := range d.LeadTimeHistogram {
		counts[b.Label] = b.Count
	}
	eq(t, "< 1 h (c2)", counts["< 1 h"], 1)
	eq(t, "1–4 h (c1)", counts["1–4 h"], 1)
	eq(t, "1–3 d (sq)", counts["1–3 d"], 1)

	eq(t, "coding n", d.Stages.Coding.N, 1)
	eqf(t, "coding", d.Stages.Coding.Median, 12*hourS)
	eqf(t, "review", d.Stages.Review.Median, 2*dayS)
	eqf(t, "deploy", d.Stages.Deploy.Median, 6*hourS)

	if !slices.Equal(d.DeployDays, []dora.DayCount{{Day: "2024-03-04", Deployments: 1}, {Day: "2024-03-07", Deployments: 2}}) {
		t.Errorf("deploy days = %v", d.DeployDays)
	}
}

// Each stage reports its own continuous quantiles: two pull requests whose stages differ.
func TestDetailsStageQuantiles(t *testing.T) {
	w := newWorld(t)
	w.commit("s4", at(1, 12))
	w.commit("s5", at(4, 0), "s4")
	w.prs = append(w.prs,
		dora.PullRequest{Repo: "acme/api", Number: 4, FirstCommitAt: at(0, 0), CreatedAt: at(0, 12), MergedAt: at(1, 12), MergeSHA: "s4"},
		dora.PullRequest{Repo: "acme/api", Number: 5, FirstCommitAt: at(0, 0), CreatedAt: at(1, 0), MergedAt: at(4, 0), MergeSHA: "s5"})
	w.deploy("d1", "s4", at(1, 18), ships("s4"))
	w.deploy("d2", "s5", at(4, 12), ships("s5"))
	s := w.details().Stages
	for _, c := range []struct {
		stage            string
		q                dora.Quantiles
		median, p75, p90 float64
	}{
		{"coding (12 h, 24 h)", s.Coding, 18 * hourS, 21 * hourS, 22.8 * hourS},
		{"review (1 d, 3 d)", s.Review, 2 * dayS, 2.5 * dayS, 2.8 * dayS},
		{"deploy (6 h, 12 h)", s.Deploy, 9 * hourS, 10.5 * hourS, 11.4 * hourS},
	} {
		eq(t, c.stage+" n", c.q.N, 2)
		eqf(t, c.stage+" median", c.q.Median, c.median)
		eqf(t, c.stage+" p75", c.q.P75, c.p75)
		eqf(t, c.stage+" p90", c.q.P90, c.p90)
	}
}
