// Package stored reads back, through db.SQL and read-only, the records a collector stored on an
// earlier run, so that a run can tell what changed and which commit ranges it already holds.
package stored

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/dorareport/dorareport/dora"
)

// Deployments returns the stored deployments of repo whose source matches one of sources (SQL
// LIKE patterns: "github" is that source alone, "gitlab:%" every "gitlab:…" source), by id. A
// deployment whose range is unknown has nil Commits, one that shipped nothing an empty list.
func Deployments(ctx context.Context, db *dora.DB, repo string, sources ...string) (map[string]dora.Deployment, error) {
	if len(sources) == 0 {
		return nil, fmt.Errorf("read stored deployments of %s: no source named", repo)
	}
	args := []any{repo}
	match := make([]string, len(sources))
	for i, s := range sources {
		match[i] = "source LIKE ?"
		args = append(args, s)
	}
	rows, err := db.SQL().QueryContext(ctx, `SELECT id, environment, coalesce(tier, ''), status, sha, started_at, finished_at,
		CASE WHEN commits IS NULL THEN NULL ELSE to_json(commits)::VARCHAR END, coalesce(url, ''), source
		FROM deployments WHERE repo = ? AND (`+strings.Join(match, " OR ")+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("read stored deployments of %s: %w", repo, err)
	}
	defer rows.Close()
	out := map[string]dora.Deployment{}
	for rows.Next() {
		d := dora.Deployment{Repo: repo}
		var started, finished sql.NullTime
		var commits sql.NullString
		var status string
		if err := rows.Scan(&d.ID, &d.Environment, &d.Tier, &status, &d.SHA, &started, &finished, &commits, &d.URL, &d.Source); err != nil {
			return nil, fmt.Errorf("read stored deployments of %s: %w", repo, err)
		}
		d.Status = dora.Status(status)
		d.StartedAt, d.FinishedAt = utc(started), utc(finished)
		if commits.Valid {
			d.Commits = []string{}
			if err := json.Unmarshal([]byte(commits.String), &d.Commits); err != nil {
				return nil, fmt.Errorf("read stored deployments of %s: %w", repo, err)
			}
		}
		out[d.ID] = d
	}
	return out, rows.Err()
}

func utc(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}
