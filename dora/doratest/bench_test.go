package doratest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
)

// benchDeployments is the size of the benchmarked org: DORAREPORT_BENCH_DEPLOYMENTS successful
// production deployments (about ten commits each), 50000 unless set.
func benchDeployments(b *testing.B) int {
	n := 50000
	if v := os.Getenv("DORAREPORT_BENCH_DEPLOYMENTS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n <= 0 {
			b.Fatalf("DORAREPORT_BENCH_DEPLOYMENTS=%q: want a positive number", v)
		}
	}
	return n
}

// BenchmarkIngest generates a Scaled org into a new DuckDB file and reports the rows written
// per second of wall time and of CPU time (the warehouse's ingest throughput under the
// generator) and the process's peak resident memory.
func BenchmarkIngest(b *testing.B) {
	org := Scaled(benchDeployments(b))
	ctx := context.Background()
	var rows int
	var elapsed, cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db, err := dora.Open(ctx, filepath.Join(b.TempDir(), "bench.duckdb"))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		cpu0, _ := usage()
		stats, err := Generate(ctx, db, org)
		if err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		cpu1, _ := usage()
		cpu += cpu1 - cpu0
		rows += stats.Rows()
		b.StopTimer()
		if i == 0 {
			b.Logf("%+v", stats)
		}
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(rows)/elapsed.Seconds(), "rows/s")
	b.ReportMetric(float64(rows)/float64(b.N), "rows/op")
	if _, peak := usage(); cpu > 0 {
		b.ReportMetric(float64(rows)/cpu.Seconds(), "rows/cpu-s")
		b.ReportMetric(float64(peak)/(1<<20), "peak-rss-MiB")
	}
}

// BenchmarkBulkCopy measures what bounds BenchmarkIngest from above: DuckDB copying the same
// rows from one warehouse file into a new one with INSERT … SELECT, on both cores, with no Go
// code converting values and nothing generating them. The source is DORAREPORT_BENCH_DB when
// that file exists (BenchmarkMetrics's warehouse), else an org generated beforehand.
func BenchmarkBulkCopy(b *testing.B) {
	ctx := context.Background()
	source := os.Getenv("DORAREPORT_BENCH_DB")
	if _, err := os.Stat(source); source == "" || err != nil {
		source = filepath.Join(b.TempDir(), "source.duckdb")
		db, err := dora.Open(ctx, source)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Generate(ctx, db, Scaled(benchDeployments(b))); err != nil {
			b.Fatal(err)
		}
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
	}
	var rows int64
	var elapsed, cpu time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db, err := dora.Open(ctx, filepath.Join(b.TempDir(), "copy.duckdb"))
		if err != nil {
			b.Fatal(err)
		}
		conn, err := db.SQL().Conn(ctx)
		if err != nil {
			b.Fatal(err)
		}
		exec := func(query string) int64 {
			res, err := conn.ExecContext(ctx, query)
			if err != nil {
				b.Fatalf("%s: %v", query, err)
			}
			n, _ := res.RowsAffected()
			return n
		}
		exec("ATTACH '" + strings.ReplaceAll(source, "'", "''") + "' AS source (READ_ONLY)")
		b.StartTimer()
		start := time.Now()
		cpu0, _ := usage()
		exec("BEGIN TRANSACTION")
		for _, table := range []string{"deployments", "commits", "pull_requests", "incidents", "services"} {
			rows += exec("INSERT INTO " + table + " BY NAME SELECT * FROM source." + table)
		}
		exec("COMMIT")
		elapsed += time.Since(start)
		if rows == 0 {
			b.Fatalf("%s holds no records to copy", source)
		}
		cpu1, _ := usage()
		cpu += cpu1 - cpu0
		b.StopTimer()
		if err := errors.Join(conn.Close(), db.Close()); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(rows)/elapsed.Seconds(), "rows/s")
	b.ReportMetric(float64(rows)/float64(b.N), "rows/op")
	if cpu > 0 {
		b.ReportMetric(float64(rows)/cpu.Seconds(), "rows/cpu-s")
	}
}

// discard counts records and keeps none: it measures the generator alone.
type discard struct{ stats Stats }

func (d *discard) Deployment(dora.Deployment) error   { d.stats.Deployments++; return nil }
func (d *discard) Commit(dora.Commit) error           { d.stats.Commits++; return nil }
func (d *discard) PullRequest(dora.PullRequest) error { d.stats.PullRequests++; return nil }
func (d *discard) Incident(dora.Incident) error       { d.stats.Incidents++; return nil }
func (d *discard) Service(dora.Service) error         { d.stats.Services++; return nil }

// BenchmarkGenerate measures the generator without the warehouse, to tell the two costs apart.
func BenchmarkGenerate(b *testing.B) {
	o := Scaled(benchDeployments(b)).withDefaults()
	repos := o.layout()
	var rows int
	start := time.Now()
	for i := 0; i < b.N; i++ {
		out := &discard{}
		for _, r := range repos {
			if err := o.generateRepo(out, r); err != nil {
				b.Fatal(err)
			}
		}
		rows += out.stats.Rows()
	}
	b.ReportMetric(float64(rows)/time.Since(start).Seconds(), "rows/s")
}
