package github_test

import (
	"context"
	"database/sql"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/dorareport/dorareport/sources/github/githubtest"
)

// liveHeap is the Go heap still reachable after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestCompareOf100kCommitsIsNotHeldWhole collects one deployment range of 100,000 commits
// (1,000 compare pages) and samples the live Go heap every ten pages: the range is written in
// parts, so what the collection holds at its peak is the range's shas (the deployment row lists
// them) and one part of commits, not 100,000 decoded commits.
func TestCompareOf100kCommitsIsNotHeldWhole(t *testing.T) {
	if testing.Short() {
		t.Skip("pages through 100,000 commits")
	}
	const n = 100_000
	repo := githubtest.Synthetic("acme", "huge", githubtest.Shape{Deployments: 1, Commits: n + 1, Start: t0})
	first := repo.Commits[0]
	repo.Deployments = append([]githubtest.Deployment{{ID: 999, SHA: first.SHA, Environment: "production", Created: first.Committed.Add(10 * time.Minute),
		Statuses: []githubtest.Status{{ID: 9991, State: "success", Created: first.Committed.Add(15 * time.Minute)}}}}, repo.Deployments...)
	f := newFake(t, repo)
	db := openDB(t)

	base := liveHeap()
	var peak uint64
	pages := 0
	f.Fault = func(_ http.ResponseWriter, r *http.Request, _ int) bool {
		if strings.Contains(r.URL.Path, "/compare/") {
			if pages++; pages%10 == 0 {
				peak = max(peak, liveHeap())
			}
		}
		return false
	}
	start := time.Now()
	collect(t, context.Background(), source(f, "acme/huge"), db)
	elapsed := time.Since(start)

	d := deployments(t, db)["acme/huge/deployments/1000"]
	if len(d.Commits) != n {
		t.Fatalf("the deployment ships %d commits; want %d", len(d.Commits), n)
	}
	var stored int
	rows(t, db, `SELECT count(*) FROM commits`, func(r *sql.Rows) error { return r.Scan(&stored) })
	if stored != n {
		t.Errorf("stored %d commits; want %d", stored, n)
	}
	grown := int64(peak) - int64(base)
	t.Logf("%d compare pages in %s; live heap %d MiB before, peak %d MiB during (+%d MiB)", pages, elapsed.Round(time.Millisecond), base>>20, peak>>20, grown>>20)
	// Measured: +8 MiB written in parts of 5,000 commits; +26 MiB with the whole range held.
	const bound = 16 << 20
	if grown > bound {
		t.Errorf("the live heap grew by %d MiB during the collection; the range is held whole (bound %d MiB)", grown>>20, bound>>20)
	}
}
