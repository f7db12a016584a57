package dora

import "context"

// TableEstimates prepares an analysis of q and returns, for each of its temporary tables, the
// rows DuckDB's planner estimates it at and the rows it holds, for the tests of package dora_test.
func (db *DB) TableEstimates(ctx context.Context, q Query) (map[string][2]int64, error) {
	tables := map[string][2]int64{}
	err := db.analyse(ctx, q, func(a *analysis) error {
		estimates := map[string]int64{}
		err := a.eachRowQuery(ctx, `SELECT table_name, estimated_size FROM duckdb_tables() WHERE temporary`, func(scan func(...any) error) error {
			var name string
			var estimate int64
			err := scan(&name, &estimate)
			estimates[name] = estimate
			return err
		})
		if err != nil {
			return err
		}
		for name, estimate := range estimates {
			var rows int64
			if err := a.conn.QueryRowContext(ctx, `SELECT count(*) FROM temp.`+name).Scan(&rows); err != nil {
				return err
			}
			tables[name] = [2]int64{estimate, rows}
		}
		return nil
	})
	return tables, err
}

// MetricsAfter prepares an analysis of q, calls during, and then computes the metrics of q from
// that analysis, for the tests of package dora_test.
func (db *DB) MetricsAfter(ctx context.Context, q Query, during func() error) (*Metrics, error) {
	var m *Metrics
	err := db.analyse(ctx, q, func(a *analysis) error {
		if err := during(); err != nil {
			return err
		}
		var err error
		m, err = a.metrics(ctx)
		return err
	})
	return m, err
}
