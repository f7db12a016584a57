package dora

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Indexed counts what Index stored; all are 0 when it was already indexed.
type Indexed struct {
	Ranges    int // commit ranges newly computed from the commit graph
	Changes   int // first shipments of changes: first deployments of a commit by a service
	Incidents int // production incidents, with the deployment each is attributed to
}

// Index stores what queries would otherwise derive from millions of records each time, under
// the definitions d (which decide what is production, and so which deployments count and which
// follows which, which pull requests are remediations, and how long after a deployment an
// incident is blamed on it):
//   - the commit ranges: what each successful production deployment without a list of its
//     commits shipped after the one before it, from the commit graph;
//   - the histories of the production deployments (their order, rollbacks, and what queries
//     need of each record) and the shipments: which deployments' shipped commits are known, the
//     first deployment of every change by each service with the start of its lead time, and
//     the remediations;
//   - the production incidents, the deployment each is attributed to, and the failed
//     deployments with their recovery.
//
// Queries stay exact without it. A range that is not stored, because a write of the
// repository's commits forgot it or because other definitions pair other deployments, is
// computed on the fly; the other tables are read only by queries whose definitions are the ones
// they were stored for. Any write of deployments, commits, pull requests or services forgets
// them; a write of incidents forgets only the incidents' tables, which the next Index derives
// from the stored shipments. Indexing again with nothing written since costs two queries.
// import, collect and demo call Index after writing, with the definitions of the configuration.
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
	shipments, incidents, err := db.indexCurrent(ctx, everything)
	if err != nil {
		return n, err
	}
	if !shipments {
		if n.Ranges, err = db.indexCommitRanges(ctx, everything); err != nil {
			return n, fmt.Errorf("index commit ranges: %w", err)
		}
		if n.Changes, err = db.indexShipments(ctx, everything); err != nil {
			return n, fmt.Errorf("index shipments: %w", err)
		}
	}
	if !incidents {
		if n.Incidents, err = db.indexIncidents(ctx, everything); err != nil {
			return n, fmt.Errorf("index incidents: %w", err)
		}
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

// indexCurrent reports whether the index holds the tables of shipmentsIndex, and those of
// incidentsIndex, for the definitions of everything.
func (db *DB) indexCurrent(ctx context.Context, everything Query) (shipments, incidents bool, err error) {
	err = db.prepare(ctx, everything, preparation{through: "01_calendar.sql"}, func(a *analysis) error {
		var err error
		if shipments, err = a.indexed(ctx, &shipmentsIndex); err != nil {
			return err
		}
		incidents, err = a.indexed(ctx, &incidentsIndex)
		return err
	})
	return shipments, incidents && shipments, err
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

// A storedIndex is one part of what Index stores: the tables of some steps of sql/prepare, each
// stored as index_<name>, and the key that says for what definitions they were stored. Queries
// whose definitions match the key read the tables and skip the steps.
type storedIndex struct {
	steps      map[string]bool // the files of sql/prepare whose tables it stores
	tables     []string        // the tables of those steps that later steps read
	keyTable   string
	keyColumns string
	key        string // the key's row for the definitions of an analysis, each list sorted
}

var (
	// The shipments: the commit lists and the commit graph are read only by their steps.
	shipmentsIndex = storedIndex{
		steps:      map[string]bool{"03_histories.sql": true, "04_shipped.sql": true, "05_shipments.sql": true},
		tables:     []string{"histories", "ranges", "first_shipments", "remediations"},
		keyTable:   "index_key",
		keyColumns: "production_environments, remediation_labels, remediation_prefixes",
		key: `list_sort(getvariable('prod_envs')), list_sort(getvariable('remediation_labels')),
			list_sort(getvariable('remediation_prefixes'))`,
	}
	// The incidents: derived from the shipments as well, and forgotten with them. Stored over the
	// whole history, they hold for any window: the steps limit the incidents and deployments
	// they look at to the window only to save time, never to change an answer.
	incidentsIndex = storedIndex{
		steps:      map[string]bool{"07_attribution.sql": true, "08_failures.sql": true},
		tables:     []string{"incs", "attributed", "failures"},
		keyTable:   "index_incidents_key",
		keyColumns: shipmentsIndex.keyColumns + ", incident_window_seconds",
		key:        shipmentsIndex.key + ", getvariable('incident_window_seconds')",
	}
	// indexedOrder sorts the tables read by the time of their deployments (ord follows
	// finished_at), so that a week's query skips most of their row groups.
	indexedOrder = map[string]string{"histories": " ORDER BY ord", "first_shipments": " ORDER BY ord", "failures": " ORDER BY ord"}
)

// forget empties the tables of idx, and the key that says for what they were stored.
func (idx *storedIndex) forget() string {
	q := "DELETE FROM " + idx.keyTable
	for _, t := range idx.tables {
		q += "; DELETE FROM index_" + t
	}
	return q
}

// forgetIndex forgets everything Index stores but the commit ranges; forgetIncidents, what it
// stores of the incidents.
var (
	forgetIncidents = incidentsIndex.forget()
	forgetIndex     = shipmentsIndex.forget() + "; " + forgetIncidents
)

// store replaces the stored tables of idx with those of the analysis, and its key, in one
// transaction. It returns how many rows it stored of the table counted.
func (a *analysis) store(ctx context.Context, idx *storedIndex, counted string) (int, error) {
	var n int64
	err := a.transaction(ctx, func() error {
		if _, err := a.conn.ExecContext(ctx, idx.forget()); err != nil {
			return err
		}
		for _, t := range idx.tables {
			res, err := a.conn.ExecContext(ctx, fmt.Sprintf(`INSERT INTO index_%s BY NAME SELECT * FROM %s%s`, t, t, indexedOrder[t]))
			if err != nil {
				return err
			}
			if t == counted {
				if n, err = res.RowsAffected(); err != nil {
					return err
				}
			}
		}
		_, err := a.conn.ExecContext(ctx, fmt.Sprintf(`INSERT INTO %s SELECT %s`, idx.keyTable, idx.key))
		return err
	})
	return int(n), err
}

// indexShipments derives the tables of shipmentsIndex over the whole history, its ranges now
// stored, and stores them. It returns how many first shipments it stored.
func (db *DB) indexShipments(ctx context.Context, everything Query) (n int, err error) {
	err = db.prepare(ctx, everything, preparation{through: "05_shipments.sql", derive: true}, func(a *analysis) error {
		n, err = a.store(ctx, &shipmentsIndex, "first_shipments")
		return err
	})
	return n, err
}

// indexIncidents derives the tables of incidentsIndex over the whole history from the stored
// shipments, and stores them. It returns how many incidents it stored.
func (db *DB) indexIncidents(ctx context.Context, everything Query) (n int, err error) {
	err = db.prepare(ctx, everything, preparation{through: "08_failures.sql"}, func(a *analysis) error {
		n, err = a.store(ctx, &incidentsIndex, "incs")
		return err
	})
	return n, err
}
