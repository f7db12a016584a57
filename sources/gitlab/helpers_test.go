package gitlab_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/gitlab"
	"github.com/dorareport/dorareport/sources/gitlab/gitlabtest"
)

const token = "glpat-0123456789TESTTOKEN"

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func openDB(t testing.TB) *dora.DB {
	t.Helper()
	db, err := dora.Open(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func newFake(t testing.TB, projects ...*gitlabtest.Project) *gitlabtest.Server {
	t.Helper()
	f := gitlabtest.New(projects...)
	f.Token = token
	t.Cleanup(f.Close)
	t.Cleanup(func() {
		if v := f.Violations(); len(v) > 0 {
			t.Errorf("the fake saw requests that break the rules:\n%s", strings.Join(v, "\n"))
		}
	})
	return f
}

func source(f *gitlabtest.Server, projects ...string) *gitlab.Source {
	return gitlab.New(gitlab.Config{BaseURL: f.APIURL(), Token: token, TokenEnv: "GITLAB_TOKEN", Projects: projects, Version: "test"})
}

func collect(t testing.TB, ctx context.Context, src *gitlab.Source, db *dora.DB) {
	t.Helper()
	if err := src.Collect(ctx, db); err != nil {
		t.Fatal(err)
	}
}

// small is a seeded project big enough to page: 250 deployments over three pages.
func small() *gitlabtest.Project {
	return gitlabtest.Synthetic(1, 42, "acme/platform", t0, gitlabtest.Size{Deployments: 250, Commits: 900, MergeRequests: 150})
}

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
	rows(t, db, `SELECT id, environment, coalesce(tier, ''), status, sha, finished_at, to_json(commits)::VARCHAR, coalesce(source, ''), coalesce(url, '') FROM deployments`, func(r *sql.Rows) error {
		var d dora.Deployment
		var fin sql.NullTime
		var commits sql.NullString
		if err := r.Scan(&d.ID, &d.Environment, &d.Tier, &d.Status, &d.SHA, &fin, &commits, &d.Source, &d.URL); err != nil {
			return err
		}
		d.FinishedAt, d.Commits = tm(fin), strs(commits)
		out[d.ID] = d
		return nil
	})
	return out
}

func pulls(t testing.TB, db *dora.DB) map[int64]dora.PullRequest {
	out := map[int64]dora.PullRequest{}
	rows(t, db, `SELECT number, coalesce(merge_sha, ''), first_commit_at, to_json(labels)::VARCHAR, created_at, merged_at FROM pull_requests`, func(r *sql.Rows) error {
		var p dora.PullRequest
		var first, merged sql.NullTime
		var labels sql.NullString
		if err := r.Scan(&p.Number, &p.MergeSHA, &first, &labels, &p.CreatedAt, &merged); err != nil {
			return err
		}
		p.FirstCommitAt, p.Labels, p.MergedAt, p.CreatedAt = tm(first), strs(labels), tm(merged), p.CreatedAt.UTC()
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

// dumpDB renders every stored row (sync state without its write time) as sorted text, to compare
// two warehouses.
func dumpDB(t testing.TB, db *dora.DB) string {
	var lines []string
	for _, q := range []string{
		`SELECT 'deployment ' || to_json(t)::VARCHAR FROM deployments t`,
		`SELECT 'commit ' || to_json(t)::VARCHAR FROM commits t`,
		`SELECT 'pull ' || to_json(t)::VARCHAR FROM pull_requests t`,
		`SELECT 'incident ' || to_json(t)::VARCHAR FROM incidents t`,
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
