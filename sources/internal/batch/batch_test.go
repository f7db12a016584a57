package batch_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/internal/batch"
)

func TestStoreWritesEveryRecordInOneTransaction(t *testing.T) {
	ctx := context.Background()
	db, err := dora.Open(ctx, filepath.Join(t.TempDir(), "warehouse.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	t0 := time.Date(2024, 3, 4, 11, 0, 0, 0, time.UTC)
	sha := strings.Repeat("a", 40)
	b := batch.Batch{
		Deployments: []dora.Deployment{{ID: "acme/api/deployments/1", Environment: "production", Status: dora.StatusSuccess,
			SHA: sha, Repo: "acme/api", StartedAt: t0, FinishedAt: t0, Commits: []string{sha}, Source: "github"}},
		Commits: []dora.Commit{{Repo: "acme/api", SHA: sha, AuthoredAt: t0.Add(-time.Hour), CommittedAt: t0.Add(-time.Hour),
			Parents: []string{}, PullRequest: 7}},
		Pulls: []dora.PullRequest{{Repo: "acme/api", Number: 7, CreatedAt: t0.Add(-2 * time.Hour), MergedAt: t0.Add(-time.Hour), MergeSHA: sha}},
	}
	if err := db.Write(ctx, b.Store); err != nil {
		t.Fatal(err)
	}
	for table, want := range map[string]int{"deployments": 1, "commits": 1, "pull_requests": 1} {
		var n int
		if err := db.SQL().QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Errorf("%s holds %d rows, want %d", table, n, want)
		}
	}

	// A record the writer refuses fails the batch, and the transaction keeps nothing of it.
	bad := batch.Batch{
		Deployments: []dora.Deployment{{ID: "acme/api/deployments/2", Environment: "production", Status: dora.StatusSuccess,
			SHA: sha, Repo: "acme/api", StartedAt: t0, FinishedAt: t0, Source: "github"}},
		Pulls: []dora.PullRequest{{Repo: "acme/api"}},
	}
	if err := db.Write(ctx, bad.Store); !errors.Is(err, dora.ErrInvalid) {
		t.Fatalf("invalid pull request stored with error %v; want one wrapping dora.ErrInvalid", err)
	}
	var n int
	if err := db.SQL().QueryRowContext(ctx, "SELECT count(*) FROM deployments").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("a failed batch left %d deployments, want the 1 stored before", n)
	}
}
