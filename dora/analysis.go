package dora

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"strings"
	"time"
)

// An analysis is one consistent view of the warehouse for one Query: a connection on which
// sql/prepare/*.sql derived the facts of the definitions (production deployments, shipped
// commits, changes, attributions, failures) as temporary tables. The metric and detail queries
// read those tables; closing the analysis drops them. regroup turns it to another grouping and
// series interval of the same window.
//
// Each step commits its tables, rather than all of them waiting in one transaction: DuckDB
// estimates a table written in the open transaction at no rows, and so built the hash table of
// every join with one on the wrong side, and never used its perfect hash join on the
// deployments' ord (about a CPU-second of a year's metrics at a million deployments). What a
// transaction gave besides, that no write lands between the steps, the writing lock gives: an
// analysis holds it for reading, and no other process can write a file this one has open.
type analysis struct {
	conn     *sql.Conn
	query    Query
	bench    Benchmark
	logger   *slog.Logger
	computed []commitRange // the ranges shipByGraph computed
}

// analyse prepares an analysis of q and hands it to fn; no write runs until fn returns.
func (db *DB) analyse(ctx context.Context, q Query, fn func(*analysis) error) error {
	db.writing.RLock()
	defer db.writing.RUnlock()
	return db.prepare(ctx, q, preparation{}, fn)
}

// A preparation says how far to prepare an analysis, and from what.
type preparation struct {
	through string // the last file of sql/prepare to run; all when empty
	derive  bool   // derive everything, reading nothing Index stored
}

// prepare runs the files of sql/prepare in order, as p says, and hands the analysis to fn. The
// caller holds db.writing.
func (db *DB) prepare(ctx context.Context, q Query, p preparation, fn func(*analysis) error) (err error) {
	defer func() { err = db.memoryHint(err) }()
	q.Definitions = q.Definitions.WithDefaults()
	if err := q.Validate(); err != nil {
		return err
	}
	q.Since, q.Until = q.Since.UTC(), q.Until.UTC()
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return err
	}
	a := &analysis{conn: conn, query: q, logger: db.Logger}
	defer a.close(ctx)
	a.bench, _ = LookupBenchmark(q.Definitions.Benchmarks)
	if err := a.setVariables(ctx); err != nil {
		return err
	}
	files, err := fs.Glob(sqlFiles, "sql/prepare/*.sql")
	if err != nil {
		return err
	}
	read := map[string]bool{} // the steps whose tables are read from the index
	if !p.derive {
		// The incidents' index is read only with the shipments' it was derived from.
		for _, idx := range []*storedIndex{&shipmentsIndex, &incidentsIndex} {
			stored, err := a.readIndex(ctx, idx)
			if err != nil {
				return err
			}
			if !stored {
				break
			}
			for step := range idx.steps {
				read[step] = true
			}
		}
	}
	for _, f := range files {
		name := path.Base(f)
		switch {
		case read[name]:
			a.logger.Debug("prepared", "step", name, "from", "index")
		case name == "04_shipped.sql":
			if err := a.execFile(ctx, f); err != nil {
				return err
			}
			if err := a.shipByGraph(ctx); err != nil {
				return fmt.Errorf("ship by commit graph: %w", err)
			}
		default:
			if err := a.execFile(ctx, f); err != nil {
				return err
			}
		}
		if name == p.through {
			break
		}
	}
	return fn(a)
}

// indexed reports whether DB.Index stored the tables of idx for the definitions of this analysis.
func (a *analysis) indexed(ctx context.Context, idx *storedIndex) (bool, error) {
	var stored bool
	err := a.conn.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*) > 0 FROM %s WHERE (%s) = (%s)`,
		idx.keyTable, idx.keyColumns, idx.key)).Scan(&stored)
	return stored, err
}

// readIndex makes the tables of idx read those DB.Index stored, when it stored them for the
// definitions of this analysis, and reports whether it did.
func (a *analysis) readIndex(ctx context.Context, idx *storedIndex) (bool, error) {
	stored, err := a.indexed(ctx, idx)
	if err != nil || !stored {
		return false, err
	}
	for _, t := range idx.tables {
		if _, err := a.conn.ExecContext(ctx, fmt.Sprintf(`CREATE OR REPLACE TEMP VIEW %s AS SELECT * FROM index_%s`, t, t)); err != nil {
			return false, err
		}
	}
	return true, nil
}

// close drops the temporary tables and views of the analysis, which would otherwise outlive it
// on the pooled connection, and releases the connection; one it could not clean up is closed.
func (a *analysis) close(ctx context.Context) {
	if err := a.dropTemporary(context.WithoutCancel(ctx)); err != nil {
		a.logger.Debug("closing a connection left unclean", "error", err)
		a.conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	a.conn.Close()
}

func (a *analysis) dropTemporary(ctx context.Context) error {
	rows, err := a.conn.QueryContext(ctx, `SELECT 'TABLE', table_name FROM duckdb_tables() WHERE temporary
		UNION ALL SELECT 'VIEW', view_name FROM duckdb_views() WHERE temporary AND NOT internal`)
	if err != nil {
		return err
	}
	var drops []string
	for rows.Next() {
		var kind, name string
		if err := rows.Scan(&kind, &name); err != nil {
			rows.Close()
			return err
		}
		drops = append(drops, fmt.Sprintf("DROP %s temp.%s", kind, name))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, d := range drops {
		if _, err := a.conn.ExecContext(ctx, d); err != nil {
			return err
		}
	}
	return nil
}

// transaction runs fn in a transaction of the analysis's connection, committed when fn returns
// nil and rolled back otherwise.
func (a *analysis) transaction(ctx context.Context, fn func() error) error {
	if _, err := a.conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return err
	}
	// The context may be what was cancelled; the rollback must still run.
	rollback := func() error {
		_, err := a.conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		return err
	}
	if err := fn(); err != nil {
		return errors.Join(err, rollback())
	}
	if _, err := a.conn.ExecContext(ctx, "COMMIT"); err != nil {
		rollback() // DuckDB may have rolled it back already
		return err
	}
	return nil
}

func (a *analysis) execFile(ctx context.Context, name string) error {
	body, err := sqlFiles.ReadFile(name)
	if err != nil {
		return err
	}
	start := time.Now()
	if _, err := a.conn.ExecContext(ctx, string(body)); err != nil {
		return fmt.Errorf("%s: %w", path.Base(name), err)
	}
	a.logger.Debug("prepared", "step", path.Base(name), "took", time.Since(start))
	return nil
}

// setVariables passes the query and its definitions to the SQL files as DuckDB variables.
func (a *analysis) setVariables(ctx context.Context) error {
	d := a.query.Definitions
	prodEnvs, err := a.productionEnvironments(ctx)
	if err != nil {
		return err
	}
	lower := func(xs []string) []string {
		out := make([]string, len(xs))
		for i, x := range xs {
			out[i] = strings.ToLower(x)
		}
		return out
	}
	vars := append(a.groupingVariables(), []variable{
		{"since", sqlTime(a.query.Since)},
		{"until", sqlTime(a.query.Until)},
		{"tz", sqlString(d.Timezone)},
		{"incident_window_seconds", fmt.Sprintf("%d", int64(d.IncidentWindow/time.Second))},
		{"lead_time_start", sqlString(string(d.LeadTimeStart))},
		{"prod_envs", sqlList(prodEnvs)},
		{"remediation_labels", sqlList(lower(d.RemediationLabels))},
		{"remediation_prefixes", sqlList(lower(d.RemediationTitlePrefixes))},
		{"histogram_bounds", sqlFloats(histogram.bounds)},
	}...)
	return a.set(ctx, vars)
}

// A variable is a DuckDB variable and its value as an SQL literal.
type variable struct{ name, value string }

// groupingVariables are the variables of the query's grouping and series interval.
func (a *analysis) groupingVariables() []variable {
	return []variable{
		{"group_by", sqlString(string(a.query.By))},
		{"series_interval", sqlString(string(a.query.Interval))},
	}
}

func (a *analysis) set(ctx context.Context, vars []variable) error {
	for _, v := range vars {
		if _, err := a.conn.ExecContext(ctx, fmt.Sprintf("SET VARIABLE %s = %s", v.name, v.value)); err != nil {
			return fmt.Errorf("set %s: %w", v.name, err)
		}
	}
	return nil
}

// groupingSteps are the files of sql/prepare whose tables depend on the grouping or the series
// interval of the query. The others derive the same tables for any grouping of the same window.
var groupingSteps = []string{"01_calendar.sql", "03_prod.sql", "09_groups.sql"}

// regroup makes the analysis answer for the grouping by and the series interval, running again
// only groupingSteps: a report reads several groupings of one window, and the steps in between
// (attribution and failures among them) would otherwise run for each.
func (a *analysis) regroup(ctx context.Context, by Dimension, interval Interval) error {
	if by == a.query.By && interval == a.query.Interval {
		return nil
	}
	a.query.By, a.query.Interval = by, interval
	if err := a.set(ctx, a.groupingVariables()); err != nil {
		return err
	}
	for _, name := range groupingSteps {
		if err := a.execFile(ctx, path.Join("sql/prepare", name)); err != nil {
			return err
		}
	}
	return nil
}

// productionEnvironments classifies the stored environment names with the definitions' globs,
// in Go, so that the SQL and Definitions.IsProduction can never disagree.
func (a *analysis) productionEnvironments(ctx context.Context) ([]string, error) {
	rows, err := a.conn.QueryContext(ctx, `SELECT environment FROM deployments UNION SELECT environment FROM incidents WHERE environment IS NOT NULL`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	prod := []string{}
	for rows.Next() {
		var env string
		if err := rows.Scan(&env); err != nil {
			return nil, err
		}
		if a.query.Definitions.IsProduction(env) {
			prod = append(prod, env)
		}
	}
	return prod, rows.Err()
}

func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func sqlTime(t time.Time) string {
	return "TIMESTAMPTZ " + sqlString(t.UTC().Format("2006-01-02 15:04:05.999999Z07:00"))
}

func sqlFloats(xs []float64) string {
	b, _ := json.Marshal(xs)
	return sqlString(string(b)) + "::JSON::DOUBLE[]"
}

func sqlList(xs []string) string {
	b, _ := json.Marshal(xs) // never fails for strings
	return sqlString(string(b)) + "::JSON::VARCHAR[]"
}
