package github

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/dorareport/dorareport/dora"
)

// The collector reads back what it stored earlier (read-only, through db.SQL) to find the
// previous successful deployment of an environment, to tell which compare ranges it already
// holds, and to keep what it learnt about pull requests when GitHub lists them again. The
// deployments are read by sources/internal/stored.

// storedPulls returns the merged pull requests of repo, by merge sha.
func storedPulls(ctx context.Context, db *dora.DB, repo string) (map[string]dora.PullRequest, error) {
	rows, err := db.SQL().QueryContext(ctx, `SELECT number, coalesce(title, ''), to_json(coalesce(labels, []))::VARCHAR,
		created_at, merged_at, merge_sha, first_commit_at, coalesce(url, '')
		FROM pull_requests WHERE repo = ? AND merge_sha IS NOT NULL`, repo)
	if err != nil {
		return nil, fmt.Errorf("read stored pull requests of %s: %w", repo, err)
	}
	defer rows.Close()
	out := map[string]dora.PullRequest{}
	for rows.Next() {
		p := dora.PullRequest{Repo: repo}
		var labels string
		var created, merged, first sql.NullTime
		if err := rows.Scan(&p.Number, &p.Title, &labels, &created, &merged, &p.MergeSHA, &first, &p.URL); err != nil {
			return nil, fmt.Errorf("read stored pull requests of %s: %w", repo, err)
		}
		if err := json.Unmarshal([]byte(labels), &p.Labels); err != nil {
			return nil, fmt.Errorf("read stored pull requests of %s: %w", repo, err)
		}
		if len(p.Labels) == 0 {
			p.Labels = nil
		}
		p.CreatedAt, p.MergedAt, p.FirstCommitAt = utc(created), utc(merged), utc(first)
		out[p.MergeSHA] = p
	}
	return out, rows.Err()
}

func utc(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}
