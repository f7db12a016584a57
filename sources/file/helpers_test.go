package file_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/file"
)

func openDB(t testing.TB) *dora.DB {
	t.Helper()
	db, err := dora.Open(context.Background(), filepath.Join(t.TempDir(), "dora.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func importString(t testing.TB, db *dora.DB, name, content string) (file.Counts, error) {
	t.Helper()
	return file.Import(context.Background(), db, name, strings.NewReader(content), file.Options{})
}

// lines joins JSONL lines.
func lines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }

// existing is data already in the warehouse before an import, so a test can tell an unchanged
// database from an empty one.
const existing = `{"kind":"deployment","id":"old-1","environment":"production","status":"success","sha":"aaa111","repo":"acme/old","finished_at":"2023-12-01T10:00:00Z","commits":["aaa111"]}
{"kind":"commit","repo":"acme/old","sha":"aaa111","authored_at":"2023-11-30T10:00:00Z","pull_request":7}
{"kind":"pull_request","repo":"acme/old","number":7,"created_at":"2023-11-30T09:00:00Z","labels":["chore"]}
{"kind":"incident","id":"old-inc","started_at":"2023-12-01T11:00:00Z","caused_by":"old-1"}
`

func seed(t testing.TB, db *dora.DB) {
	t.Helper()
	if _, err := importString(t, db, "existing.jsonl", existing); err != nil {
		t.Fatal(err)
	}
}

var eventTables = []string{"deployments", "commits", "pull_requests", "incidents"}

// snapshot is every event table's row count and a checksum of its rows, in a form that
// compares with ==.
func snapshot(t testing.TB, db *dora.DB) string {
	t.Helper()
	var b strings.Builder
	for _, table := range eventTables {
		var n int
		var sum string
		err := db.SQL().QueryRow(`SELECT count(*), coalesce(md5(string_agg(t::VARCHAR, '|' ORDER BY t::VARCHAR)), '') FROM `+table+` t`).Scan(&n, &sum)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s=%d:%s ", table, n, sum)
	}
	return b.String()
}

// The readers below load a table back into the model, so a test can compare what a file said
// with what the warehouse holds.

func list(t testing.TB, raw sql.NullString) []string {
	t.Helper()
	if !raw.Valid {
		return nil
	}
	out := []string{}
	if err := json.Unmarshal([]byte(raw.String), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func utc(nt sql.NullTime) time.Time {
	if !nt.Valid {
		return time.Time{}
	}
	return nt.Time.UTC()
}

func query(t testing.TB, db *dora.DB, q string, row func(scan func(...any))) {
	t.Helper()
	rows, err := db.SQL().Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		row(func(dest ...any) {
			if err := rows.Scan(dest...); err != nil {
				t.Fatal(err)
			}
		})
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

func deployments(t testing.TB, db *dora.DB) []dora.Deployment {
	var out []dora.Deployment
	query(t, db, `SELECT id, coalesce(service, ''), environment, coalesce(tier, ''), status, sha, coalesce(repo, ''),
		started_at, finished_at, to_json(commits)::VARCHAR, unplanned, coalesce(url, ''), coalesce(source, '')
		FROM deployments ORDER BY id`, func(scan func(...any)) {
		var d dora.Deployment
		var started, finished sql.NullTime
		var commits sql.NullString
		scan(&d.ID, &d.Service, &d.Environment, &d.Tier, &d.Status, &d.SHA, &d.Repo, &started, &finished, &commits, &d.Unplanned, &d.URL, &d.Source)
		d.StartedAt, d.FinishedAt, d.Commits = utc(started), utc(finished), list(t, commits)
		out = append(out, d)
	})
	return out
}

func commits(t testing.TB, db *dora.DB) []dora.Commit {
	var out []dora.Commit
	query(t, db, `SELECT repo, sha, to_json(parents)::VARCHAR, authored_at, committed_at, coalesce(pull_request, 0), coalesce(service, '')
		FROM commits ORDER BY repo, sha`, func(scan func(...any)) {
		var c dora.Commit
		var parents sql.NullString
		var authored, committed sql.NullTime
		scan(&c.Repo, &c.SHA, &parents, &authored, &committed, &c.PullRequest, &c.Service)
		c.Parents, c.AuthoredAt, c.CommittedAt = list(t, parents), utc(authored), utc(committed)
		out = append(out, c)
	})
	return out
}

func pullRequests(t testing.TB, db *dora.DB) []dora.PullRequest {
	var out []dora.PullRequest
	query(t, db, `SELECT repo, number, coalesce(title, ''), to_json(labels)::VARCHAR, created_at, merged_at, coalesce(merge_sha, ''), first_commit_at, coalesce(url, '')
		FROM pull_requests ORDER BY repo, number`, func(scan func(...any)) {
		var p dora.PullRequest
		var labels sql.NullString
		var created, merged, first sql.NullTime
		scan(&p.Repo, &p.Number, &p.Title, &labels, &created, &merged, &p.MergeSHA, &first, &p.URL)
		p.Labels, p.CreatedAt, p.MergedAt, p.FirstCommitAt = list(t, labels), utc(created), utc(merged), utc(first)
		out = append(out, p)
	})
	return out
}

func incidents(t testing.TB, db *dora.DB) []dora.Incident {
	var out []dora.Incident
	query(t, db, `SELECT id, coalesce(service, ''), coalesce(environment, ''), coalesce(title, ''), coalesce(severity, ''),
		started_at, resolved_at, coalesce(caused_by, ''), coalesce(url, ''), coalesce(source, '')
		FROM incidents ORDER BY id`, func(scan func(...any)) {
		var i dora.Incident
		var started, resolved sql.NullTime
		scan(&i.ID, &i.Service, &i.Environment, &i.Title, &i.Severity, &started, &resolved, &i.CausedBy, &i.URL, &i.Source)
		i.StartedAt, i.ResolvedAt = utc(started), utc(resolved)
		out = append(out, i)
	})
	return out
}
