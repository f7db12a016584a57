package pagerduty_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/pagerduty"
)

// TestMetricsFromCollectedIncidentsEqualThoseOfTheSameIncidentsImported collects incidents
// from the fake PagerDuty into a warehouse holding a service's deployments, and checks that
// change fail rate, recovery time and time to restore are those of the same incidents written
// as records, and those computed by hand.
func TestMetricsFromCollectedIncidentsEqualThoseOfTheSameIncidentsImported(t *testing.T) {
	ctx := context.Background()
	day := func(d int, hm string) time.Time { return at(fmt.Sprintf("2024-01-%02dT%s:00Z", d, hm)) }
	sha := func(n int) string { return strings.Repeat(fmt.Sprintf("%da", n), 20) }
	var deployments []dora.Deployment
	for i, d := range []int{3, 5, 8, 10, 12, 15} {
		deployments = append(deployments, dora.Deployment{ID: fmt.Sprintf("d-%d", i+1), Service: "mail", Environment: "production",
			Status: dora.StatusSuccess, SHA: sha(i + 1), Repo: "acme/mail", StartedAt: day(d, "09:50"), FinishedAt: day(d, "10:00"), Source: "github"})
	}
	// The same incidents, as an import would write them.
	imported := []dora.Incident{
		{ID: "a", Service: "mail", StartedAt: day(5, "10:30"), ResolvedAt: day(5, "12:30")},                    // d-2, by the window
		{ID: "b", Service: "mail", StartedAt: day(12, "11:00"), ResolvedAt: day(12, "13:00"), CausedBy: "d-3"}, // named in a note
		{ID: "c", Service: "mail", StartedAt: day(10, "09:58"), ResolvedAt: day(10, "11:00"), CausedBy: "d-4"}, // during d-4's rollout, its sha in a change event
		{ID: "d", Service: "mail", StartedAt: day(15, "12:00")},                                                // d-6, still open
		{ID: "e", Service: "mail", StartedAt: day(20, "12:00"), ResolvedAt: day(20, "13:00")},                  // no deployment within 48h
	}

	f := newFakePD(t)
	for _, in := range imported {
		f.add(incident(t, "P"+strings.ToUpper(in.ID), serviceID, in.StartedAt, in.ResolvedAt))
	}
	f.notes["PB"] = []map[string]any{{"id": "N1", "content": "Rolled forward. Caused by: d-3", "created_at": day(12, "12:00").Format(time.RFC3339)}}
	f.changes = []map[string]any{changeEvent(t, "C4", serviceID, day(10, "09:52"), "Deploy mail", map[string]any{"sha": sha(4)})}

	writeDeployments := func(db *dora.DB, incidents []dora.Incident) {
		t.Helper()
		err := db.Write(ctx, func(w *dora.Writer) error {
			for _, d := range deployments {
				if err := w.Deployment(d); err != nil {
					return err
				}
			}
			for _, i := range incidents {
				if err := w.Incident(i); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	collected := openDB(t)
	writeDeployments(collected, nil)
	if err := pagerduty.New(f.config(at("2024-01-01T00:00:00Z"), at("2024-02-01T00:00:00Z"))).Collect(ctx, collected); err != nil {
		t.Fatal(err)
	}
	direct := openDB(t)
	writeDeployments(direct, imported)

	q := dora.Query{Since: at("2024-01-01T00:00:00Z"), Until: at("2024-02-01T00:00:00Z")}
	metrics := func(db *dora.DB) (string, dora.Values) {
		t.Helper()
		m, err := db.Metrics(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		v := m.Overall
		dq := v.DataQuality
		raw, _ := json.Marshal(map[string]any{"change_failure_rate": v.ChangeFailureRate, "recovery_time": v.RecoveryTime,
			"time_to_restore": v.TimeToRestore, "unattributed": dq.UnattributedIncidents, "unresolved": dq.UnresolvedIncidents,
			"broken_caused_by": dq.BrokenCausedBy})
		return string(raw), v
	}
	got, v := metrics(collected)
	want, _ := metrics(direct)
	if got != want {
		t.Errorf("collected from PagerDuty:\n%s\nimported:\n%s", got, want)
	}

	// By hand: d-2 (window), d-3 (note), d-4 (change event sha; the window would have blamed
	// d-3, the last deployment finished before the incident) and d-6 (window, open) failed.
	cfr := v.ChangeFailureRate
	if cfr.Deployments != 6 || cfr.Failed != 4 {
		t.Errorf("change fail rate %d/%d, want 4/6", cfr.Failed, cfr.Deployments)
	}
	// Recovery: d-2 10:00→12:30 (9000s), d-3 8th 10:00→12th 13:00 (356400s), d-4 10:00→11:00 (3600s).
	rt := v.RecoveryTime
	if rt.N != 3 || rt.Open != 1 || rt.Median == nil || *rt.Median != 9000 {
		t.Errorf("recovery time %+v (median %v), want n=3, open=1, median 9000s", rt, deref(rt.Median))
	}
	ttr := v.TimeToRestore
	// Time to restore: a 7200s, b 7200s, c 3720s, e 3600s, d open.
	if ttr.N != 4 || ttr.Open != 1 || ttr.Median == nil || *ttr.Median != 5460 {
		t.Errorf("time to restore %+v (median %v), want n=4, open=1, median 5460s", ttr, deref(ttr.Median))
	}
	if v.DataQuality.UnattributedIncidents != 1 {
		t.Errorf("%d unattributed incidents, want 1", v.DataQuality.UnattributedIncidents)
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
