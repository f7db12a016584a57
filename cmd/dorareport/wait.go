package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/spf13/cobra"
)

// The pauses between attempts to open a database another process holds: short at first, for
// the common case of a run that is about to end, and never so long that a freed file sits idle.
const (
	firstRetry = 50 * time.Millisecond
	maxRetry   = time.Second
)

func registerWait(cmd *cobra.Command, wait *time.Duration) {
	cmd.Flags().DurationVar(wait, "wait", 0, "when another process has the database open, retry for up to `DURATION` (e.g. 30s, 5m) instead of failing at once; one process may write a database, or several read it, never both")
}

// openDB opens the warehouse at path ("" for in memory) with open and the run's logger. While
// another process holds the file, it fails at once naming that process, or with wait > 0 retries
// until wait has passed. DuckDB lets one process write a file or several read it, never both.
func (a *app) openDB(ctx context.Context, path string, wait time.Duration, open func(context.Context, string) (*dora.DB, error)) (*dora.DB, error) {
	deadline := time.Now().Add(wait)
	delay := firstRetry
	for attempt := 0; ; attempt++ {
		db, err := open(ctx, path)
		var locked *dora.LockedError
		if !errors.As(err, &locked) {
			if err != nil {
				return nil, err
			}
			db.Logger = a.log
			a.log.Debug("opened database", "path", path, "attempts", attempt+1)
			return db, nil
		}
		left := time.Until(deadline)
		if left <= 0 {
			if wait > 0 {
				return nil, fmt.Errorf("%w; still so after waiting %s", err, wait)
			}
			return nil, fmt.Errorf("%w; run again when it is done, or wait for it with --wait DURATION", err)
		}
		if attempt == 0 {
			a.log.Info("database in use by another process; waiting", "path", path, "pid", locked.PID, "program", locked.Program, "wait", wait)
		}
		timer := time.NewTimer(min(delay, left))
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, ctx.Err()
		case <-timer.C:
		}
		delay = min(2*delay, maxRetry)
	}
}
