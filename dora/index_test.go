package dora_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/dora/doratest"
)

// TestIndexCommitRanges pins that Index derives the shipments from the ranges it stored, that
// a write of a repository's commits forgets that repository's ranges (and only those), and that
// the numbers are the same with and without the index.
func TestIndexCommitRanges(t *testing.T) {
	ctx := context.Background()
	db := mergedBranch(t).open()
	stored := func(repo string) []string {
		t.Helper()
		var shas []string
		rows, err := db.SQL().QueryContext(ctx, `SELECT unnest(shas) FROM commit_ranges WHERE repo = ? ORDER BY 1`, repo)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			rows.Scan(&s)
			shas = append(shas, s)
		}
		return shas
	}
	index := func(want int) {
		t.Helper()
		n, err := db.Index(ctx, dora.Definitions{})
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "ranges indexed", n.Ranges, want)
	}
	writeCommit := func(c dora.Commit) {
		t.Helper()
		if err := db.Write(ctx, func(wr *dora.Writer) error { return wr.Commit(c) }); err != nil {
			t.Fatal(err)
		}
	}

	unindexed := leadTimeOf(t, db)
	eq(t, "n without the index", unindexed.N, 2)
	index(1)
	index(0) // nothing left to compute: nothing stored twice
	if got := stored("acme/api"); !slices.Equal(got, []string{"f1", "f2", "m"}) {
		t.Fatalf("stored range %v, want [f1 f2 m]", got)
	}
	indexed := leadTimeOf(t, db)
	eq(t, "n with the index", indexed.N, unindexed.N)
	eqf(t, "median with the index", indexed.Median, *unindexed.Median)

	// Without the indexed shipments, queries read the stored range: make it say that only f2
	// shipped.
	if _, err := db.SQL().ExecContext(ctx, `UPDATE commit_ranges SET shas = ['f2']; DELETE FROM index_key`); err != nil {
		t.Fatal(err)
	}
	eq(t, "n from the stored range", leadTimeOf(t, db).N, 1)

	writeCommit(commit("acme/web", "w1", at(0, 0))) // another repository: the range stays
	eq(t, "ranges after a write to another repository", len(stored("acme/api")), 1)
	writeCommit(commit("acme/api", "c9", at(0, 0))) // its own repository: the range is forgotten
	eq(t, "ranges after a write to the repository", len(stored("acme/api")), 0)
	eq(t, "n once forgotten", leadTimeOf(t, db).N, 2)
}

// Commit graphs read a few repositories at a time give the same ranges as read at once.
func TestCommitGraphsReadInSpans(t *testing.T) {
	w := newWorld(t)
	for i, repo := range []string{"acme/api", "acme/ops", "acme/web"} {
		inRepo := func(d *dora.Deployment) { d.Repo, d.Service = repo, repo }
		w.commits = append(w.commits,
			commit(repo, repo+"-c0", at(0, 0), []string{}...),
			commit(repo, repo+"-c1", at(0, 1), repo+"-c0"),
			commit(repo, repo+"-c2", at(0, float64(2+i)), repo+"-c1"))
		w.deploy(repo+"-d1", repo+"-c0", at(0, 5), inRepo, ships())
		w.deploy(repo+"-d2", repo+"-c2", at(0, 10), inRepo) // ships c1 and c2 by the graph
	}
	db := w.open()
	whole := leadTimeOf(t, db)
	eq(t, "changes read at once", whole.N, 6)
	defer dora.SetGraphSpanCommits(6)() // two spans: api and ops, then web
	spans := leadTimeOf(t, db)
	eq(t, "changes read in spans", spans.N, whole.N)
	eqf(t, "median read in spans", spans.Median, *whole.Median)
}

// The ranges indexed are those of the definitions given: they decide which deployments count.
func TestIndexCommitRangesFollowsTheDefinitions(t *testing.T) {
	w := newWorld(t)
	w.commit("c0", at(0, 0))
	w.commit("c1", at(0, 1), "c0")
	w.deploy("d1", "c0", at(0, 5), env("edge"), ships())
	w.deploy("d2", "c1", at(0, 10), env("edge"))
	db := w.open()
	n, err := db.Index(context.Background(), dora.Definitions{})
	eq(t, "ranges under the defaults, where edge is no production", n.Ranges, 0)
	if err != nil {
		t.Fatal(err)
	}
	n, err = db.Index(context.Background(), dora.Definitions{ProductionEnvironments: []string{"edge"}})
	eq(t, "ranges when edge is production", n.Ranges, 1)
	if err != nil {
		t.Fatal(err)
	}
}

// leadTimeOf is the overall lead time of the four weeks from monday in db.
func leadTimeOf(t *testing.T, db *dora.DB) dora.LeadTime {
	t.Helper()
	return overallOf(t, db).LeadTime
}

// TestIndexShipments pins that queries read the histories and shipments Index stored when their
// production environments and remediation patterns are the ones stored, derive them otherwise,
// and that every write of what they are derived from (and only that) forgets them.
func TestIndexShipments(t *testing.T) {
	ctx := context.Background()
	w := mergedBranch(t)
	w.deploy("e1", "c0", at(0, 1), env("edge"), ships())
	db := w.open()
	index := func() int {
		t.Helper()
		n, err := db.Index(ctx, dora.Definitions{})
		if err != nil {
			t.Fatal(err)
		}
		return n.Changes
	}
	eq(t, "changes indexed", index(), 3) // f1, f2 and the merge commit m, by d2
	eq(t, "changes indexed again, nothing written since", index(), 0)
	v := overallOf(t, db)
	eq(t, "n with the shipments", v.LeadTime.N, 2)
	eq(t, "failed with the shipments", v.ChangeFailureRate.Failed, 0)
	eq(t, "deployments without commits with the shipments", v.DataQuality.DeploymentsWithoutCommits, 0)
	eq(t, "deployments with the shipments", v.ChangeFailureRate.Deployments, 2)

	// Make the index say that f1 never shipped, that d2 is a remediation, that what d2 shipped
	// is unknown and that d2 rolled back; and forget the failures stored from the shipments as
	// they were, so that they are derived from these.
	_, err := db.SQL().ExecContext(ctx, `DELETE FROM index_first_shipments WHERE sha = 'f1';
		INSERT INTO index_remediations VALUES ('d2');
		UPDATE index_ranges SET known = false WHERE deployment_id = 'd2';
		UPDATE index_histories SET rollback = true WHERE id = 'd2';
		DELETE FROM index_incidents_key`)
	if err != nil {
		t.Fatal(err)
	}
	v = overallOf(t, db)
	eq(t, "n read from the first shipments", v.LeadTime.N, 1)
	eq(t, "failed read from the remediations: d2 remediated d1", v.ChangeFailureRate.Failed, 1)
	eq(t, "deployments without commits read from the ranges", v.DataQuality.DeploymentsWithoutCommits, 1)
	eq(t, "deployments read from the histories: the rollback d2 does not count", v.ChangeFailureRate.Deployments, 1)
	m, err := db.Metrics(ctx, dora.Query{Since: monday, Until: monday.AddDate(0, 0, 28),
		Definitions: dora.Definitions{MinSample: 1, ProductionEnvironments: []string{"production", "edge"}}})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "n when edge is production too: derived", m.Overall.LeadTime.N, 2)
	m, err = db.Metrics(ctx, dora.Query{Since: monday, Until: monday.AddDate(0, 0, 28),
		Definitions: dora.Definitions{MinSample: 1, RemediationTitlePrefixes: []string{"fix"}}})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "failed when remediations are recognised otherwise: derived", m.Overall.ChangeFailureRate.Failed, 0)

	stored := func() bool { t.Helper(); return count(t, db, `SELECT count(*) FROM index_key`) > 0 }
	writes := []struct {
		name    string
		write   func(*dora.Writer) error
		forgets bool
	}{
		{"deployment", func(wr *dora.Writer) error { return wr.Deployment(w.deployments[0]) }, true},
		{"commit", func(wr *dora.Writer) error { return wr.Commit(w.commits[0]) }, true},
		{"pull_request", func(wr *dora.Writer) error {
			return wr.PullRequest(dora.PullRequest{Repo: "acme/api", Number: 1, CreatedAt: at(0, 0), MergeSHA: "m"})
		}, true},
		{"service", func(wr *dora.Writer) error { return wr.Service(dora.Service{Name: "api", Repos: []string{"acme/api"}}) }, true},
		{"incident", func(wr *dora.Writer) error {
			return wr.Incident(dora.Incident{ID: "i1", Service: "api", StartedAt: at(0, 11)})
		}, false},
		{"sync_state", func(wr *dora.Writer) error { return wr.SetSyncState("github", "cursor", "x") }, false},
	}
	for _, c := range writes {
		index()
		if err := db.Write(ctx, c.write); err != nil {
			t.Fatal(err)
		}
		eq(t, "shipments kept after writing a "+c.name, stored(), !c.forgets)
		if c.forgets {
			eq(t, "changes indexed again after writing a "+c.name, index(), 3)
		}
	}
	index()
	if err := db.SetServices(ctx, nil); err != nil {
		t.Fatal(err)
	}
	eq(t, "shipments kept after deleting the services", stored(), false)
}

// TestIndexChangesNoNumber pins that every number is the same whether a query derives the
// shipments or reads those Index stored, over the demo organisation (graph ranges, squash merges,
// a monorepo, two regions) and queries that differ in window, grouping, series, the start of
// lead time and the production environments.
func TestIndexChangesNoNumber(t *testing.T) {
	ctx := context.Background()
	db := demoWarehouse(t, filepath.Join(t.TempDir(), "demo.duckdb"))
	end := demoEnd
	queries := []dora.Query{
		{Since: end.AddDate(0, 0, -84), Until: end, By: dora.ByService, Interval: dora.Week},
		{Since: end.AddDate(-1, 0, 0), Until: end, By: dora.ByTeam, Interval: dora.Month},
		{Since: end.AddDate(0, -6, 0), Until: end.AddDate(0, -3, 0), By: dora.ByRepo,
			Definitions: dora.Definitions{LeadTimeStart: dora.StartCommitted, Timezone: "Europe/Berlin"}},
		{Since: end.AddDate(0, -2, 0), Until: end, By: dora.ByEnvironment,
			Definitions: dora.Definitions{ProductionEnvironments: []string{"prod*", "staging"}}},
	}
	numbers := func() []string {
		t.Helper()
		var out []string
		for _, q := range queries {
			m, err := db.Metrics(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			d, err := db.Details(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal([]any{m, d})
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, string(b))
		}
		return out
	}
	derived := numbers()
	n, err := db.Index(ctx, dora.Definitions{})
	if err != nil {
		t.Fatal(err)
	}
	if n.Changes < 1000 || n.Incidents < 100 {
		t.Fatalf("%d first shipments and %d incidents indexed, want the demo's thousands and hundreds", n.Changes, n.Incidents)
	}
	for i, got := range numbers() {
		if got != derived[i] {
			t.Errorf("query %d: numbers from the indexed shipments differ from the derived ones:\nderived: %s\nstored:  %s", i, derived[i], got)
		}
	}
}

// TestIndexIncidents pins that queries read the attributions and failures Index stored when
// their definitions are those it stored them for, incident window included; that a write of
// incidents forgets them and nothing else; and that Index then stores them again from the
// stored shipments.
func TestIndexIncidents(t *testing.T) {
	ctx := context.Background()
	w := mergedBranch(t)
	w.incident("i1", at(0, 11), at(0, 12), "") // an hour after d2: blamed on it by the window
	db := w.open()
	n, err := db.Index(ctx, dora.Definitions{})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "incidents indexed", n.Incidents, 1)
	if n, err = db.Index(ctx, dora.Definitions{}); err != nil || n != (dora.Indexed{}) {
		t.Fatalf("indexed again with nothing written: %+v, %v; want nothing", n, err)
	}
	eq(t, "failed with the index", overallOf(t, db).ChangeFailureRate.Failed, 1)

	// Make the index say that nothing failed.
	if _, err := db.SQL().ExecContext(ctx, `DELETE FROM index_failures`); err != nil {
		t.Fatal(err)
	}
	eq(t, "failed read from the stored failures", overallOf(t, db).ChangeFailureRate.Failed, 0)
	m, err := db.Metrics(ctx, dora.Query{Since: monday, Until: monday.AddDate(0, 0, 28),
		Definitions: dora.Definitions{MinSample: 1, IncidentWindow: 2 * time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "failed under another incident window: derived", m.Overall.ChangeFailureRate.Failed, 1)

	err = db.Write(ctx, func(wr *dora.Writer) error {
		return wr.Incident(dora.Incident{ID: "i2", Service: "api", StartedAt: at(1, 0)})
	})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "keys of the incidents' index left after writing an incident", count(t, db, `SELECT count(*) FROM index_incidents_key`), 0)
	eq(t, "keys of the shipments' index left after writing an incident", count(t, db, `SELECT count(*) FROM index_key`), 1)
	eq(t, "failed after writing an incident: derived", overallOf(t, db).ChangeFailureRate.Failed, 1)
	if n, err = db.Index(ctx, dora.Definitions{}); err != nil || n != (dora.Indexed{Incidents: 2}) {
		t.Fatalf("indexed after writing an incident: %+v, %v; want the 2 incidents and nothing else", n, err)
	}
	eq(t, "failed with the index stored again", overallOf(t, db).ChangeFailureRate.Failed, 1)

	if err := db.Write(ctx, func(wr *dora.Writer) error { return wr.Deployment(w.deployments[0]) }); err != nil {
		t.Fatal(err)
	}
	eq(t, "keys of the incidents' index left after writing a deployment", count(t, db, `SELECT count(*) FROM index_incidents_key`), 0)
}

// overallOf is the overall metrics of the four weeks from monday in db.
func overallOf(t *testing.T, db *dora.DB) dora.Values {
	t.Helper()
	m, err := db.Metrics(context.Background(), dora.Query{Since: monday, Until: monday.AddDate(0, 0, 28), Definitions: dora.Definitions{MinSample: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return m.Overall
}

// demoEnd is the end of the history of demoWarehouse.
var demoEnd = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// demoWarehouse generates the demo organisation, a year to demoEnd, into a warehouse at path; it
// is closed when the test ends.
func demoWarehouse(t *testing.T, path string) *dora.DB {
	t.Helper()
	ctx := context.Background()
	db, err := dora.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	org := doratest.DemoOrg(demoEnd)
	if err := db.SetServices(ctx, doratest.Services(org)); err != nil {
		t.Fatal(err)
	}
	if _, err := doratest.Generate(ctx, db, org); err != nil {
		t.Fatal(err)
	}
	return db
}
