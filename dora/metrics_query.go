package dora

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"path"
	"strings"
	"sync"
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

// metricReaders map each SQL file of sql/metrics to the fields of Values its columns fill, in
// order, after the scope and slot of the row; f holds the durations. A metric without a row for
// a scope leaves its fields zero.
var metricReaders = []struct {
	file string
	read func(v *Values, f *floats) []sql.Scanner
}{
	{"deployment_frequency.sql", func(v *Values, f *floats) []sql.Scanner {
		return []sql.Scanner{orZero(&v.DeploymentFrequency.Deployments), orZero(&v.DeploymentFrequency.DeployDays)}
	}},
	{"deploy_days_per_week.sql", func(v *Values, f *floats) []sql.Scanner {
		return []sql.Scanner{orZero(&v.DeploymentFrequency.MedianDeployDaysPerWeek), orZero(&v.DeploymentFrequency.Weeks)}
	}},
	{"lead_time.sql", func(v *Values, f *floats) []sql.Scanner {
		l := &v.LeadTime
		return []sql.Scanner{orZero(&l.N), orNil(&l.Median, f), orNil(&l.P75, f), orNil(&l.P90, f), orNil(&l.Mean, f)}
	}},
	{"change_failure_rate.sql", func(v *Values, f *floats) []sql.Scanner {
		return []sql.Scanner{orZero(&v.ChangeFailureRate.Deployments), orZero(&v.ChangeFailureRate.Failed)}
	}},
	{"recovery_time.sql", func(v *Values, f *floats) []sql.Scanner {
		r := &v.RecoveryTime
		return []sql.Scanner{orZero(&r.N), orZero(&r.Open), orNil(&r.Median, f), orNil(&r.P75, f), orNil(&r.P90, f)}
	}},
	{"rework_rate.sql", func(v *Values, f *floats) []sql.Scanner {
		return []sql.Scanner{orZero(&v.ReworkRate.Deployments), orZero(&v.ReworkRate.Rework)}
	}},
	{"time_to_restore.sql", func(v *Values, f *floats) []sql.Scanner {
		t := &v.TimeToRestore
		return []sql.Scanner{orZero(&t.N), orZero(&t.Open), orNil(&t.Median, f), orNil(&t.P75, f), orNil(&t.P90, f)}
	}},
	{"data_quality.sql", func(v *Values, f *floats) []sql.Scanner {
		d := &v.DataQuality
		return []sql.Scanner{orZero(&d.DeploymentsWithoutCommits), orZero(&d.NegativeLeadTimes), orZero(&d.UnattributedIncidents),
			orZero(&d.UnresolvedIncidents), orZero(&d.FailedAttempts), orZero(&d.NonProductionDeployments),
			orZero(&d.ChangesWithoutCommitRecord), orZero(&d.ChangesWithoutPullRequest), orZero(&d.BrokenCausedBy)}
	}},
}

// metricsQuery joins the rows of every file of metricReaders to the scopes of the query, in one
// result. At a million deployments each file has some 200k rows: the driver converts every value
// through cgo, and the eight results took 2-4 s to read where this one, with each scope once,
// takes about 0.3 s. Each row carries its slot: its index among the groups (ordered by key) or
// the series points (by key, then period), where sorting the rows cost DuckDB a quarter second.
// The names of the groups and periods, and the periods' lengths, are read beforehand
// (scopeNames): a few thousand values, where each row carrying them made some 600k.
var metricsQuery = sync.OnceValues(func() (string, error) {
	var with, columns, joins strings.Builder
	with.WriteString(`WITH scopes AS (
    SELECT 3::BIGINT AS scope, 0::BIGINT AS slot, NULL::UBIGINT AS grp, NULL::DATE AS period
    UNION ALL SELECT 1, place - 1, grp, NULL FROM group_keys
    UNION ALL SELECT 0, (k.place - 1) * (SELECT count(*) FROM periods) + p.place - 1, k.grp, p.period
    FROM group_keys k CROSS JOIN periods p
)`)
	for i, r := range metricReaders {
		body, err := sqlFiles.ReadFile(path.Join("sql/metrics", r.file))
		if err != nil {
			return "", err
		}
		m := fmt.Sprintf("m%d", i)
		fmt.Fprintf(&with, ",\n%s AS (\n-- %s\n%s\n)", m, r.file, strings.TrimSuffix(strings.TrimSpace(string(body)), ";"))
		fmt.Fprintf(&columns, ", %s.* EXCLUDE (scope, grp, period)", m)
		fmt.Fprintf(&joins, "\nLEFT JOIN %[1]s ON %[1]s.scope = s.scope AND %[1]s.grp IS NOT DISTINCT FROM s.grp AND %[1]s.period IS NOT DISTINCT FROM s.period", m)
	}
	return fmt.Sprintf("%s\nSELECT s.scope, s.slot%s\nFROM scopes s%s",
		with.String(), columns.String(), joins.String()), nil
})

// scopeNames are the names of the groups, in the order of their slots, and the first days of
// the periods, with their lengths in days clipped to the window.
type scopeNames struct {
	groups  []string
	periods []string
	days    []float64
}

func (a *analysis) scopeNames(ctx context.Context) (scopeNames, error) {
	var n scopeNames
	err := a.eachRowQuery(ctx, `SELECT name FROM group_keys ORDER BY place`, func(scan func(...any) error) error {
		var name string
		err := scan(&name)
		n.groups = append(n.groups, name)
		return err
	})
	if err != nil {
		return n, err
	}
	err = a.eachRowQuery(ctx, `SELECT period, days FROM periods ORDER BY place`, func(scan func(...any) error) error {
		var period time.Time
		var days float64
		err := scan(&period, &days)
		n.periods = append(n.periods, period.Format(time.DateOnly))
		n.days = append(n.days, days)
		return err
	})
	return n, err
}

func (a *analysis) metrics(ctx context.Context) (*Metrics, error) {
	query, err := metricsQuery()
	if err != nil {
		return nil, err
	}
	q := a.query
	windowDays := q.Until.Sub(q.Since).Hours() / 24
	m := &Metrics{Since: q.Since, Until: q.Until, Benchmarks: q.Definitions.Benchmarks, Definitions: q.Definitions}
	// Each row fills its slot: by service and week at a million deployments the series has some
	// 200k points, and growing it by appending took two seconds.
	names, err := a.scopeNames(ctx)
	if err != nil {
		return nil, err
	}
	periods := len(names.periods)
	if q.By != "" {
		m.Groups = make([]Group, len(names.groups))
	}
	if q.Interval != "" {
		m.Series = make([]Point, len(names.groups)*periods)
	}

	// One row's columns are scanned into the same variables for every row; finish copies them.
	var scope, slot int
	var v Values
	var durations floats
	columns := []sql.Scanner{orZero(&scope), orZero(&slot)}
	for _, r := range metricReaders {
		columns = append(columns, r.read(&v, &durations)...)
	}
	start := time.Now()
	var computed time.Duration // until the first row: what DuckDB took, before reading
	err = a.eachDriverRow(ctx, query, func(row []driver.Value) error {
		if computed == 0 {
			computed = time.Since(start)
		}
		if len(row) != len(columns) {
			return fmt.Errorf("%d columns, want %d", len(row), len(columns))
		}
		for i, c := range columns {
			if err := c.Scan(row[i]); err != nil {
				return fmt.Errorf("column %d: %w", i, err)
			}
		}
		switch {
		case scope == scopeOverall:
			m.Overall = a.finish(v, windowDays)
		case scope == scopeGroup && 0 <= slot && slot < len(m.Groups):
			m.Groups[slot] = Group{By: q.By, Key: names.groups[slot], Values: a.finish(v, windowDays)}
		case scope == scopeSeries && 0 <= slot && slot < len(m.Series):
			p := slot % periods
			m.Series[slot] = Point{Key: names.groups[slot/periods], Period: names.periods[p], Values: a.finish(v, names.days[p])}
		case scope == scopeGroup && q.By == "":
			// without a grouping, the one group is the whole: Overall
		default:
			return fmt.Errorf("a row of scope %d has slot %d, beyond the %d groups and %d points", scope, slot, len(m.Groups), len(m.Series))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sql/metrics: %w", err)
	}
	a.logger.Debug("queried", "metrics", len(metricReaders), "computed", computed, "took", time.Since(start))
	return m, nil
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

// eachDriverRow runs query and calls fn with the values of each row as the driver gives them,
// without database/sql's conversion of each value into its destination: a year's metrics by
// service and week are eight million values, and that conversion was two fifths of reading them.
func (a *analysis) eachDriverRow(ctx context.Context, query string, fn func(row []driver.Value) error) error {
	return a.conn.Raw(func(dc any) error {
		rows, err := dc.(driver.QueryerContext).QueryContext(ctx, query, nil)
		if err != nil {
			return err
		}
		defer rows.Close()
		row := make([]driver.Value, len(rows.Columns()))
		for {
			switch err := rows.Next(row); {
			case err == io.EOF:
				return nil
			case err != nil:
				return err
			}
			if err := fn(row); err != nil {
				return err
			}
		}
	})
}

// zeroIfNull scans a nullable column into a T, leaving it the zero T for NULL.
type zeroIfNull[T any] struct{ to *T }

func orZero[T any](to *T) zeroIfNull[T] { return zeroIfNull[T]{to} }

func (z zeroIfNull[T]) Scan(src any) error {
	// The driver's BIGINT and DOUBLE are most values; sql.Null converts the others by reflection.
	switch to := any(z.to).(type) {
	case *int:
		if v, ok := src.(int64); ok {
			*to = int(v)
			return nil
		}
	case *float64:
		if v, ok := src.(float64); ok {
			*to = v
			return nil
		}
	}
	var n sql.Null[T]
	if err := n.Scan(src); err != nil {
		return err
	}
	*z.to = n.V
	return nil
}

// nilIfNull scans a nullable DOUBLE into a float64 of its own, or nil for NULL.
type nilIfNull struct {
	to   **float64
	from *floats
}

func orNil(to **float64, from *floats) nilIfNull { return nilIfNull{to, from} }

func (n nilIfNull) Scan(src any) error {
	if v, ok := src.(float64); ok {
		*n.to = n.from.new(v)
		return nil
	}
	var f sql.NullFloat64
	if err := f.Scan(src); err != nil {
		return err
	}
	*n.to = nil
	if f.Valid {
		*n.to = n.from.new(f.Float64)
	}
	return nil
}

// floats hands out float64s from shared blocks: a series by service and week at a million
// deployments holds some two million durations, and allocating each on its own cost a tenth of
// reading the metrics, with the collections of the garbage it made.
type floats struct{ free []float64 }

func (f *floats) new(v float64) *float64 {
	if len(f.free) == 0 {
		f.free = make([]float64, 4096)
	}
	p := &f.free[0]
	*p = v
	f.free = f.free[1:]
	return p
}
