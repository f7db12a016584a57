package dora

import (
	"context"
	"database/sql"
	"fmt"
	"path"
	"time"
)

// Metrics computes the metrics of q: overall, per group when q.By is set and per period when
// q.Interval is set. Every number follows the definitions of METRICS.md with q.Definitions.
func (db *DB) Metrics(ctx context.Context, q Query) (*Metrics, error) {
	var m *Metrics
	err := db.analyse(ctx, q, func(a *analysis) error {
		var err error
		m, err = a.metrics(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("compute metrics: %w", err)
	}
	return m, nil
}

// The scopes of a row, as DuckDB's GROUPING(grp, period) numbers the grouping sets.
const (
	scopeSeries  = 0 // (grp, period)
	scopeGroup   = 1 // (grp)
	scopeOverall = 3 // ()
)

// A scopeKey names a row of the metric queries; period is the Unix time of the period's first
// day (as DuckDB returns a DATE: midnight UTC), 0 outside series.
type scopeKey struct {
	scope  int
	key    string
	period int64
}

// metricReaders map each SQL file of sql/metrics to the columns it returns after the scope.
var metricReaders = []struct {
	file string
	read func(v *Values) []any
}{
	{"deployment_frequency.sql", func(v *Values) []any {
		return []any{&v.DeploymentFrequency.Deployments, &v.DeploymentFrequency.DeployDays}
	}},
	{"deploy_days_per_week.sql", func(v *Values) []any {
		return []any{nullFloat{&v.DeploymentFrequency.MedianDeployDaysPerWeek}, &v.DeploymentFrequency.Weeks}
	}},
	{"lead_time.sql", func(v *Values) []any {
		l := &v.LeadTime
		return []any{&l.N, &l.Median, &l.P75, &l.P90, &l.Mean}
	}},
	{"change_failure_rate.sql", func(v *Values) []any {
		return []any{&v.ChangeFailureRate.Deployments, &v.ChangeFailureRate.Failed}
	}},
	{"recovery_time.sql", func(v *Values) []any {
		r := &v.RecoveryTime
		return []any{&r.N, &r.Open, &r.Median, &r.P75, &r.P90}
	}},
	{"rework_rate.sql", func(v *Values) []any {
		return []any{&v.ReworkRate.Deployments, &v.ReworkRate.Rework}
	}},
	{"time_to_restore.sql", func(v *Values) []any {
		t := &v.TimeToRestore
		return []any{&t.N, &t.Open, &t.Median, &t.P75, &t.P90}
	}},
	{"data_quality.sql", func(v *Values) []any {
		d := &v.DataQuality
		return []any{&d.DeploymentsWithoutCommits, &d.NegativeLeadTimes, &d.UnattributedIncidents, &d.UnresolvedIncidents,
			&d.FailedAttempts, &d.NonProductionDeployments, &d.ChangesWithoutCommitRecord, &d.ChangesWithoutPullRequest, &d.BrokenCausedBy}
	}},
}

func (a *analysis) metrics(ctx context.Context) (*Metrics, error) {
	values := map[scopeKey]*Values{}
	at := func(k scopeKey) *Values {
		if values[k] == nil {
			values[k] = &Values{}
		}
		return values[k]
	}
	for _, r := range metricReaders {
		// One row's columns, scanned into the same variables for every row: at a million
		// deployments each file returns some 200k rows.
		var k scopeKey
		var grp sql.NullString
		var period sql.NullTime
		var v Values
		fields := r.read(&v)
		columns := append([]any{&k.scope, &grp, &period}, fields...)
		err := a.eachRow(ctx, path.Join("sql/metrics", r.file), func(scan func(...any) error) error {
			if err := scan(columns...); err != nil {
				return err
			}
			k.key, k.period = grp.String, 0
			if period.Valid {
				k.period = period.Time.Unix()
			}
			// Each file fills its own fields only: copy them over the accumulated values.
			copyFields(r.read(at(k)), fields)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}

	keys, err := a.strings(ctx, `SELECT grp FROM group_keys ORDER BY grp`)
	if err != nil {
		return nil, err
	}
	periods, err := a.periods(ctx)
	if err != nil {
		return nil, err
	}

	q := a.query
	windowDays := q.Until.Sub(q.Since).Hours() / 24
	m := &Metrics{Since: q.Since, Until: q.Until, Benchmarks: q.Definitions.Benchmarks, Definitions: q.Definitions}
	m.Overall = a.finish(*at(scopeKey{scope: scopeOverall}), windowDays)
	// The slices are made to size: by service and week at a million deployments the series has
	// some 200k points, and growing it by appending took two seconds.
	if q.By != "" {
		m.Groups = make([]Group, len(keys))
		for i, key := range keys {
			m.Groups[i] = Group{By: q.By, Key: key, Values: a.finish(*at(scopeKey{scopeGroup, key, 0}), windowDays)}
		}
	}
	if q.Interval != "" {
		m.Series = make([]Point, 0, len(keys)*len(periods))
		for _, key := range keys {
			for _, p := range periods {
				v := a.finish(*at(scopeKey{scopeSeries, key, p.key}), p.days)
				m.Series = append(m.Series, Point{Key: key, Period: p.start, Values: v})
			}
		}
	}
	return m, nil
}

// copyFields copies each field from points to into the field to points to at the same index.
func copyFields(to, from []any) {
	for i := range to {
		switch t := to[i].(type) {
		case *int:
			*t = *from[i].(*int)
		case **float64:
			*t = *from[i].(**float64)
		case nullFloat:
			*t.f = *from[i].(nullFloat).f
		}
	}
}

// finish derives the rates and levels of v, for a scope of the given length in days.
func (a *analysis) finish(v Values, days float64) Values {
	minSample := a.query.Definitions.MinSample
	b := a.bench

	df := &v.DeploymentFrequency
	if days > 0 {
		df.PerDay = float64(df.Deployments) / days
		df.PerWeek = df.PerDay * 7
	}
	df.Level = level(df.Weeks, minSample, b.DeployDaysPerWeek, &df.MedianDeployDaysPerWeek)
	v.LeadTime.Level = level(v.LeadTime.N, minSample, b.LeadTime, v.LeadTime.Median)

	cfr := &v.ChangeFailureRate
	cfr.Rate = ratio(cfr.Failed, cfr.Deployments)
	cfr.Level = level(cfr.Deployments, minSample, b.ChangeFailureRate, cfr.Rate)
	v.RecoveryTime.Level = level(v.RecoveryTime.N, minSample, b.RecoveryTime, v.RecoveryTime.Median)
	v.ReworkRate.Rate = ratio(v.ReworkRate.Rework, v.ReworkRate.Deployments)
	return v
}

// level classifies value on ladder, or says the sample is too small to.
func level(n, minSample int, ladder Ladder, value *float64) Level {
	if n < minSample || value == nil || n == 0 {
		return LevelInsufficient
	}
	return ladder.Classify(*value)
}

func ratio(num, den int) *float64 {
	if den == 0 {
		return nil
	}
	r := float64(num) / float64(den)
	return &r
}

type period struct {
	start string // YYYY-MM-DD
	key   int64  // as in scopeKey
	days  float64
}

func (a *analysis) periods(ctx context.Context) ([]period, error) {
	var ps []period
	err := a.eachRowQuery(ctx, `SELECT period, days FROM periods ORDER BY period`, func(scan func(...any) error) error {
		var t time.Time
		var p period
		if err := scan(&t, &p.days); err != nil {
			return err
		}
		p.start, p.key = t.Format(time.DateOnly), t.Unix()
		ps = append(ps, p)
		return nil
	})
	return ps, err
}

func (a *analysis) strings(ctx context.Context, query string) ([]string, error) {
	var out []string
	err := a.eachRowQuery(ctx, query, func(scan func(...any) error) error {
		var s string
		if err := scan(&s); err != nil {
			return err
		}
		out = append(out, s)
		return nil
	})
	return out, err
}

func (a *analysis) eachRow(ctx context.Context, file string, fn func(scan func(...any) error) error) error {
	body, err := sqlFiles.ReadFile(file)
	if err != nil {
		return err
	}
	start := time.Now()
	if err := a.eachRowQuery(ctx, string(body), fn); err != nil {
		return fmt.Errorf("%s: %w", path.Base(file), err)
	}
	a.logger.Debug("queried", "file", path.Base(file), "took", time.Since(start))
	return nil
}

func (a *analysis) eachRowQuery(ctx context.Context, query string, fn func(scan func(...any) error) error) error {
	rows, err := a.conn.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// nullFloat scans a nullable DOUBLE into a float64, leaving it 0 for NULL.
type nullFloat struct{ f *float64 }

func (n nullFloat) Scan(src any) error {
	var f sql.NullFloat64
	if err := f.Scan(src); err != nil {
		return err
	}
	*n.f = f.Float64
	return nil
}
