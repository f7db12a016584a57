package incidentsync_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/internal/incidentsync"
)

var t0 = time.Date(2024, 3, 4, 10, 0, 0, 0, time.UTC)

func openDB(t *testing.T) *dora.DB {
	t.Helper()
	db, err := dora.Open(context.Background(), filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestStoreWritesTheIncidentsAndTheStateTogether(t *testing.T) {
	db, ctx := openDB(t), context.Background()
	st := incidentsync.State{Through: t0, Open: map[string]time.Time{"P1": t0.Add(-time.Hour)}}
	if err := incidentsync.Store(ctx, db, "pagerduty", "PSVC", st, []dora.Incident{{ID: "pagerduty/P1", StartedAt: t0.Add(-time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	got, err := incidentsync.Load(ctx, db, "pagerduty", "PSVC")
	if err != nil || !got.Through.Equal(t0) || !got.Open["P1"].Equal(t0.Add(-time.Hour)) {
		t.Fatalf("Load = %+v, %v; want what was stored", got, err)
	}
	// A refused record leaves neither the incidents nor the state behind.
	err = incidentsync.Store(ctx, db, "pagerduty", "PSVC", incidentsync.State{Through: t0.Add(time.Hour)}, []dora.Incident{{ID: "no start"}})
	if !errors.Is(err, dora.ErrInvalid) {
		t.Fatalf("err = %v, want ErrInvalid", err)
	}
	if got, _ := incidentsync.Load(ctx, db, "pagerduty", "PSVC"); !got.Through.Equal(t0) {
		t.Errorf("the cursor moved to %s with a refused batch", got.Through)
	}
}

func TestLoadOfANewListingIsZeroAndOfDamagedStateNamesIt(t *testing.T) {
	db, ctx := openDB(t), context.Background()
	if st, err := incidentsync.Load(ctx, db, "opsgenie", "incidents"); err != nil || !st.Through.IsZero() || st.Open != nil {
		t.Fatalf("Load of a new listing = %+v, %v", st, err)
	}
	if err := db.Write(ctx, func(w *dora.Writer) error { return w.SetSyncState("opsgenie", "incidents", "{not json") }); err != nil {
		t.Fatal(err)
	}
	_, err := incidentsync.Load(ctx, db, "opsgenie", "incidents")
	if err == nil || !strings.Contains(err.Error(), "sync state incidents is damaged") {
		t.Errorf("err = %v, want it to name the damaged state", err)
	}
}

func TestFromResumesBeforeTheCursorElseSinceElseHistory(t *testing.T) {
	until := t0.AddDate(0, 1, 0)
	for _, tc := range []struct {
		name  string
		st    incidentsync.State
		since time.Time
		want  time.Time
	}{
		{"cursor_minus_overlap", incidentsync.State{Through: t0}, t0.AddDate(-1, 0, 0), t0.Add(-time.Hour)},
		{"since_on_a_first_run", incidentsync.State{}, t0, t0},
		{"history_without_since", incidentsync.State{}, time.Time{}, until.AddDate(0, 0, -30)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.st.From(tc.since, until, 30*24*time.Hour, time.Hour); !got.Equal(tc.want) {
				t.Errorf("From = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestCloneDoesNotShareOpen(t *testing.T) {
	st := incidentsync.State{Open: map[string]time.Time{"a": t0}}
	c := st.Clone()
	c.Open["b"] = t0
	if len(st.Open) != 1 {
		t.Error("changing the clone changed the original")
	}
	if (incidentsync.State{}).Clone().Open == nil {
		t.Error("a clone's Open must be ready to take items")
	}
}
