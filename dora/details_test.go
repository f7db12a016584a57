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
