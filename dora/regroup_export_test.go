package dora

import "context"

// MetricsRegrouped computes the metrics of q under each grouping and series interval of steps in
// turn, from one analysis of q's window, for the tests of package dora_test.
func (db *DB) MetricsRegrouped(ctx context.Context, q Query, steps []Query) ([]*Metrics, error) {
	var out []*Metrics
	err := db.analyse(ctx, q, func(a *analysis) error {
		for _, s := range steps {
			if err := a.regroup(ctx, s.By, s.Interval); err != nil {
				return err
			}
			m, err := a.metrics(ctx)
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	return out, err
}
