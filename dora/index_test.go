package dora_test

import (
	"context"
	"slices"
	"testing"

	"github.com/dorareport/dorareport/dora"
)

// TestIndexCommitRanges pins that queries read the ranges IndexCommitRanges stored, that a write
// of a repository's commits forgets that repository's ranges (and only those), and that the
// numbers are the same with and without the index.
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
		n, err := db.IndexCommitRanges(ctx, dora.Definitions{})
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "ranges indexed", n, want)
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

	// Queries read the stored range: make it say that only f2 shipped.
	if _, err := db.SQL().ExecContext(ctx, `UPDATE commit_ranges SET shas = ['f2']`); err != nil {
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
	n, err := db.IndexCommitRanges(context.Background(), dora.Definitions{})
	eq(t, "ranges under the defaults, where edge is no production", n, 0)
	if err != nil {
		t.Fatal(err)
	}
	n, err = db.IndexCommitRanges(context.Background(), dora.Definitions{ProductionEnvironments: []string{"edge"}})
	eq(t, "ranges when edge is production", n, 1)
	if err != nil {
		t.Fatal(err)
	}
}

// leadTimeOf is the overall lead time of the four weeks from monday in db.
func leadTimeOf(t *testing.T, db *dora.DB) dora.LeadTime {
	t.Helper()
	m, err := db.Metrics(context.Background(), dora.Query{Since: monday, Until: monday.AddDate(0, 0, 28), Definitions: dora.Definitions{MinSample: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return m.Overall.LeadTime
}
