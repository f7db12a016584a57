package main

import (
	"bytes"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// duckdbExec runs statements on a DuckDB file as another program would, without dorareport.
func duckdbExec(t *testing.T, path string, statements ...string) {
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

// A --db that is not a sound warehouse of this version is refused by every command with exit
// code 1 and a message naming the file, and the file is left as it was.
func TestDamagedOrForeignDatabasesAreRefusedAndLeftUntouched(t *testing.T) {
	tests := []struct {
		name string
		make func(t *testing.T, path string)
		want string
	}{
		{"truncated warehouse", func(t *testing.T, path string) {
			must(t, "import", "--db", path, eventsFile)
			info, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(path, info.Size()*9/10); err != nil {
				t.Fatal(err)
			}
		}, "the database file is damaged"},
		{"text file", func(t *testing.T, path string) {
			writeFile(t, filepath.Dir(path), filepath.Base(path), "deployments of 2024, by hand\n")
		}, "not a dorareport database (not a DuckDB file"},
		{"DuckDB database of something else", func(t *testing.T, path string) {
			duckdbExec(t, path, `CREATE TABLE orders (id INTEGER)`, `INSERT INTO orders VALUES (1)`)
		}, "not a dorareport database: it holds 1 tables of something else"},
		{"warehouse of a newer schema", func(t *testing.T, path string) {
			must(t, "import", "--db", path, eventsFile)
			duckdbExec(t, path, `UPDATE dorareport_meta SET value = '99' WHERE key = 'schema_version'`)
		}, "database schema is newer than this version of dorareport: it is at version 99"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "d.duckdb")
			tt.make(t, path)
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, run := range [][]string{
				{"import", "--db", path, eventsFile},
				args("metrics", "--db", path, window),
				args("report", "--db", path, window, "-o", filepath.Join(dir, "r.html")),
			} {
				r := dorareport(t, run...)
				if r.code != exitFailure || !strings.Contains(r.stderr, path) || !strings.Contains(r.stderr, tt.want) {
					t.Errorf("%s: exit %d, stderr %q; want 1 and %q about %s", run[0], r.code, r.stderr, tt.want, path)
				}
			}
			after, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(before, after) {
				t.Error("the file was changed")
			}
			if _, err := os.Stat(path + ".wal"); err == nil {
				t.Error("a write-ahead log was left beside the file")
			}
		})
	}
}

// A DuckDB file without tables is a warehouse before its first migration: readers, which never
// write, say how to migrate it, and a writer does.
func TestOlderSchemaIsMigratedByWritersOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "d.duckdb")
	duckdbExec(t, path, `SELECT 1`)
	r := dorareport(t, args("metrics", "--db", path, window)...)
	if r.code != exitFailure || !strings.Contains(r.stderr, "it is at version 0") || !strings.Contains(r.stderr, "run dorareport import or collect on it once to migrate it") {
		t.Errorf("metrics: exit %d, stderr %q", r.code, r.stderr)
	}
	must(t, "import", "--db", path, eventsFile)
	if r := must(t, args("metrics", "--db", path, window)...); !strings.Contains(r.stdout, `"deployments": `) {
		t.Errorf("metrics after the migration: %s", r.stdout)
	}
}
