package pagerduty_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/pagerduty"
)

// openDB opens a fresh warehouse file.
func openDB(t testing.TB) *dora.DB {
	t.Helper()
	db, err := dora.Open(context.Background(), filepath.Join(t.TempDir(), "dora.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// config is a Config for the fake with the vendor service mapped to "mail".
func (f *fakePD) config(since, until time.Time) pagerduty.Config {
	return pagerduty.Config{BaseURL: f.srv.URL, Token: token, TokenEnv: "PAGERDUTY_TOKEN",
		Services: map[string]string{serviceID: "mail"}, Since: since, Until: until}
}

// incidents returns the stored incidents by id.
func incidents(t testing.TB, db *dora.DB) map[string]dora.Incident {
	t.Helper()
	rs, err := db.SQL().QueryContext(context.Background(), `SELECT id, coalesce(service, ''), coalesce(environment, ''),
		coalesce(title, ''), coalesce(severity, ''), started_at, resolved_at, coalesce(caused_by, ''), coalesce(url, ''),
		coalesce(source, '') FROM incidents`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	out := map[string]dora.Incident{}
	for rs.Next() {
		var i dora.Incident
		var resolved sql.NullTime
		if err := rs.Scan(&i.ID, &i.Service, &i.Environment, &i.Title, &i.Severity, &i.StartedAt, &resolved, &i.CausedBy, &i.URL, &i.Source); err != nil {
			t.Fatal(err)
		}
		i.StartedAt = i.StartedAt.UTC()
		if resolved.Valid {
			i.ResolvedAt = resolved.Time.UTC()
		}
		out[i.ID] = i
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}
