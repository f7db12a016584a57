package dora

import (
	"context"
	"fmt"
	"time"
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
	err = db.write(ctx, func(w *Writer) error {
		for _, r := range ranges {
			if err := w.commitRange(r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("index commit ranges: %w", err)
	}
	return len(ranges), nil
}
