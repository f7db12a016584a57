package dora_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/dora/doratest"
)

// The size of the benchmark organisation: DORAREPORT_BENCH_DEPLOYMENTS successful production
// deployments (about ten commits each). The default runs in seconds; the README's figures were
// measured at 1000000.
func benchDeployments() int {
	if n, err := strconv.Atoi(os.Getenv("DORAREPORT_BENCH_DEPLOYMENTS")); err == nil && n > 0 {
		return n
	}
	return 20000
}

var benchDB struct {
	once sync.Once
	path string
	err  error
}

// benchWarehouse generates the organisation once per run into a file that outlives the
// benchmark's iterations (DORAREPORT_BENCH_DB keeps it across runs), and indexes its commit
// ranges.
func benchWarehouse(b *testing.B) *dora.DB {
	b.Helper()
	benchDB.once.Do(func() {
		benchDB.path = os.Getenv("DORAREPORT_BENCH_DB")
		if benchDB.path == "" {
			dir, err := os.MkdirTemp("", "dorareport-bench")
			if err != nil {
				benchDB.err = err
				return
			}
			benchDB.path = filepath.Join(dir, "bench.duckdb")
		}
		if _, err := os.Stat(benchDB.path); err == nil {
			return
		}
		ctx := context.Background()
		db, err := dora.Open(ctx, benchDB.path)
		if err != nil {
			benchDB.err = err
			return
		}
		defer db.Close()
		org := doratest.Scaled(benchDeployments())
		if err := db.SetServices(ctx, doratest.Services(org)); err != nil {
			benchDB.err = err
			return
		}
		_, benchDB.err = doratest.Generate(ctx, db, org)
	})
	if benchDB.err != nil {
		b.Fatal(benchDB.err)
	}
	db, err := dora.Open(context.Background(), benchDB.path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	// As dorareport import does after writing (and cheap when the file was indexed before).
	if _, err := db.Index(context.Background(), dora.Definitions{}); err != nil {
		b.Fatal(err)
	}
	return db
}

// BenchmarkMetrics times the full metrics query of a year, by service and by week, against a bare
// DuckDB quantile_cont pass that computes the same lead-time quantiles straight from the stored
// lists of shipped commits (no definitions: no squash merges, graph ranges, first-deployment
// rule or merge-commit filter), and reports the ratio of the two. Both take the three quantiles
// with one quantile_cont of a list, as the metrics do.
func BenchmarkMetrics(b *testing.B) {
	db := benchWarehouse(b)
	ctx := context.Background()
	q := dora.Query{Since: doratest.ScaledEnd.AddDate(-1, 0, 0), Until: doratest.ScaledEnd, By: dora.ByService, Interval: dora.Week}
	var full, bare time.Duration
	b.Run("full_by_service_by_week", func(b *testing.B) {
		for b.Loop() {
			start := time.Now()
			if _, err := db.Metrics(ctx, q); err != nil {
				b.Fatal(err)
			}
			full = time.Since(start)
		}
	})
	b.Run("bare_quantile_cont", func(b *testing.B) {
		for b.Loop() {
			start := time.Now()
			rows, err := db.SQL().QueryContext(ctx, `
				WITH lt AS (
				    SELECT d.service, date_trunc('week', d.finished_at) AS week,
				           epoch(d.finished_at) - epoch(c.authored_at) AS seconds
				    FROM (SELECT service, repo, finished_at, unnest(commits) AS sha FROM deployments
				          WHERE status = 'success' AND finished_at >= ? AND finished_at < ?) d
				    JOIN commits c ON c.repo = d.repo AND c.sha = d.sha
				)
				SELECT service, week, quantile_cont(seconds, [0.5, 0.75, 0.9])
				FROM lt GROUP BY GROUPING SETS ((), (service), (service, week))`, q.Since, q.Until)
			if err != nil {
				b.Fatal(err)
			}
			for rows.Next() {
			}
			rows.Close()
			bare = time.Since(start)
		}
	})
	if bare > 0 {
		b.Logf("deployments=%d full=%s bare=%s ratio=%.2f", benchDeployments(), full.Round(time.Millisecond), bare.Round(time.Millisecond), full.Seconds()/bare.Seconds())
	}
}
