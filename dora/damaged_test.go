package dora_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dorareport/dorareport/dora"
)

// dirState is the content of every file in a directory, so that a test sees a changed file and
// a file DuckDB left beside it (a write-ahead log) alike.
func dirState(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	state := map[string][32]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		state[e.Name()] = sha256.Sum256(b)
	}
	return state
}

func assertUntouched(t *testing.T, dir string, before map[string][32]byte) {
	t.Helper()
	after := dirState(t, dir)
	for name, sum := range before {
		if got, ok := after[name]; !ok {
			t.Errorf("%s was removed", name)
		} else if got != sum {
			t.Errorf("%s was changed", name)
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			t.Errorf("%s was created beside the database", name)
		}
	}
}

// warehouse writes a closed warehouse of n incidents at dir/dora.duckdb.
func warehouse(t *testing.T, dir string, n int) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(dir, "dora.duckdb")
	db, err := dora.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Write(ctx, func(w *dora.Writer) error {
		for i := range n {
			if err := w.Incident(dora.Incident{ID: fmt.Sprint(i), Title: strings.Repeat("outage ", 20), StartedAt: t0}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// rawExec runs statements on a DuckDB file without dorareport, as another program would.
func rawExec(t *testing.T, path string, statements ...string) {
	t.Helper()
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range statements {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// openBoth opens path for writing and read-only, and returns both errors.
func openBoth(t *testing.T, path string) map[string]error {
	t.Helper()
	ctx := context.Background()
	errs := map[string]error{}
	for name, open := range map[string]func(context.Context, string) (*dora.DB, error){"Open": dora.Open, "OpenReadOnly": dora.OpenReadOnly} {
		db, err := open(ctx, path)
		if err == nil {
			db.Close()
		}
		errs[name] = err
	}
	return errs
}

// DuckDB itself notices a cut into the blocks it reads when it opens a file; a cut into data
// blocks it reads later would go unnoticed until a query, so Open checks the size.
func TestOpenRefusesATruncatedWarehouseAndLeavesItUntouched(t *testing.T) {
	for _, keep := range []float64{0.02, 0.5, 0.9, 0.999} {
		t.Run(fmt.Sprintf("keep %.1f%%", keep*100), func(t *testing.T) {
			dir := t.TempDir()
			path := warehouse(t, dir, 20000)
			info, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			size := int64(float64(info.Size()) * keep)
			if err := os.Truncate(path, size); err != nil {
				t.Fatal(err)
			}
			before := dirState(t, dir)
			for name, err := range openBoth(t, path) {
				if !errors.Is(err, dora.ErrDamagedDatabase) {
					t.Fatalf("%s of a warehouse truncated from %d to %d bytes: err = %v, want ErrDamagedDatabase", name, info.Size(), size, err)
				}
				if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "left untouched") {
					t.Errorf("%s: %q does not name the file and say it was left untouched", name, err)
				}
			}
			assertUntouched(t, dir, before)
		})
	}
}

func TestOpenRefusesAForeignDuckDBDatabaseAndLeavesItUntouched(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "shop.duckdb")
	rawExec(t, path, `CREATE TABLE orders (id INTEGER, total DECIMAL(10, 2))`, `INSERT INTO orders VALUES (1, 9.99), (2, 20)`)
	before := dirState(t, dir)
	for name, err := range openBoth(t, path) {
		if !errors.Is(err, dora.ErrForeignDatabase) {
			t.Errorf("%s: err = %v, want ErrForeignDatabase", name, err)
		}
	}
	assertUntouched(t, dir, before)
}

func TestOpenRefusesAWarehouseOfANewerSchema(t *testing.T) {
	dir := t.TempDir()
	path := warehouse(t, dir, 10)
	rawExec(t, path, `UPDATE dorareport_meta SET value = '99' WHERE key = 'schema_version'`)
	before := dirState(t, dir)
	for name, err := range openBoth(t, path) {
		if !errors.Is(err, dora.ErrNewerSchema) {
			t.Errorf("%s: err = %v, want ErrNewerSchema", name, err)
		} else if !strings.Contains(err.Error(), "version 99") {
			t.Errorf("%s: %q does not say the version found", name, err)
		}
	}
	assertUntouched(t, dir, before)
}

// Every DuckDB file without tables is at version 0, the schema before the first migration:
// Open migrates it to the current version, and OpenReadOnly, which never writes, refuses it.
func TestOpenMigratesAnOlderSchemaAndOpenReadOnlyRefusesIt(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "old.duckdb")
	rawExec(t, path, `SELECT 1`)
	before := dirState(t, dir)
	if _, err := dora.OpenReadOnly(context.Background(), path); !errors.Is(err, dora.ErrOlderSchema) {
		t.Fatalf("OpenReadOnly: err = %v, want ErrOlderSchema", err)
	}
	assertUntouched(t, dir, before)

	db, err := dora.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if v := count(t, db, `SELECT value::INTEGER FROM dorareport_meta WHERE key = 'schema_version'`); v != dora.SchemaVersion {
		t.Errorf("schema_version = %d after Open, want %d", v, dora.SchemaVersion)
	}
	if n := count(t, db, `SELECT count(*) FROM incidents`); n != 0 {
		t.Errorf("incidents = %d in the migrated warehouse, want 0", n)
	}
}

// A warehouse at the current version is opened as it is: no migration runs again, and its data
// and metadata are kept.
func TestOpenOfTheCurrentSchemaChangesNothing(t *testing.T) {
	dir := t.TempDir()
	path := warehouse(t, dir, 100)
	meta := func(db *dora.DB) string {
		var s string
		if err := db.SQL().QueryRow(`SELECT string_agg(key || '=' || value, ',' ORDER BY key) FROM dorareport_meta`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, open := range []func(context.Context, string) (*dora.DB, error){dora.Open, dora.OpenReadOnly} {
		db, err := open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := meta(db), fmt.Sprintf("application=dorareport,schema_version=%d", dora.SchemaVersion); got != want {
			t.Errorf("dorareport_meta = %s, want %s", got, want)
		}
		if n := count(t, db, `SELECT count(*) FROM incidents`); n != 100 {
			t.Errorf("incidents = %d after reopening, want 100", n)
		}
		db.Close()
	}
}

func TestOpenReadOnlyNeverWrites(t *testing.T) {
	dir := t.TempDir()
	path := warehouse(t, dir, 10)
	before := dirState(t, dir)
	db, err := dora.OpenReadOnly(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Metrics(context.Background(), dora.Query{Since: t0.AddDate(0, -1, 0), Until: t0.AddDate(0, 1, 0)}); err != nil {
		t.Errorf("Metrics on a read-only warehouse: %v", err)
	}
	err = db.Write(context.Background(), func(w *dora.Writer) error {
		return w.Incident(dora.Incident{ID: "new", StartedAt: t0})
	})
	if err == nil {
		t.Error("a write through a read-only warehouse succeeded")
	}
	db.Close()
	assertUntouched(t, dir, before)

	if _, err := dora.OpenReadOnly(context.Background(), filepath.Join(dir, "missing.duckdb")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("OpenReadOnly of a missing file: err = %v, want ErrNotExist", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "missing.duckdb")); !errors.Is(err, os.ErrNotExist) {
		t.Error("OpenReadOnly created the missing file")
	}
}
