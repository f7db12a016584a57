package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
)

// fakeCollector runs fn as its Collect.
type fakeCollector struct {
	name string
	fn   func(ctx context.Context, db *dora.DB) error
}

func (f fakeCollector) Name() string                                   { return f.name }
func (f fakeCollector) Collect(ctx context.Context, db *dora.DB) error { return f.fn(ctx, db) }

// withConstructors makes cs the sources of this build for the duration of the test.
func withConstructors(t *testing.T, cs map[string]constructor) {
	saved := constructors
	constructors = cs
	t.Cleanup(func() { constructors = saved })
}

func fake(name string, fn func(ctx context.Context, db *dora.DB) error) constructor {
	return func(collectorEnv) (dora.Collector, error) { return fakeCollector{name, fn}, nil }
}

func TestCollectNeedsConfiguredSources(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	r := dorareport(t, "collect")
	if r.code != exitUsage || !strings.Contains(r.stderr, "collect needs a configuration") {
		t.Errorf("without configuration: exit %d, %q", r.code, r.stderr)
	}
	writeFile(t, dir, "dorareport.yaml", "database: d.duckdb\n")
	r = dorareport(t, "collect")
	if r.code != exitUsage || !strings.Contains(r.stderr, "dorareport.yaml configures no sources") {
		t.Errorf("without sources: exit %d, %q", r.code, r.stderr)
	}
}

func TestCollectNamesSourcesThisBuildLacks(t *testing.T) {
	withConstructors(t, map[string]constructor{"pagerduty": fake("pagerduty", func(context.Context, *dora.DB) error { return nil })})
	dir := t.TempDir()
	cfg := writeFile(t, dir, "c.yaml", "sources:\n  github:\n    repos: [acme/api]\n  pagerduty: {}\n  opsgenie: {}\n")
	r := dorareport(t, "collect", "--config", cfg, "--db", filepath.Join(dir, "d.duckdb"))
	if r.code != exitUsage {
		t.Fatalf("exit %d, want 2: %s", r.code, r.stderr)
	}
	want := fmt.Sprintf("cannot collect from sources.github (%s:2), sources.opsgenie (%s:5); it supports: pagerduty", cfg, cfg)
	if !strings.Contains(r.stderr, want) {
		t.Errorf("stderr %q does not say %q", r.stderr, want)
	}
}

func TestCollectRunsEverySourceInOrder(t *testing.T) {
	var ran []string
	var gotEnv collectorEnv
	withConstructors(t, map[string]constructor{
		"github": func(env collectorEnv) (dora.Collector, error) {
			gotEnv = env
			return fakeCollector{"github", func(ctx context.Context, db *dora.DB) error {
				ran = append(ran, "github")
				return db.Write(ctx, func(w *dora.Writer) error {
					return w.Deployment(dora.Deployment{ID: "gh-1", Service: "api", Environment: "production", Status: dora.StatusSuccess,
						SHA: "abc", FinishedAt: time.Date(2024, 5, 10, 0, 0, 0, 0, time.UTC)})
				})
			}}, nil
		},
		"pagerduty": fake("pagerduty", func(context.Context, *dora.DB) error { ran = append(ran, "pagerduty"); return nil }),
	})
	dir := t.TempDir()
	db := filepath.Join(dir, "d.duckdb")
	cfg := writeFile(t, dir, "c.yaml", "sources:\n  pagerduty:\n    token_env: PD\n  github:\n    token_env: GH\n    repos: [acme/api]\n")
	r := invocation{env: map[string]string{"GH": "gh-secret-token", "PD": "pd-secret"}}.run(t, "collect", "--config", cfg, "--db", db, "--since", "2024-01-01")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if strings.Join(ran, ",") != "github,pagerduty" {
		t.Errorf("ran %v, want github then pagerduty", ran)
	}
	if gotEnv.token != "gh-secret-token" || !gotEnv.since.Equal(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)) || gotEnv.cfg.Sources.GitHub.Repos[0] != "acme/api" {
		t.Errorf("constructor got token %q since %s", gotEnv.token, gotEnv.since)
	}
	if !strings.Contains(r.stderr, "source=github") || !strings.Contains(r.stderr, `msg=collected source=pagerduty`) {
		t.Errorf("no progress on stderr: %q", r.stderr)
	}
	if strings.Contains(r.stderr+r.stdout, "secret") {
		t.Error("a token was printed")
	}
	m := must(t, "metrics", "--db", db, "--since", "2024-05-01", "--until", "2024-06-01")
	if !strings.Contains(m.stdout, `"deployments": 1,`) {
		t.Errorf("the collected deployment is not in the metrics: %s", m.stdout)
	}
}

// Refused credentials exit 4 and name the variable to check, never the token; the other
// sources still run.
func TestCollectAuthRefusedExits4(t *testing.T) {
	var pagerdutyRan bool
	withConstructors(t, map[string]constructor{
		"github": fake("github", func(context.Context, *dora.DB) error {
			return fmt.Errorf("list deployments acme/api: %w", &dora.AuthError{Source: "github", Status: 401, Endpoint: "GET /repos/acme/api/deployments"})
		}),
		"pagerduty": fake("pagerduty", func(context.Context, *dora.DB) error { pagerdutyRan = true; return nil }),
	})
	dir := t.TempDir()
	cfg := writeFile(t, dir, "c.yaml", "sources:\n  github:\n    token_env: ACME_GH_TOKEN\n  pagerduty: {}\n")
	r := invocation{env: map[string]string{"ACME_GH_TOKEN": "ghp_verysecret"}}.run(t, "collect", "--config", cfg, "--db", filepath.Join(dir, "d.duckdb"))
	if r.code != exitAuth {
		t.Fatalf("exit %d, want 4: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "HTTP 401 on GET /repos/acme/api/deployments") || !strings.Contains(r.stderr, "$ACME_GH_TOKEN") {
		t.Errorf("stderr %q does not say what was refused and which variable to check", r.stderr)
	}
	if strings.Contains(r.stderr, "ghp_verysecret") {
		t.Error("the token was printed")
	}
	if !pagerdutyRan {
		t.Error("a refused source stopped the others")
	}
}

func TestCollectFailureExits1(t *testing.T) {
	withConstructors(t, map[string]constructor{
		"gitlab": fake("gitlab", func(context.Context, *dora.DB) error { return errors.New("GET /projects: 502 Bad Gateway") }),
	})
	dir := t.TempDir()
	cfg := writeFile(t, dir, "c.yaml", "sources:\n  gitlab:\n    projects: [acme/platform]\n")
	r := dorareport(t, "collect", "--config", cfg, "--db", filepath.Join(dir, "d.duckdb"))
	if r.code != exitFailure || !strings.Contains(r.stderr, "gitlab: GET /projects: 502 Bad Gateway") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestCollectInterruptedExits130(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var secondRan bool
	withConstructors(t, map[string]constructor{
		"github": fake("github", func(ctx context.Context, _ *dora.DB) error {
			cancel() // the signal arrives in the middle of the sync
			<-ctx.Done()
			return fmt.Errorf("list deployments: %w", ctx.Err())
		}),
		"pagerduty": fake("pagerduty", func(context.Context, *dora.DB) error { secondRan = true; return nil }),
	})
	dir := t.TempDir()
	cfg := writeFile(t, dir, "c.yaml", "sources:\n  github: {}\n  pagerduty: {}\n")
	r := invocation{ctx: ctx}.run(t, "collect", "--config", cfg, "--db", filepath.Join(dir, "d.duckdb"))
	if r.code != exitInterrupted || !strings.Contains(r.stderr, "interrupted") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	if secondRan {
		t.Error("collect went on after the interruption")
	}
}

// The real GitHub source, refused by a server answering 401, makes collect exit 4 naming the
// token variable and never the token.
func TestCollectGitHubBadCredentialsExits4(t *testing.T) {
	var requests int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests++
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest","status":"401"}`)
	}))
	defer srv.Close()
	dir := t.TempDir()
	cfg := writeFile(t, dir, "c.yaml", fmt.Sprintf("sources:\n  github:\n    base_url: %s/api/v3/\n    token_env: ACME_GITHUB_TOKEN\n    repos: [acme/api]\n", srv.URL))
	r := invocation{env: map[string]string{"ACME_GITHUB_TOKEN": "ghp_0123456789secret"}}.run(t, "collect", "--config", cfg, "--db", filepath.Join(dir, "d.duckdb"))
	if r.code != exitAuth {
		t.Fatalf("exit %d, want 4: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "ACME_GITHUB_TOKEN") || strings.Contains(r.stderr, "ghp_0123456789secret") {
		t.Errorf("stderr %q must name the variable and not the token", r.stderr)
	}
	if requests == 0 {
		t.Error("the fake server saw no request")
	}
}
