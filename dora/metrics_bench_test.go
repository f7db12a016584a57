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
// DuckDB quantile_cont pass over the same lead-time values (the changes the full query takes
// them from, stored beforehand), grouped the same way, and reports the ratio of the two. Both
// take the three quantiles with one quantile_cont of a list, as the metrics do, and both read
// every row they return. It times the last week's metrics by service too: a weekly report.
func BenchmarkMetrics(b *testing.B) {
	db := benchWarehouse(b)
	ctx := context.Background()
	q := dora.Query{Since: doratest.ScaledEnd.AddDate(-1, 0, 0), Until: doratest.ScaledEnd, By: dora.ByService, Interval: dora.Week}
	if err := db.SaveLeadTimes(ctx, q, "bench_lead_times"); err != nil {
		b.Fatal(err)
	}
	// Each query is run once before it is timed: whichever ran first was a sixth slower.
	metrics := func(b *testing.B, q dora.Query) (*dora.Metrics, time.Duration) {
		start := time.Now()
		m, err := db.Metrics(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		return m, time.Since(start)
	}
	var full time.Duration
	var values int
	metrics(b, q)
	b.Run("full_by_service_by_week", func(b *testing.B) {
		for b.Loop() {
			var m *dora.Metrics
			m, full = metrics(b, q)
			values = m.Overall.LeadTime.N
		}
	})
	// The bare pass groups by the group's name, as it always has; the metrics group by its key,
	// a number, and the same pass by key is timed too.
	pass := func(b *testing.B, key string) time.Duration {
		start := time.Now()
		rows, err := db.SQL().QueryContext(ctx, `
			SELECT `+key+`, period, quantile_cont(lead_seconds, [0.5, 0.75, 0.9])
			FROM bench_lead_times GROUP BY GROUPING SETS ((), (`+key+`), (`+key+`, period))`)
		if err != nil {
			b.Fatal(err)
		}
		var group, period, quantiles any
		for rows.Next() {
			if err := rows.Scan(&group, &period, &quantiles); err != nil {
				b.Fatal(err)
			}
		}
		if err := rows.Close(); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	bare := func(key string) (took time.Duration) {
		pass(b, key)
		b.Run("bare_quantile_cont_by_"+key, func(b *testing.B) {
			for b.Loop() {
				took = pass(b, key)
			}
		})
		return took
	}
	bareByName, bareByKey := bare("grp"), bare("key")
	// The weekly report over the same history: what does not depend on the window's length.
	var week time.Duration
	weekly := dora.Query{Since: doratest.ScaledEnd.AddDate(0, 0, -7), Until: doratest.ScaledEnd, By: dora.ByService}
	metrics(b, weekly)
	b.Run("week_by_service", func(b *testing.B) {
		for b.Loop() {
			_, week = metrics(b, weekly)
		}
	})
	if bareByName > 0 && bareByKey > 0 {
		b.Logf("deployments=%d lead_time_values=%d full=%s bare=%s ratio=%.2f bare_by_key=%s ratio_by_key=%.2f week=%s",
			benchDeployments(), values, full.Round(time.Millisecond), bareByName.Round(time.Millisecond), full.Seconds()/bareByName.Seconds(),
			bareByKey.Round(time.Millisecond), full.Seconds()/bareByKey.Seconds(), week.Round(time.Millisecond))
	}
}
