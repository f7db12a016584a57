package dora_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
)

// DuckDB's planner estimates a table written in an open transaction at no rows, and then builds
// the hash table of a join on the wrong side. An analysis commits each table it derives, so that
// every one is estimated at the rows it holds.
func TestAnalysisTablesAreEstimatedAtTheirSize(t *testing.T) {
	ctx := context.Background()
	db := demoWarehouse(t, "")
	q := dora.Query{Since: demoEnd.AddDate(-1, 0, 0), Until: demoEnd, By: dora.ByService, Interval: dora.Week}
	tables, err := db.TableEstimates(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if tables["prod"][1] == 0 {
		t.Fatalf("the analysis has no production deployments: %v", tables)
	}
	for name, t2 := range tables {
		if estimate, rows := t2[0], t2[1]; estimate != rows {
			t.Errorf("table %s: estimated at %d rows, holds %d", name, estimate, rows)
		}
	}
}

// An analysis is one view of the warehouse: a write of the same process waits until it is done,
// rather than changing the records between its steps.
func TestNoWriteLandsWhileAnAnalysisRuns(t *testing.T) {
	ctx := context.Background()
	db := demoWarehouse(t, "")
	q := dora.Query{Since: demoEnd.AddDate(0, 0, -7*13), Until: demoEnd}
	before, err := db.Metrics(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	written := make(chan error, 1)
	during, err := db.MetricsAfter(ctx, q, func() error {
		go func() {
			written <- db.Write(ctx, func(w *dora.Writer) error {
				return w.Deployment(dora.Deployment{ID: "written-during-the-analysis", Service: "checkout", Environment: "production",
					Status: dora.StatusSuccess, SHA: "0123456789abcdef0123456789abcdef01234567", FinishedAt: demoEnd.Add(-time.Hour)})
			})
		}()
		select {
		case err := <-written:
			return fmt.Errorf("a write returned while the analysis ran (error: %v)", err)
		case <-time.After(300 * time.Millisecond):
			return nil
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(during, before) {
		t.Errorf("the metrics of the analysis differ from those before the write")
	}
	if err := <-written; err != nil {
		t.Fatal(err)
	}
	after, err := db.Metrics(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := after.Overall.DeploymentFrequency.Deployments, before.Overall.DeploymentFrequency.Deployments+1; got != want {
		t.Errorf("after the write: %d deployments, want %d", got, want)
	}
}

// An analysis drops its temporary tables and views when it ends, however it ends: on the pooled
// connection they would hold their memory until the next analysis replaced them.
func TestAnalysesLeaveNoTemporaryTables(t *testing.T) {
	ctx := context.Background()
	db := demoWarehouse(t, "")
	db.SQL().SetMaxOpenConns(1) // every analysis and the check below share one connection
	q := dora.Query{Since: demoEnd.AddDate(0, 0, -7*13), Until: demoEnd, Interval: dora.Week}
	if _, err := db.Metrics(ctx, q); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.Compare(ctx, q, dora.ByService, dora.ByTeam); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Details(ctx, q); err != nil {
		t.Fatal(err)
	}
	if left := temporaryLeft(t, db); left != 0 {
		t.Errorf("%d temporary tables and views are left on the connection", left)
	}
	// Cancelled at every stage it reaches, from its first step to its last query, an analysis
	// leaves nothing behind either, and the next one answers as before.
	want, err := db.Metrics(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	cancelled := 0
	for d := time.Millisecond; ; d *= 2 {
		dctx, cancel := context.WithTimeout(ctx, d)
		_, err := db.Metrics(dctx, q)
		cancel()
		if left := temporaryLeft(t, db); left != 0 {
			t.Errorf("cancelled after %s: %d temporary tables and views are left on the connection", d, left)
		}
		if err == nil {
			break
		}
		cancelled++
	}
	if cancelled < 3 {
		t.Errorf("only %d analyses were cancelled before one finished", cancelled)
	}
	if got, err := db.Metrics(ctx, q); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("after the cancelled analyses the metrics differ (error: %v)", err)
	}
}

// temporaryLeft counts the temporary tables and views on db's connection.
func temporaryLeft(t *testing.T, db *dora.DB) int {
	t.Helper()
	var left int
	err := db.SQL().QueryRowContext(context.Background(), `SELECT (SELECT count(*) FROM duckdb_tables() WHERE temporary)
		+ (SELECT count(*) FROM duckdb_views() WHERE temporary AND NOT internal)`).Scan(&left)
	if err != nil {
		t.Fatal(err)
	}
	return left
}
