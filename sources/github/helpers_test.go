package github_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
)

func rows(t testing.TB, db *dora.DB, query string, scan func(*sql.Rows) error) {
	t.Helper()
	rs, err := db.SQL().QueryContext(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	for rs.Next() {
		if err := scan(rs); err != nil {
			t.Fatal(err)
		}
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
}

func strs(raw sql.NullString) []string {
	if !raw.Valid {
		return nil
	}
	out := []string{}
	json.Unmarshal([]byte(raw.String), &out)
	return out
}

func tm(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

func deployments(t testing.TB, db *dora.DB) map[string]dora.Deployment {
	out := map[string]dora.Deployment{}
	rows(t, db, `SELECT id, environment, status, sha, finished_at, to_json(commits)::VARCHAR FROM deployments`, func(r *sql.Rows) error {
		var d dora.Deployment
		var fin sql.NullTime
		var commits sql.NullString
		if err := r.Scan(&d.ID, &d.Environment, &d.Status, &d.SHA, &fin, &commits); err != nil {
			return err
		}
		d.FinishedAt, d.Commits = tm(fin), strs(commits)
		out[d.ID] = d
		return nil
	})
	return out
}

func commits(t testing.TB, db *dora.DB) map[string]dora.Commit {
	out := map[string]dora.Commit{}
	rows(t, db, `SELECT sha, to_json(parents)::VARCHAR, authored_at, committed_at, coalesce(pull_request, 0) FROM commits`, func(r *sql.Rows) error {
		var c dora.Commit
		var parents sql.NullString
		var committed sql.NullTime
		if err := r.Scan(&c.SHA, &parents, &c.AuthoredAt, &committed, &c.PullRequest); err != nil {
			return err
		}
		c.Parents, c.CommittedAt, c.AuthoredAt = strs(parents), tm(committed), c.AuthoredAt.UTC()
		out[c.SHA] = c
		return nil
	})
	return out
}

func pulls(t testing.TB, db *dora.DB) map[int64]dora.PullRequest {
	out := map[int64]dora.PullRequest{}
	rows(t, db, `SELECT number, merge_sha, first_commit_at, to_json(labels)::VARCHAR FROM pull_requests`, func(r *sql.Rows) error {
		var p dora.PullRequest
		var first sql.NullTime
		var labels sql.NullString
		if err := r.Scan(&p.Number, &p.MergeSHA, &first, &labels); err != nil {
			return err
		}
		p.FirstCommitAt, p.Labels = tm(first), strs(labels)
		out[p.Number] = p
		return nil
	})
	return out
}

func incidents(t testing.TB, db *dora.DB) map[string]dora.Incident {
	out := map[string]dora.Incident{}
	rows(t, db, `SELECT id, coalesce(service, ''), coalesce(severity, ''), started_at, resolved_at, coalesce(caused_by, '') FROM incidents`, func(r *sql.Rows) error {
		var i dora.Incident
		var resolved sql.NullTime
		if err := r.Scan(&i.ID, &i.Service, &i.Severity, &i.StartedAt, &resolved, &i.CausedBy); err != nil {
			return err
		}
		i.StartedAt, i.ResolvedAt = i.StartedAt.UTC(), tm(resolved)
		out[i.ID] = i
		return nil
	})
	return out
}

func keys[K comparable, V any](m map[K]V) []K { return slices.Collect(maps.Keys(m)) }

// dumpDB renders every stored row (sync state without its write time) as sorted text, to compare
// two warehouses or search one.
func dumpDB(t testing.TB, db *dora.DB) string {
	var lines []string
	for _, q := range []string{
		`SELECT 'deployment ' || to_json(t)::VARCHAR FROM deployments t`,
		`SELECT 'commit ' || to_json(t)::VARCHAR FROM commits t`,
		`SELECT 'pull ' || to_json(t)::VARCHAR FROM pull_requests t`,
		`SELECT 'incident ' || to_json(t)::VARCHAR FROM incidents t`,
		`SELECT 'state ' || source || ' ' || key || ' ' || value FROM sync_state`,
	} {
		rows(t, db, q, func(r *sql.Rows) error {
			var s string
			err := r.Scan(&s)
			lines = append(lines, s)
			return err
		})
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}
