package dora

import "context"

// SaveLeadTimes stores as the table name the lead-time values the metrics of q aggregate: the
// group (its name, and its key: the number the metrics group by), period and lead time in
// seconds of each change.
func (db *DB) SaveLeadTimes(ctx context.Context, q Query, name string) error {
	return db.analyse(ctx, q, func(a *analysis) error {
		_, err := a.conn.ExecContext(ctx, `CREATE OR REPLACE TABLE `+name+` AS
			SELECT k.name AS grp, c.grp AS key, c.period, c.lead_seconds
			FROM changes c JOIN group_keys k ON k.grp = c.grp
			WHERE c.has_record AND NOT c.merge_commit`)
		return err
	})
}
