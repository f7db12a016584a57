package dora_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/dora/doratest"
)

func openTemp(t *testing.T) (*dora.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "dora.duckdb")
	db, err := dora.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

func count(t *testing.T, db *dora.DB, query string) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRow(query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

var t0 = time.Date(2024, 3, 4, 10, 0, 0, 0, time.UTC)

func TestWriteReplacesRecordsWithTheSameIdentity(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	write := func(status dora.Status) {
		err := db.Write(ctx, func(w *dora.Writer) error {
			for _, id := range []string{"d1", "d2", "d1"} {
				if err := w.Deployment(dora.Deployment{ID: id, Environment: "production", Status: status, SHA: "abc", Repo: "acme/api", FinishedAt: t0}); err != nil {
					return err
				}
			}
			return w.Commit(dora.Commit{Repo: "acme/api", SHA: "abc", AuthoredAt: t0})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	write(dora.StatusFailure)
	write(dora.StatusSuccess)
	if n := count(t, db, `SELECT count(*) FROM deployments`); n != 2 {
		t.Errorf("deployments = %d, want 2", n)
	}
	if n := count(t, db, `SELECT count(*) FROM deployments WHERE status = 'success'`); n != 2 {
		t.Errorf("successful deployments = %d, want 2 (the second write replaces the first)", n)
	}
	if n := count(t, db, `SELECT count(*) FROM commits`); n != 1 {
		t.Errorf("commits = %d, want 1", n)
	}
}

func TestWriteIsAllOrNothing(t *testing.T) {
	db, _ := openTemp(t)
	boom := errors.New("boom")
	err := db.Write(context.Background(), func(w *dora.Writer) error {
		if err := w.Incident(dora.Incident{ID: "i1", StartedAt: t0}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if n := count(t, db, `SELECT count(*) FROM incidents`); n != 0 {
		t.Errorf("incidents = %d after a failed write, want 0", n)
	}
}

func TestWriteRejectsInvalidRecords(t *testing.T) {
	db, _ := openTemp(t)
	err := db.Write(context.Background(), func(w *dora.Writer) error {
		return w.Deployment(dora.Deployment{ID: "d1", Environment: "production", Status: "shipped", SHA: "a", FinishedAt: t0})
	})
	if !errors.Is(err, dora.ErrInvalid) {
		t.Fatalf("err = %v, want ErrInvalid", err)
	}
}

func TestOpenRefusesForeignFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.duckdb")
	if err := os.WriteFile(path, []byte("these are my notes, not a database\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := dora.Open(context.Background(), path)
	if !errors.Is(err, dora.ErrForeignDatabase) {
		t.Fatalf("err = %v, want ErrForeignDatabase", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "these are my notes, not a database\n" {
		t.Error("the foreign file was changed")
	}
}

func TestOpenReopensAndKeepsData(t *testing.T) {
	db, path := openTemp(t)
	ctx := context.Background()
	if err := db.Write(ctx, func(w *dora.Writer) error { return w.SetSyncState("github", "acme/api", "etag-1") }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err := dora.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	v, ok, err := db.SyncState(ctx, "github", "acme/api")
	if err != nil || !ok || v != "etag-1" {
		t.Fatalf("SyncState = %q, %v, %v; want etag-1", v, ok, err)
	}
}

func TestWriteKeepsTheLastRecordWrittenForAnIdentity(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	deploy := func(w *dora.Writer, sha string) error {
		return w.Deployment(dora.Deployment{ID: "d1", Environment: "production", Status: dora.StatusSuccess, SHA: sha, FinishedAt: t0})
	}
	err := db.Write(ctx, func(w *dora.Writer) error {
		for _, sha := range []string{"first", "second", "third"} {
			if err := deploy(w, sha); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Write(ctx, func(w *dora.Writer) error {
		if err := deploy(w, "fourth"); err != nil {
			return err
		}
		return deploy(w, "fifth")
	})
	if err != nil {
		t.Fatal(err)
	}
	var sha string
	var n int
	if err := db.SQL().QueryRow(`SELECT any_value(sha), count(*) FROM deployments`).Scan(&sha, &n); err != nil {
		t.Fatal(err)
	}
	if n != 1 || sha != "fifth" {
		t.Errorf("stored %d deployments, sha %q; want 1, fifth", n, sha)
	}
}

// Each table is appended on a goroutine of its own, in batches: the last record written must
// win in every table however the batches of the tables interleave.
func TestWriteKeepsTheLastRecordAcrossBatchesAndTables(t *testing.T) {
	db, _ := openTemp(t)
	const identities, records = 5, 5*2048 + 3
	err := db.Write(context.Background(), func(w *dora.Writer) error {
		for i := range records {
			id, at := fmt.Sprint(i%identities), t0.Add(time.Duration(i)*time.Minute)
			err := errors.Join(
				w.Deployment(dora.Deployment{ID: id, Environment: "production", Status: dora.StatusSuccess, SHA: fmt.Sprint(i), FinishedAt: at}),
				w.Commit(dora.Commit{Repo: "acme/api", SHA: id, AuthoredAt: at}),
				w.Incident(dora.Incident{ID: id, Title: fmt.Sprint(i), StartedAt: at}))
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`SELECT count(*) FROM deployments WHERE sha::INT >= %d`,
		`SELECT count(*) FROM commits WHERE authored_at >= TIMESTAMPTZ '2024-03-04 10:00:00Z' + INTERVAL (%d) MINUTE`,
		`SELECT count(*) FROM incidents WHERE title::INT >= %d`,
	} {
		if n := count(t, db, fmt.Sprintf(q, records-identities)); n != identities {
			t.Errorf("%s: %d records are the last written of their identity, want %d", q, n, identities)
		}
	}
	for _, table := range []string{"deployments", "commits", "incidents"} {
		if n := count(t, db, "SELECT count(*) FROM "+table); n != identities {
			t.Errorf("%s = %d, want %d", table, n, identities)
		}
	}
}

func TestCancelledWriteRollsBackAndLeavesTheDatabaseUsable(t *testing.T) {
	db, _ := openTemp(t)
	ctx, cancel := context.WithCancel(context.Background())
	err := db.Write(ctx, func(w *dora.Writer) error {
		for i := range 10000 {
			if i == 5000 {
				cancel()
			}
			if err := w.Incident(dora.Incident{ID: fmt.Sprint(i), StartedAt: t0}); err != nil {
				return err
			}
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n := count(t, db, `SELECT count(*) FROM incidents`); n != 0 {
		t.Errorf("incidents = %d after a cancelled write, want 0", n)
	}
	err = db.Write(context.Background(), func(w *dora.Writer) error {
		return w.Incident(dora.Incident{ID: "after", StartedAt: t0})
	})
	if err != nil {
		t.Fatalf("the next write failed: %v", err)
	}
}

func TestAWriteThatPanicsWritesNothingAndStopsItsAppenders(t *testing.T) {
	db, _ := openTemp(t)
	before := runtime.NumGoroutine()
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the panic did not reach the caller")
			}
		}()
		db.Write(context.Background(), func(w *dora.Writer) error {
			for i := range 3000 {
				if err := errors.Join(
					w.Incident(dora.Incident{ID: fmt.Sprint(i), StartedAt: t0}),
					w.Commit(dora.Commit{Repo: "acme/api", SHA: fmt.Sprint(i), AuthoredAt: t0})); err != nil {
					return err
				}
			}
			panic("boom")
		})
	}()
	if n := count(t, db, `SELECT count(*) FROM incidents`); n != 0 {
		t.Errorf("incidents = %d after a write that panicked, want 0", n)
	}
	// An appender's goroutine left waiting would keep its buffers, and the connection's, forever.
	for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > before; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines after a write that panicked, %d before", runtime.NumGoroutine(), before)
		}
	}
}

func TestOpenBoundsDuckDBsMemory(t *testing.T) {
	db, _ := openTemp(t)
	var limit string
	if err := db.SQL().QueryRow(`SELECT current_setting('memory_limit')`).Scan(&limit); err != nil {
		t.Fatal(err)
	}
	if limit != "953.6 MiB" && limit != "1.0 GiB" && limit != "1000.0 MiB" {
		t.Errorf("memory_limit = %q, want the 1GB default", limit)
	}
	t.Setenv("DORAREPORT_MEMORY_LIMIT", "a lot")
	if _, err := dora.Open(context.Background(), filepath.Join(t.TempDir(), "x.duckdb")); err == nil || !strings.Contains(err.Error(), "DORAREPORT_MEMORY_LIMIT") {
		t.Errorf("a bad DORAREPORT_MEMORY_LIMIT gave %v, want an error naming it", err)
	}
}

// A query that needs more than DuckDB's memory limit says how to raise it.
func TestOutOfMemorySaysHowToRaiseTheLimit(t *testing.T) {
	t.Setenv("DORAREPORT_MEMORY_LIMIT", "16MB")
	ctx := context.Background()
	db, err := dora.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	org := doratest.DemoOrg(demoEnd)
	_, err = doratest.Generate(ctx, db, org)
	if err == nil {
		_, err = db.Metrics(ctx, dora.Query{Since: org.Start, Until: org.End, By: dora.ByService, Interval: dora.Week})
	}
	if err == nil || !strings.Contains(err.Error(), "Out of Memory") {
		t.Fatalf("got %v, want DuckDB's out-of-memory error", err)
	}
	if !strings.Contains(err.Error(), "the memory limit is 16MB; DORAREPORT_MEMORY_LIMIT raises it") {
		t.Errorf("%v: want it to say how to raise the limit", err)
	}
}

// Migrating a warehouse of schema version 3 whose index is filled empties the index, which the
// next Index fills again, and keeps every number.
func TestMigrationFromVersion3ForgetsItsIndex(t *testing.T) {
	v3, err := os.ReadFile("sql/migrations/0003_index.sql")
	if err != nil {
		t.Fatal(err)
	}
	tables := string(v3)[strings.Index(string(v3), "CREATE TABLE index_histories"):]
	// Back to version 3, with an index of that version's tables in it.
	db, before := migratedFrom(t, `DROP TABLE index_histories; DROP TABLE index_ranges; DROP TABLE index_first_shipments;
		DROP TABLE index_remediations; DROP TABLE index_key;`+dropVersion5+tables+`
		INSERT INTO index_histories VALUES ('d1', 1, NULL, NULL, 1, false);
		INSERT INTO index_ranges VALUES ('d1', true);
		INSERT INTO index_first_shipments VALUES (1, 'api', 'acme/api', 'a1', true, false, NULL, NULL, NULL, NULL);
		INSERT INTO index_merge_shipments VALUES ('d1', 'acme/api', 'a1', 1, NULL);
		INSERT INTO index_key VALUES (['production']);
		UPDATE dorareport_meta SET value = '3' WHERE key = 'schema_version'`)
	eq(t, "rows of the index left after the migration", count(t, db, `SELECT (SELECT count(*) FROM index_histories)
		+ (SELECT count(*) FROM index_ranges) + (SELECT count(*) FROM index_first_shipments) + (SELECT count(*) FROM index_key)`), 0)
	sameMetricsIndexed(t, db, before)
}

// dropVersion5 takes a warehouse back from version 5 to version 4.
const dropVersion5 = `DROP TABLE index_incs; DROP TABLE index_attributed; DROP TABLE index_failures;
	DROP TABLE index_incidents_key;`

// Migrating a warehouse of schema version 2 through versions 3 to 5 marks the deployments whose
// commits were listed, makes the index anew, and keeps every number, whether the query derives
// them or reads the index again.
func TestMigrationFromVersion2KeepsTheNumbers(t *testing.T) {
	// Back to version 2: what versions 3 to 5 added is gone.
	db, before := migratedFrom(t, `ALTER TABLE deployments DROP COLUMN commits_listed;
		DROP TABLE index_histories; DROP TABLE index_ranges; DROP TABLE index_first_shipments;
		DROP TABLE index_remediations; DROP TABLE index_key;`+dropVersion5+`
		UPDATE dorareport_meta SET value = '2' WHERE key = 'schema_version'`)
	listed := count(t, db, `SELECT count(*) FILTER (commits_listed) FROM deployments`)
	mismatched := count(t, db, `SELECT count(*) FILTER (commits_listed IS DISTINCT FROM (commits IS NOT NULL)) FROM deployments`)
	if listed == 0 || mismatched != 0 {
		t.Errorf("after the migration %d deployments are marked listed and %d wrongly, want many and none", listed, mismatched)
	}
	eq(t, "metrics derived after the migration", metricsJSON(t, db), before)
	sameMetricsIndexed(t, db, before)
}

// migrationQuery is the query whose metrics a migration must keep.
var migrationQuery = dora.Query{Since: demoEnd.AddDate(0, -3, 0), Until: demoEnd, By: dora.ByService, Interval: dora.Week}

// migratedFrom builds the demo warehouse, takes its metrics, takes it back to an older version with
// downgrade and opens it again, which migrates it.
func migratedFrom(t *testing.T, downgrade string) (*dora.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "old.duckdb")
	db := demoWarehouse(t, path)
	before := metricsJSON(t, db)
	if _, err := db.SQL().ExecContext(context.Background(), downgrade); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err := dora.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, before
}

// sameMetricsIndexed indexes db again and checks that its metrics are still before.
func sameMetricsIndexed(t *testing.T, db *dora.DB, before string) {
	t.Helper()
	if n, err := db.Index(context.Background(), dora.Definitions{}); err != nil || n.Changes == 0 {
		t.Fatalf("indexing the migrated file: %d changes, %v", n.Changes, err)
	}
	eq(t, "metrics indexed again after the migration", metricsJSON(t, db), before)
}

func metricsJSON(t *testing.T, db *dora.DB) string {
	t.Helper()
	m, err := db.Metrics(context.Background(), migrationQuery)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
