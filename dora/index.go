package dora

import (
	"context"
	"database/sql/driver"
	"fmt"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// IndexCommitRanges computes, from the commit graph, what each successful production deployment
// without a list of its commits shipped after the one before it, under the definitions d (which
// decide what is production), and stores those ranges, so that queries read them instead of
// walking the graph (at a million deployments, the walk was the slowest step of a query).
// Queries stay exact without it: a range that is not stored, because a write of the
// repository's commits forgot it or because other definitions pair other deployments, is
// computed on the fly. It returns how many ranges it stored; import, collect and demo call it
// after writing, with the definitions of the configuration.
func (db *DB) IndexCommitRanges(ctx context.Context, d Definitions) (int, error) {
	db.writing.Lock()
	defer db.writing.Unlock()
	var ranges []commitRange
	everything := Query{Since: time.Unix(0, 0), Until: time.Now().AddDate(1, 0, 0), Definitions: d}
	err := db.prepare(ctx, everything, "04_shipped.sql", func(a *analysis) error {
		ranges = a.computed
		return nil
	})
	if err != nil || len(ranges) == 0 {
		return 0, err
	}
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) (err error) {
		c := dc.(driver.Conn)
		exec := func(q string) error {
			_, err := c.(driver.ExecerContext).ExecContext(ctx, q, nil)
			return err
		}
		if err := exec("BEGIN TRANSACTION"); err != nil {
			return err
		}
		defer func() {
			if err != nil {
				exec("ROLLBACK")
			}
		}()
		app, err := duckdb.NewAppender(c, "", "", "commit_ranges")
		if err != nil {
			return err
		}
		for _, r := range ranges {
			if err := app.AppendRow(r.repo, r.from, r.to, orEmpty(r.shas)); err != nil {
				app.Close()
				return err
			}
		}
		if err := app.Close(); err != nil {
			return err
		}
		return exec("COMMIT")
	})
	if err != nil {
		return 0, fmt.Errorf("index commit ranges: %w", err)
	}
	return len(ranges), nil
}

// orEmpty stores an empty range as an empty list, not as NULL.
func orEmpty(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}
