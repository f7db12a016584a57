package dora

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// openInMemory opens a warehouse in memory, closed when the test ends.
func openInMemory(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestAFailedAppendFailsTheWriteAndWritesNothing(t *testing.T) {
	ctx := context.Background()
	db := openInMemory(t)
	err := db.Write(ctx, func(w *Writer) error {
		for i := range 3 * batchRows {
			row := []driver.Value{"source", fmt.Sprint(i), "value", time.Now()}
			if i == batchRows+1 {
				row[3] = []string{"not a time"}
			}
			if err := w.append(syncStateTable, row...); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "append to sync_state") {
		t.Fatalf("err = %v, want the failed append to sync_state", err)
	}
	var n int
	if err := db.sql.QueryRow(`SELECT count(*) FROM sync_state`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("sync_state has %d rows after a failed write, want 0", n)
	}
}

func TestARowOfTheWrongWidthFailsTheWrite(t *testing.T) {
	ctx := context.Background()
	db := openInMemory(t)
	err := db.Write(ctx, func(w *Writer) error {
		if err := w.append(syncStateTable, "source", "key", "value", time.Now()); err != nil {
			return err
		}
		return w.append(syncStateTable, "source", "key", "value")
	})
	if err == nil || !strings.Contains(err.Error(), "append to sync_state: 3 values for 4 columns") {
		t.Fatalf("err = %v, want the row of 3 values refused", err)
	}
}

// A flush and a statement on the connection of a Write, each run in two calls, close each other
// when they interleave ("Attempting to execute an unsuccessful or closed pending query result").
// Here four appenders flush every batch while the Writer starts a fifth table now and then.
func TestFlushesAndStatementsOfAWriteTakeTurns(t *testing.T) {
	defer func(n int) { flushBatches = n }(flushBatches)
	flushBatches = 1
	ctx := context.Background()
	db := openInMemory(t)
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	const rows = 24 * batchRows
	for round := range 3 {
		err := db.Write(ctx, func(w *Writer) error {
			for i := range rows {
				id := fmt.Sprintf("%d-%d", round, i)
				errs := []error{
					w.Commit(Commit{Repo: "org/app", SHA: fmt.Sprintf("%040x", round*rows+i), AuthoredAt: at}),
					w.Incident(Incident{ID: id, Service: "app", StartedAt: at}),
					w.SetSyncState("test", id, "value"),
					w.commitRange(commitRange{repo: "org/app", from: id, to: id}),
				}
				if i%(rows/4) == rows/8 {
					// the first pull request, deployment and service of the write: each looks up
					// where its table's rows end while the others flush
					errs = append(errs, []error{
						w.PullRequest(PullRequest{Repo: "org/app", Number: int64(round*rows + i + 1), CreatedAt: at}),
						w.Deployment(Deployment{ID: id, Service: "app", Environment: "production", Status: StatusSuccess, SHA: "abc1234", StartedAt: at, FinishedAt: at}),
						w.Service(Service{Name: "app-" + id}),
					}...)
				}
				if err := errors.Join(errs...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
	}
	var commits, incidents int
	if err := db.sql.QueryRow(`SELECT (SELECT count(*) FROM commits), (SELECT count(*) FROM incidents)`).Scan(&commits, &incidents); err != nil {
		t.Fatal(err)
	}
	if commits != 3*rows || incidents != 3*rows {
		t.Errorf("%d commits and %d incidents, want %d of each", commits, incidents, 3*rows)
	}
}
