package main

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dorareport/dorareport/dora"
)

// identities are the columns that identify a record of each warehouse table.
var identities = map[string]string{
	"deployments":   "id",
	"commits":       "repo, sha",
	"pull_requests": "repo, number",
	"incidents":     "id",
	"services":      "name",
	"sync_state":    "source, key",
}

// warehouse is every row of every table of a database file as JSON, by table, sorted; the time a
// sync state was written is left out, since two syncs of the same data differ in it.
type warehouse map[string][]string

func dumpWarehouse(t *testing.T, path string) warehouse {
	t.Helper()
	ctx := context.Background()
	db, err := dora.Open(ctx, path)
	if err != nil {
		t.Fatalf("%v (files: %s)", err, listFiles(filepath.Dir(path)))
	}
	defer db.Close()
	var tables []string
	rs, err := db.SQL().QueryContext(ctx, `SELECT table_name FROM information_schema.tables ORDER BY table_name`)
	if err != nil {
		t.Fatal(err)
	}
	for rs.Next() {
		var name string
		if err := rs.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	if err := firstErr(rs.Err(), rs.Close()); err != nil {
		t.Fatal(err)
	}
	w := warehouse{}
	for _, table := range tables {
		from := `"` + table + `"`
		if table == "sync_state" {
			from = `(SELECT * EXCLUDE (updated_at) FROM sync_state)`
		}
		rs, err := db.SQL().QueryContext(ctx, `SELECT to_json(t)::VARCHAR FROM `+from+` t`)
		if err != nil {
			t.Fatal(err)
		}
		w[table] = []string{}
		for rs.Next() {
			var row string
			if err := rs.Scan(&row); err != nil {
				t.Fatal(err)
			}
			w[table] = append(w[table], row)
		}
		if err := firstErr(rs.Err(), rs.Close()); err != nil {
			t.Fatal(err)
		}
		slices.Sort(w[table])
		if cols, ok := identities[table]; ok {
			var dups int
			if err := db.SQL().QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*) - count(DISTINCT (%s)) FROM %s`, cols, table)).Scan(&dups); err != nil {
				t.Fatal(err)
			}
			if dups > 0 {
				t.Errorf("%s: %d rows repeat the identity (%s) of another", table, dups, cols)
			}
		}
	}
	return w
}

// listFiles names the files of dir with their sizes, to tell what a failed open found.
func listFiles(dir string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err.Error()
	}
	var list []string
	for _, e := range entries {
		if info, err := e.Info(); err == nil {
			list = append(list, fmt.Sprintf("%s %d bytes", e.Name(), info.Size()))
		}
	}
	return strings.Join(list, ", ")
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// diff describes how got differs from want, table by table, with a few rows of each.
func (want warehouse) diff(got warehouse) string {
	var b strings.Builder
	tables := slices.Sorted(maps.Keys(want))
	for table := range got {
		if _, ok := want[table]; !ok {
			tables = append(tables, table)
		}
	}
	for _, table := range tables {
		missing, extra := subtract(want[table], got[table]), subtract(got[table], want[table])
		if len(missing)+len(extra) == 0 {
			continue
		}
		fmt.Fprintf(&b, "%s: %d rows, want %d; %d missing, %d unexpected\n", table, len(got[table]), len(want[table]), len(missing), len(extra))
		for _, r := range missing[:min(3, len(missing))] {
			fmt.Fprintf(&b, "  - %s\n", r)
		}
		for _, r := range extra[:min(3, len(extra))] {
			fmt.Fprintf(&b, "  + %s\n", r)
		}
	}
	return b.String()
}

// subtract returns the rows of a that b does not hold, counting repeats: a row twice in a and
// once in b is returned once.
func subtract(a, b []string) []string {
	left := map[string]int{}
	for _, r := range b {
		left[r]++
	}
	var out []string
	for _, r := range a {
		if left[r] > 0 {
			left[r]--
			continue
		}
		out = append(out, r)
	}
	return out
}
