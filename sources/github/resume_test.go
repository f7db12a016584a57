package github_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/dorareport/dorareport/sources/github/githubtest"
)

func TestInterruptedRunResumesWithIdenticalRows(t *testing.T) {
	f := newFake(t, handmade(), githubtest.Synthetic("acme", "web", githubtest.Shape{Deployments: 80, Commits: 900, Pulls: 60, Incidents: 4, Start: t0}))
	reference := openDB(t)
	collect(t, context.Background(), source(f, "acme/api", "acme/web"), reference)
	want := dumpDB(t, reference)
	total := f.Requests()

	for _, cut := range []int{2, 9, total / 3, total * 2 / 3, total - 2} {
		t.Run("cancelled_at_request_"+itoa(cut), func(t *testing.T) {
			db := openDB(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			f.ResetCounts()
			f.Fault = func(w http.ResponseWriter, r *http.Request, n int) bool {
				if n == cut {
					cancel()
				}
				return false
			}
			start := time.Now()
			err := source(f, "acme/api", "acme/web").Collect(ctx, db)
			t.Logf("interrupted after %v", time.Since(start))
			f.Fault = nil
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("interrupted run: %v", err)
			}
			collect(t, context.Background(), source(f, "acme/api", "acme/web"), db)
			if got := dumpDB(t, db); got != want {
				t.Errorf("resumed warehouse differs from an uninterrupted one:\n%s", diff(want, got))
			}
		})
	}
}

func TestNoChangeResyncIsAnsweredBy304s(t *testing.T) {
	f := newFake(t, handmade(), githubtest.Synthetic("acme", "web", githubtest.Shape{Deployments: 50, Commits: 500, Pulls: 20, Incidents: 3, Start: t0}))
	db := openDB(t)
	collect(t, context.Background(), source(f, "acme/api", "acme/web"), db)
	before := dumpDB(t, db)
	f.ResetCounts()
	collect(t, context.Background(), source(f, "acme/api", "acme/web"), db)
	// Per repository: the deployment list, the pull request list, the incident issues; and the
	// statuses of the one deployment of acme/api still in progress.
	if n, nm := f.Requests(), f.NotModified(); n != 7 || nm != n {
		t.Errorf("re-sync sent %d requests, %d answered 304; want 7, all 304", n, nm)
	}
	if after := dumpDB(t, db); after != before {
		t.Errorf("a re-sync without changes changed the warehouse:\n%s", diff(before, after))
	}
}

func TestIncrementalSyncFetchesOnlyWhatChanged(t *testing.T) {
	repo := githubtest.Synthetic("acme", "web", githubtest.Shape{Deployments: 30, Commits: 300, Pulls: 20, Start: t0})
	f := newFake(t, repo)
	db := openDB(t)
	collect(t, context.Background(), source(f, "acme/web"), db)
	f.Update(func(map[string]*githubtest.Repo) {
		last := repo.Commits[len(repo.Commits)-1]
		var added []githubtest.Commit
		for i := range 5 {
			c := githubtest.Commit{SHA: githubtest.SHA("new " + itoa(i)), Parents: []string{last.SHA}, Authored: last.Committed.Add(time.Duration(i+1) * time.Hour), Committed: last.Committed.Add(time.Duration(i+1) * time.Hour)}
			added, last = append(added, c), c
		}
		repo.Commits = append(repo.Commits, added...)
		repo.Pulls = append(repo.Pulls, githubtest.Pull{Number: 99, Title: "New", Created: last.Committed.Add(-time.Hour), Updated: last.Committed,
			Merged: last.Committed, MergeSHA: last.SHA, Commits: []githubtest.Commit{{SHA: githubtest.SHA("p99"), Authored: last.Committed.Add(-9 * time.Hour), Committed: last.Committed.Add(-9 * time.Hour)}}})
		at := last.Committed.Add(10 * time.Minute)
		repo.Deployments = append(repo.Deployments, githubtest.Deployment{ID: 5000, SHA: last.SHA, Environment: "production", Created: at,
			Statuses: []githubtest.Status{{ID: 50001, State: "success", Created: at.Add(time.Minute)}}})
	})
	f.ResetCounts()
	collect(t, context.Background(), source(f, "acme/web"), db)
	// Two pull request commit lists: #99 and #20, whose squash merge (the last old commit) was
	// behind the failed last deployment and ships only now.
	for endpoint, want := range map[string]int{"deployments": 1, "statuses": 1, "compare": 1, "pulls": 1, "pull_commits": 2} {
		if got := f.Count(endpoint); got != want {
			t.Errorf("%s: %d requests; want %d", endpoint, got, want)
		}
	}
	if d := deployments(t, db)["acme/web/deployments/5000"]; len(d.Commits) != 5+10 {
		// the last synthetic deployment sits 10 commits before the end of the old history
		t.Errorf("new deployment ships %d commits; want 15", len(d.Commits))
	}
	if p := pulls(t, db)[99]; !p.FirstCommitAt.Equal(repo.Commits[len(repo.Commits)-1].Committed.Add(-9 * time.Hour)) {
		t.Errorf("#99 first commit at %v", p.FirstCommitAt)
	}
}
