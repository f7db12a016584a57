package dora

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Indexed counts what Index stored; both are 0 when it was already indexed.
type Indexed struct {
	Ranges  int // commit ranges newly computed from the commit graph
	Changes int // first shipments of changes: first deployments of a commit by a service
}

// Index stores what queries would otherwise derive from millions of records each time, under
// the definitions d (which decide what is production, and so which deployments count and which
// follows which, and which pull requests are remediations):
//   - the commit ranges: what each successful production deployment without a list of its
//     commits shipped after the one before it, from the commit graph;
//   - the histories of the production deployments (their order, rollbacks, and what queries
//     need of each record) and the shipments: which deployments' shipped commits are known, the
//     first deployment of every change by each service with the start of its lead time, and
//     the remediations.
//
// Queries stay exact without it. A range that is not stored, because a write of the
// repository's commits forgot it or because other definitions pair other deployments, is
// computed on the fly; the histories and shipments are read only by queries whose production
// environments and remediation patterns are the ones they were stored for, and any write of
// deployments, commits, pull requests or services forgets them. Indexing again with nothing
// written since costs one query. import, collect and demo call Index after writing, with the
// definitions of the configuration.
func (db *DB) Index(ctx context.Context, d Definitions) (Indexed, error) {
	db.writing.Lock()
	defer db.writing.Unlock()
	var n Indexed
	everything, err := db.history(ctx, d)
	if err != nil || everything.Since.IsZero() {
		return n, err
	}
	// The indexed tables are derived after the ranges are stored, and any write that could
	// change either forgets the tables: with them stored for d, everything is.
	if current, err := db.indexCurrent(ctx, everything); err != nil || current {
		return n, err
	}
	if n.Ranges, err = db.indexCommitRanges(ctx, everything); err != nil {
		return n, fmt.Errorf("index commit ranges: %w", err)
	}
	if n.Changes, err = db.indexShipments(ctx, everything); err != nil {
		return n, fmt.Errorf("index shipments: %w", err)
	}
	return n, nil
}

// history is a query of every deployment, under d; its Since is zero when there are none.
func (db *DB) history(ctx context.Context, d Definitions) (Query, error) {
	var first, last sql.NullTime
	err := db.sql.QueryRowContext(ctx, `SELECT min(finished_at), max(finished_at) FROM deployments`).Scan(&first, &last)
	if err != nil || !first.Valid {
		return Query{}, err
	}
	return Query{Since: first.Time.Truncate(time.Second), Until: last.Time.Add(time.Second), Definitions: d}, nil
}

// indexCurrent reports whether the index holds the tables of indexedSteps for the definitions of
// everything.
func (db *DB) indexCurrent(ctx context.Context, everything Query) (bool, error) {
	var indexed bool
	err := db.prepare(ctx, everything, preparation{through: "01_calendar.sql"}, func(a *analysis) error {
		var err error
		indexed, err = a.indexed(ctx)
		return err
	})
	return indexed, err
}

func (db *DB) indexCommitRanges(ctx context.Context, everything Query) (int, error) {
	var ranges []commitRange
	err := db.prepare(ctx, everything, preparation{through: "04_shipped.sql", derive: true}, func(a *analysis) error {
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
	return len(ranges), err
}

// indexedSteps are the files of sql/prepare whose tables Index stores, and indexedTables the
// tables later steps read of them, each stored as index_<name>. Queries that read the index skip
// those steps: the commit lists and the commit graph are read only by them.
var (
	indexedSteps  = map[string]bool{"03_histories.sql": true, "04_shipped.sql": true, "05_shipments.sql": true}
	indexedTables = []string{"histories", "ranges", "first_shipments", "remediations"}
	// indexedOrder sorts the tables read by the time of their deployments (ord follows
	// finished_at), so that a week's query skips most of their row groups.
	indexedOrder = map[string]string{"histories": " ORDER BY ord", "first_shipments": " ORDER BY ord"}
)

// forgetIndex empties them, and the key that says for what they were stored.
var forgetIndex = func() string {
	q := "DELETE FROM index_key"
	for _, t := range indexedTables {
		q += "; DELETE FROM index_" + t
	}
	return q
}()

// indexShipments derives the tables of indexedSteps over the whole history, its ranges now
// stored, and replaces the stored ones with them in one transaction. It returns how many first
// shipments it stored.
func (db *DB) indexShipments(ctx context.Context, everything Query) (int, error) {
	var n int64
	err := db.prepare(ctx, everything, preparation{through: "05_shipments.sql", derive: true}, func(a *analysis) error {
		return a.transaction(ctx, func() error {
			if _, err := a.conn.ExecContext(ctx, forgetIndex); err != nil {
				return err
			}
			for _, t := range indexedTables {
				res, err := a.conn.ExecContext(ctx, fmt.Sprintf(`INSERT INTO index_%s BY NAME SELECT * FROM %s%s`, t, t, indexedOrder[t]))
				if err != nil {
					return err
				}
				if t == "first_shipments" {
					if n, err = res.RowsAffected(); err != nil {
						return err
					}
				}
			}
			_, err := a.conn.ExecContext(ctx, `INSERT INTO index_key SELECT `+indexKey)
			return err
		})
	})
	return int(n), err
}
