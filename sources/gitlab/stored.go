package gitlab

import (
	"context"
	"fmt"
	"time"

	"github.com/dorareport/dorareport/dora"
)

// The collector reads back what it stored earlier (read-only, through db.SQL) to order the
// successful deployments of each environment, to tell which deployments changed, and to keep
// the first commit times of merge requests it already asked for. The deployments are read by
// sources/internal/stored.

// storedFirstCommits returns the first commit times of repo's merge requests that have one, by
// iid.
func storedFirstCommits(ctx context.Context, db *dora.DB, repo string) (map[int64]time.Time, error) {
	rows, err := db.SQL().QueryContext(ctx, `SELECT number, first_commit_at FROM pull_requests WHERE repo = ? AND first_commit_at IS NOT NULL`, repo)
	if err != nil {
		return nil, fmt.Errorf("gitlab: read stored merge requests of %s: %w", repo, err)
	}
	defer rows.Close()
	out := map[int64]time.Time{}
	for rows.Next() {
		var iid int64
		var first time.Time
		if err := rows.Scan(&iid, &first); err != nil {
			return nil, fmt.Errorf("gitlab: read stored merge requests of %s: %w", repo, err)
		}
		out[iid] = first.UTC()
	}
	return out, rows.Err()
}

// storedMergeSHAs returns the merge (or squash) commit of each of repo's merged merge requests,
// to link shipped commits to the merge request that merged them.
func storedMergeSHAs(ctx context.Context, db *dora.DB, repo string) (map[string]int64, error) {
	rows, err := db.SQL().QueryContext(ctx, `SELECT merge_sha, number FROM pull_requests WHERE repo = ? AND merge_sha IS NOT NULL`, repo)
	if err != nil {
		return nil, fmt.Errorf("gitlab: read stored merge requests of %s: %w", repo, err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var sha string
		var iid int64
		if err := rows.Scan(&sha, &iid); err != nil {
			return nil, fmt.Errorf("gitlab: read stored merge requests of %s: %w", repo, err)
		}
		out[sha] = iid
	}
	return out, rows.Err()
}
