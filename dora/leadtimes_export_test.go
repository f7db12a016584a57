package dora

import "context"

// SaveLeadTimes stores as the table name the lead-time values the metrics of q aggregate: the
// group, period and lead time in seconds of each change.
func (db *DB) SaveLeadTimes(ctx context.Context, q Query, name string) error {
	return db.analyse(ctx, q, func(a *analysis) error {
		_, err := a.conn.ExecContext(ctx, `CREATE OR REPLACE TABLE `+name+` AS
			SELECT grp, period, lead_seconds FROM changes WHERE has_record AND NOT merge_commit`)
		if err != nil {
			return err
		}
		return a.commit(ctx)
	})
}
