package dora

import (
	"context"
	"database/sql"
	"fmt"
	"path"
	"time"
)

// histogram is the fixed human scale of Details.LeadTimeHistogram: the upper bounds in seconds
// and the label of each bucket (one more label than bounds, for the open last bucket).
var histogram = struct {
	bounds []float64
	labels []string
}{
	bounds: []float64{hour, 4 * hour, day, 3 * day, 7 * day, 14 * day, 30 * day},
	labels: []string{"< 1 h", "1–4 h", "4 h–1 d", "1–3 d", "3–7 d", "1–2 wk", "2–4 wk", "≥ 30 d"},
}

// Details returns the records behind the metrics of q's window, across all groups: failed
// deployments, the slowest changes, incidents with their attribution, the lead-time
// distribution, the pull-request stages and the deploy days.
func (db *DB) Details(ctx context.Context, q Query) (*Details, error) {
	q.By, q.Interval = "", ""
	d := &Details{}
	err := db.analyse(ctx, q, func(a *analysis) error {
		for _, step := range []func(context.Context, *Details) error{
			a.failedDeployments, a.slowestChanges, a.incidents, a.leadTimeHistogram, a.stages, a.deployDays,
		} {
			if err := step(ctx, d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("compute details: %w", err)
	}
	return d, nil
}

// details runs the query of sql/details/file, calling fn for each row.
func (a *analysis) details(ctx context.Context, file string, fn func(scan func(...any) error) error) error {
	body, err := sqlFiles.ReadFile(path.Join("sql/details", file))
	if err != nil {
		return err
	}
	start := time.Now()
	if err := a.eachRowQuery(ctx, string(body), fn); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	a.logger.Debug("queried", "file", file, "took", time.Since(start))
	return nil
}

func (a *analysis) failedDeployments(ctx context.Context, d *Details) error {
	d.FailedDeployments = []FailedDeployment{}
	return a.details(ctx, "failed_deployments.sql", func(scan func(...any) error) error {
		var f FailedDeployment
		var url, remediatedBy sql.NullString
		var reasons, incidents stringList
		var restored sql.NullTime
		if err := scan(&f.ID, &f.Service, &f.Environment, &f.SHA, &url, &f.FinishedAt, &reasons, &incidents,
			&remediatedBy, &restored, &f.Recovery); err != nil {
			return err
		}
		f.URL, f.RemediatedBy = url.String, remediatedBy.String
		f.Reasons, f.Incidents = reasons, incidents
		f.FinishedAt = f.FinishedAt.UTC()
		f.RestoredAt = timePtr(restored)
		d.FailedDeployments = append(d.FailedDeployments, f)
		return nil
	})
}

func (a *analysis) slowestChanges(ctx context.Context, d *Details) error {
	d.SlowestChanges = []Change{}
	return a.details(ctx, "slowest_changes.sql", func(scan func(...any) error) error {
		var c Change
		var pr sql.NullInt64
		var title, url sql.NullString
		if err := scan(&c.Service, &c.Repo, &c.SHA, &c.DeploymentID, &c.DeployedAt, &c.StartedAt, &c.LeadTime, &pr, &title, &url); err != nil {
			return err
		}
		c.DeployedAt, c.StartedAt = c.DeployedAt.UTC(), c.StartedAt.UTC()
		c.PullRequest, c.Title, c.URL = pr.Int64, title.String, url.String
		d.SlowestChanges = append(d.SlowestChanges, c)
		return nil
	})
}

func (a *analysis) incidents(ctx context.Context, d *Details) error {
	d.Incidents = []IncidentDetail{}
	return a.details(ctx, "incidents.sql", func(scan func(...any) error) error {
		var i IncidentDetail
		var title, severity, url, deployment, how sql.NullString
		var resolved sql.NullTime
		if err := scan(&i.ID, &i.Service, &title, &severity, &url, &i.StartedAt, &resolved, &deployment, &how); err != nil {
			return err
		}
		i.Title, i.Severity, i.URL, i.DeploymentID, i.Attribution = title.String, severity.String, url.String, deployment.String, how.String
		i.StartedAt = i.StartedAt.UTC()
		i.ResolvedAt = timePtr(resolved)
		d.Incidents = append(d.Incidents, i)
		return nil
	})
}

func (a *analysis) leadTimeHistogram(ctx context.Context, d *Details) error {
	d.LeadTimeHistogram = make([]Bucket, len(histogram.labels))
	for i, label := range histogram.labels {
		d.LeadTimeHistogram[i].Label = label
		if i < len(histogram.bounds) {
			d.LeadTimeHistogram[i].UpperSeconds = &histogram.bounds[i]
		}
	}
	return a.details(ctx, "lead_time_histogram.sql", func(scan func(...any) error) error {
		var bucket, n int
		if err := scan(&bucket, &n); err != nil {
			return err
		}
		d.LeadTimeHistogram[bucket].Count = n
		return nil
	})
}

func (a *analysis) stages(ctx context.Context, d *Details) error {
	s := &d.Stages
	return a.details(ctx, "stages.sql", func(scan func(...any) error) error {
		return scan(&s.Coding.N, &s.Coding.Median, &s.Coding.P75, &s.Coding.P90,
			&s.Review.N, &s.Review.Median, &s.Review.P75, &s.Review.P90,
			&s.Deploy.N, &s.Deploy.Median, &s.Deploy.P75, &s.Deploy.P90)
	})
}

func (a *analysis) deployDays(ctx context.Context, d *Details) error {
	d.DeployDays = []DayCount{}
	return a.details(ctx, "deploy_days.sql", func(scan func(...any) error) error {
		var c DayCount
		if err := scan(&c.Day, &c.Deployments); err != nil {
			return err
		}
		d.DeployDays = append(d.DeployDays, c)
		return nil
	})
}

// stringList scans a DuckDB VARCHAR[] (NULL: empty).
type stringList []string

func (l *stringList) Scan(src any) error {
	items, ok := src.([]any)
	if src != nil && !ok {
		return fmt.Errorf("want a list, got %T", src)
	}
	*l = make([]string, 0, len(items))
	for _, it := range items {
		s, _ := it.(string)
		*l = append(*l, s)
	}
	return nil
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}
