package file

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
)

func TestProgressLines(t *testing.T) {
	defer func(d time.Duration) { progressInterval = d }(progressInterval)
	progressInterval = 0 // a line at every check
	db, err := dora.Open(context.Background(), filepath.Join(t.TempDir(), "dora.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var in strings.Builder
	for i := range 2500 {
		fmt.Fprintf(&in, `{"kind":"incident","id":"inc-%d","started_at":"2024-03-04T10:00:00Z"}`+"\n", i)
	}
	var out strings.Builder
	if _, err := Import(context.Background(), db, "-", strings.NewReader(in.String()), Options{Progress: &out}); err != nil {
		t.Fatal(err)
	}
	want := "imported 1k records from stdin\nimported 2k records from stdin\nimported 2.5k records from stdin\n"
	if out.String() != want {
		t.Errorf("progress:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestNoProgressForAShortImport(t *testing.T) {
	var out strings.Builder
	p := newProgress(&out, "events.jsonl")
	p.tick(1024)
	p.done(1500)
	if out.Len() != 0 {
		t.Errorf("a short import printed %q", out.String())
	}
}

func TestHumanCount(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1k", 1024: "1k", 12_345: "12.3k", 999_949: "999.9k", 999_950: "1M", 1_250_000: "1.2M", 12_000_000: "12M"} {
		if got := humanCount(n); got != want {
			t.Errorf("humanCount(%d) = %q, want %q", n, got, want)
		}
	}
}
