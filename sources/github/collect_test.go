package github_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/github"
	"github.com/dorareport/dorareport/sources/github/githubtest"
)

const token = "ghp_0123456789abcdefTESTTOKEN"

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func openDB(t testing.TB) *dora.DB {
	t.Helper()
	db, err := dora.Open(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func newFake(t testing.TB, repos ...*githubtest.Repo) *githubtest.Server {
	t.Helper()
	f := githubtest.New(token)
	t.Cleanup(f.Close)
	for _, r := range repos {
		f.AddRepo(r)
	}
	t.Cleanup(func() {
		if v := f.Violations(); len(v) > 0 {
			t.Errorf("the fake saw requests that break the rules:\n%s", strings.Join(v, "\n"))
		}
	})
	return f
}

func source(f *githubtest.Server, repos ...string) *github.Source {
	return github.New(github.Config{BaseURL: f.BaseURL(), Token: token, TokenEnv: "GITHUB_TOKEN", Repos: repos, Version: "test"})
}

func collect(t testing.TB, ctx context.Context, src *github.Source, db *dora.DB) {
	t.Helper()
	if err := src.Collect(ctx, db); err != nil {
		t.Fatal(err)
	}
}

// handmade is a small repository whose expected records are worked out by hand:
//
//	c0 - c1 - c2 - c3 - c4 - c5 - c6 - c7 - c8
//	               ^squash of PR #1       ^ merge commit of PR #2 (parents c6 and s1)
//
// production: d1 success at c1 (first: range unknown), d2 failure at c3, d3 success at c4
// (ships c2 c3 c4), d4 success at c8 (ships c5..c8); staging: d5 success at c8 (first in
// staging); d6 still in progress.
func handmade() *githubtest.Repo {
	r := &githubtest.Repo{Owner: "acme", Name: "api"}
	c := func(i int) string { return githubtest.SHA(fmt.Sprint("c", i)) }
	for i := range 9 {
		cm := githubtest.Commit{SHA: c(i), Authored: t0.Add(time.Duration(i)*time.Hour - 30*time.Minute), Committed: t0.Add(time.Duration(i) * time.Hour)}
		if i > 0 {
			cm.Parents = []string{c(i - 1)}
		}
		if i == 8 {
			cm.Parents = []string{c(7), githubtest.SHA("s1")}
		}
		r.Commits = append(r.Commits, cm)
	}
	r.Pulls = []githubtest.Pull{
		{Number: 1, Title: "Squashed change", Labels: []string{"feature"}, Created: t0.Add(-48 * time.Hour), Updated: t0.Add(3 * time.Hour),
			Merged: t0.Add(3 * time.Hour), MergeSHA: c(3), Commits: []githubtest.Commit{
				{SHA: githubtest.SHA("p1a"), Authored: t0.Add(-50 * time.Hour), Committed: t0.Add(-50 * time.Hour)},
				{SHA: githubtest.SHA("p1b"), Authored: t0.Add(-40 * time.Hour), Committed: t0.Add(-2 * time.Hour)}}},
		{Number: 2, Title: "Merged change", Created: t0.Add(-10 * time.Hour), Updated: t0.Add(8 * time.Hour), Merged: t0.Add(8 * time.Hour), MergeSHA: c(8)},
		{Number: 3, Title: "Abandoned", Created: t0.Add(-10 * time.Hour), Updated: t0.Add(time.Hour)},
	}
	dep := func(id int64, sha, env string, at time.Time, states ...string) githubtest.Deployment {
		d := githubtest.Deployment{ID: id, SHA: sha, Environment: env, Created: at}
		for i, s := range states {
			d.Statuses = append(d.Statuses, githubtest.Status{ID: id*10 + int64(i), State: s, Created: at.Add(time.Duration(i+1) * time.Minute)})
		}
		return d
	}
	r.Deployments = []githubtest.Deployment{
		dep(1, c(1), "production", t0.Add(90*time.Minute), "in_progress", "success", "inactive"),
		dep(2, c(3), "production", t0.Add(190*time.Minute), "in_progress", "failure"),
		dep(3, c(4), "production", t0.Add(250*time.Minute), "success", "inactive"),
		dep(4, c(8), "production", t0.Add(490*time.Minute), "queued", "success"),
		dep(5, c(8), "staging", t0.Add(491*time.Minute), "success"),
		dep(6, c(8), "production", time.Now().Add(-time.Hour), "in_progress"),
	}
	r.Issues = []githubtest.Issue{
		{Number: 10, Title: "API 500s", Body: "Errors since the deploy.\n\nCaused by: 4\n", Labels: []string{"incident", "sev1"},
			Created: t0.Add(9 * time.Hour), Updated: t0.Add(11 * time.Hour), Closed: t0.Add(11 * time.Hour)},
		{Number: 11, Title: "Revert the change", Labels: []string{"incident"}, Created: t0.Add(9 * time.Hour), Updated: t0.Add(10 * time.Hour), PullRequest: true},
		{Number: 12, Title: "Slow search", Labels: []string{"incident"}, Created: t0.Add(12 * time.Hour), Updated: t0.Add(12 * time.Hour)},
		{Number: 13, Title: "Not an incident", Labels: []string{"bug"}, Created: t0, Updated: t0},
		{Number: 14, Title: "Cache misses", Body: "> caused by: `" + githubtest.SHA("c4")[:8] + "`", Labels: []string{"incident"},
			Created: t0.Add(5 * time.Hour), Updated: t0.Add(6 * time.Hour), Closed: t0.Add(6 * time.Hour)},
	}
	return r
}

func TestCollectHandmade(t *testing.T) {
	f := newFake(t, handmade())
	db := openDB(t)
	collect(t, context.Background(), source(f, "acme/api"), db)
	c := func(i int) string { return githubtest.SHA(fmt.Sprint("c", i)) }

	deps := deployments(t, db)
	want := map[string]struct {
		status  dora.Status
		env     string
		commits []string
	}{
		"acme/api/deployments/1": {dora.StatusSuccess, "production", nil},
		"acme/api/deployments/2": {dora.StatusFailure, "production", nil},
		"acme/api/deployments/3": {dora.StatusSuccess, "production", []string{c(2), c(3), c(4)}},
		"acme/api/deployments/4": {dora.StatusSuccess, "production", []string{c(5), c(6), c(7), c(8)}},
		"acme/api/deployments/5": {dora.StatusSuccess, "staging", nil},
		"acme/api/deployments/6": {dora.StatusInProgress, "production", nil},
	}
	if len(deps) != len(want) {
		t.Fatalf("stored %d deployments; want %d", len(deps), len(want))
	}
	for id, w := range want {
		d := deps[id]
		if d.Status != w.status || d.Environment != w.env || !slices.Equal(d.Commits, w.commits) || (w.commits == nil) != (d.Commits == nil) {
			t.Errorf("%s = %s %s %v; want %s %s %v", id, d.Status, d.Environment, d.Commits, w.status, w.env, w.commits)
		}
	}
	t.Run("inactive_status_does_not_undo_a_success", func(t *testing.T) {
		if d := deps["acme/api/deployments/1"]; !d.FinishedAt.Equal(t0.Add(92 * time.Minute)) {
			t.Errorf("d1 finished at %v; want the success status time %v", d.FinishedAt, t0.Add(92*time.Minute))
		}
	})
	t.Run("commits_carry_author_and_committer_time_and_parents", func(t *testing.T) {
		cm := commits(t, db)
		if len(cm) != 7 {
			t.Fatalf("stored %d commits; want c2..c8", len(cm))
		}
		c8 := cm[c(8)]
		if !slices.Equal(c8.Parents, []string{c(7), githubtest.SHA("s1")}) || !c8.AuthoredAt.Equal(t0.Add(8*time.Hour-30*time.Minute)) ||
			!c8.CommittedAt.Equal(t0.Add(8*time.Hour)) || c8.PullRequest != 2 {
			t.Errorf("c8 = %+v", c8)
		}
		if cm[c(3)].PullRequest != 1 {
			t.Errorf("c3 is the squash merge of #1, got pull request %d", cm[c(3)].PullRequest)
		}
	})
	t.Run("squash_merged_pull_request_gets_its_first_commit_time", func(t *testing.T) {
		prs := pulls(t, db)
		if len(prs) != 2 {
			t.Fatalf("stored %d pull requests; want the 2 merged ones", len(prs))
		}
		if p := prs[1]; !p.FirstCommitAt.Equal(t0.Add(-50*time.Hour)) || p.MergeSHA != c(3) || !slices.Equal(p.Labels, []string{"feature"}) {
			t.Errorf("#1 = %+v; want first commit at %v", p, t0.Add(-50*time.Hour))
		}
		if p := prs[2]; !p.FirstCommitAt.IsZero() {
			t.Errorf("#2 is a merge commit and needs no first commit time, got %v", p.FirstCommitAt)
		}
		if n := f.Count("pull_commits"); n != 1 {
			t.Errorf("%d pull request commit requests; want 1 (only the squash merge)", n)
		}
	})
	t.Run("issue_that_is_a_pull_request_is_skipped", func(t *testing.T) {
		inc := incidents(t, db)
		if len(inc) != 3 || inc["acme/api/issues/11"].ID != "" {
			t.Fatalf("incidents %v; want #10, #12 and #14", keys(inc))
		}
		if got := inc["acme/api/issues/14"].CausedBy; got != c(4) {
			t.Errorf("#14 names d3 by an abbreviated sha; caused_by = %q, want %s", got, c(4))
		}
		i := inc["acme/api/issues/10"]
		if i.CausedBy != "acme/api/deployments/4" || i.Severity != "sev1" || i.Service != "acme/api" ||
			!i.StartedAt.Equal(t0.Add(9*time.Hour)) || !i.ResolvedAt.Equal(t0.Add(11*time.Hour)) {
			t.Errorf("#10 = %+v", i)
		}
		if !inc["acme/api/issues/12"].ResolvedAt.IsZero() {
			t.Error("#12 is open and unresolved")
		}
	})
	t.Run("the_token_is_stored_nowhere", func(t *testing.T) {
		if dump := dumpDB(t, db); strings.Contains(dump, token) {
			t.Error("the database holds the token")
		}
	})
}

func TestPagination(t *testing.T) {
	t.Run("deployments_over_several_pages_follow_Link", func(t *testing.T) {
		f := newFake(t, githubtest.Synthetic("acme", "web", githubtest.Shape{Deployments: 230, Commits: 460, Pulls: 10, Start: t0}))
		db := openDB(t)
		collect(t, context.Background(), source(f, "acme/web"), db)
		if n := len(deployments(t, db)); n != 230 {
			t.Errorf("stored %d deployments; want 230", n)
		}
		if n := f.Count("deployments"); n != 3 {
			t.Errorf("%d deployment list requests; want 3 pages", n)
		}
	})
	t.Run("a_compare_over_250_commits_is_paged_to_its_end", func(t *testing.T) {
		f := newFake(t, githubtest.Synthetic("acme", "mono", githubtest.Shape{Deployments: 2, Commits: 1200, Pulls: 4, Start: t0}))
		db := openDB(t)
		collect(t, context.Background(), source(f, "acme/mono"), db)
		d := deployments(t, db)["acme/mono/deployments/1001"]
		if len(d.Commits) != 600 {
			t.Fatalf("second deployment ships %d commits; want 600", len(d.Commits))
		}
		if n := f.Count("compare"); n != 6 {
			t.Errorf("%d compare requests; want 6 pages of 100", n)
		}
		if n := len(commits(t, db)); n != 600 {
			t.Errorf("stored %d commits; want 600", n)
		}
	})
	t.Run("a_long_range_written_in_parts_stores_the_same_rows", func(t *testing.T) {
		repo := githubtest.Synthetic("acme", "mono", githubtest.Shape{Deployments: 2, Commits: 1200, Pulls: 4, Start: t0})
		f := newFake(t, repo)
		whole := openDB(t)
		collect(t, context.Background(), source(f, "acme/mono"), whole)
		defer github.SetFlushCommits(github.SetFlushCommits(150))
		parts := openDB(t)
		collect(t, context.Background(), source(f, "acme/mono"), parts)
		if a, b := dumpDB(t, whole), dumpDB(t, parts); a != b {
			t.Errorf("writing in parts changed the rows:\n%s", diff(a, b))
		}
	})
}
