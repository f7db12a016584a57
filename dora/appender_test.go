package dora

import (
	"context"
	"database/sql/driver"
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
