package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dorareport/dorareport/sources/github/githubtest"
	"github.com/dorareport/dorareport/sources/gitlab/gitlabtest"
)

// No token shows in any output of dorareport: not in what collect, metrics and report print at
// debug level, not in the reports, not in the warehouse, and not in the errors of a source that
// refuses the token or fails while echoing it back, in its answer and in a redirect to a URL with
// ?access_token=TOKEN.
func TestTokensShowInNoOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("runs dorareport processes against fake sources")
	}
	t.Parallel() // most of its time is spent waiting out the retries of failing servers
	tokens := map[string]string{
		"ACME_GITHUB_TOKEN":    "ghp_" + randomHex(t),
		"ACME_GITLAB_TOKEN":    "glpat-" + randomHex(t),
		"ACME_PAGERDUTY_TOKEN": "pd+" + randomHex(t),
	}
	leaks := func(t *testing.T, where, text string) {
		t.Helper()
		for env, token := range tokens {
			// A part of the token counts too: a message cut in the middle of one still leaks it.
			for _, part := range []string{token, token[len(token)/2-8 : len(token)/2+8]} {
				if i := strings.Index(text, part); i >= 0 {
					around := text[max(0, i-120):min(len(text), i+len(part)+120)]
					t.Errorf("%s shows the token of $%s: …%s…", where, env, strings.ReplaceAll(around, part, "<TOKEN>"))
					break
				}
			}
		}
	}
	hide := func(text string) string {
		for _, token := range tokens {
			text = strings.ReplaceAll(text, token, "<TOKEN>")
		}
		return text
	}
	checkRun := func(t *testing.T, what string, r result) {
		t.Helper()
		leaks(t, what+" stdout", r.stdout)
		leaks(t, what+" stderr", r.stderr)
	}
	// checkFiles looks through the warehouse, and every file in dir byte for byte: the reports,
	// the configuration, the database file itself.
	checkFiles := func(t *testing.T, dir string) {
		t.Helper()
		w := dumpWarehouse(t, filepath.Join(dir, "d.duckdb"))
		for table, rows := range w {
			leaks(t, "table "+table, strings.Join(rows, "\n"))
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			leaks(t, "file "+e.Name(), string(data))
		}
	}

	t.Run("full_run_at_debug_level", func(t *testing.T) {
		t.Parallel()
		start := time.Now().UTC().AddDate(0, -2, 0).Truncate(time.Hour)
		gh := githubtest.New(tokens["ACME_GITHUB_TOKEN"])
		defer gh.Close()
		gh.AddRepo(githubtest.Synthetic("acme", "api", githubtest.Shape{Deployments: 30, Commits: 300, Pulls: 20, Incidents: 3, Start: start}))
		gl := gitlabtest.New(gitlabtest.Synthetic(7, 7, "acme/platform", start, gitlabtest.Size{Deployments: 30, Commits: 200, MergeRequests: 20}))
		gl.Token = tokens["ACME_GITLAB_TOKEN"]
		defer gl.Close()
		dir := t.TempDir()
		cfg := secretsConfig(t, dir, gh.BaseURL(), gl.APIURL(), "")
		window := []string{"--since", start.Format(time.DateOnly), "--until", time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly)}
		runs := [][]string{
			{"collect", "-v", "--config", cfg},
			args("metrics", "-v", "--config", cfg, window, "--format", "json", "--by", "team"),
			args("report", "-v", "--config", cfg, window, "--format", "html", "-o", filepath.Join(dir, "report.html")),
			args("report", "-v", "--config", cfg, window, "--format", "markdown", "-o", filepath.Join(dir, "report.md")),
			args("report", "-v", "--config", cfg, window, "--format", "markdown", "--by", "repo"),
		}
		for _, a := range runs {
			r := runProcess(t, tokens, a...)
			if r.code != 0 {
				t.Fatalf("%s: exit %d: %s", strings.Join(a, " "), r.code, hide(r.stderr))
			}
			checkRun(t, a[0], r)
		}
		w := dumpWarehouse(t, filepath.Join(dir, "d.duckdb"))
		if len(w["deployments"]) == 0 || len(w["commits"]) == 0 || len(w["sync_state"]) == 0 {
			t.Fatalf("the full run collected nothing to look through: %d deployments, %d commits", len(w["deployments"]), len(w["commits"]))
		}
		checkFiles(t, dir)
	})

	// A failing source: one collect per source, since each waits out its retries of the 500s.
	for _, tc := range []struct {
		name   string
		status int
		source string // the only source configured; "": all of them
		code   int
	}{
		{"every_source_refuses_the_token", http.StatusUnauthorized, "", exitAuth},
		{"github_fails_echoing_the_token", http.StatusInternalServerError, "github", exitFailure},
		{"gitlab_fails_echoing_the_token", http.StatusInternalServerError, "gitlab", exitFailure},
		{"pagerduty_fails_echoing_the_token", http.StatusInternalServerError, "pagerduty", exitFailure},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			urls := map[string]string{}
			for source, env := range map[string]string{"github": "ACME_GITHUB_TOKEN", "gitlab": "ACME_GITLAB_TOKEN", "pagerduty": "ACME_PAGERDUTY_TOKEN"} {
				if tc.source == "" || tc.source == source {
					srv := httptest.NewServer(echoingServer(tc.status, tokens[env]))
					defer srv.Close()
					urls[source] = srv.URL
				}
			}
			dir := t.TempDir()
			cfg := secretsConfig(t, dir, urls["github"], urls["gitlab"], urls["pagerduty"])
			r := runProcess(t, tokens, "collect", "-v", "--config", cfg)
			if r.code != tc.code {
				t.Errorf("collect: exit %d, want %d: %s", r.code, tc.code, hide(r.stderr))
			}
			// The errors must show that the server was reached through the redirect, or the
			// test saw none of what it is about.
			if n := strings.Count(r.stderr, "access_token="); n < len(urls) {
				t.Errorf("stderr names the redirected URL %d times, want at least %d (once for each source):\n%s", n, len(urls), hide(r.stderr))
			}
			checkRun(t, "collect", r)
			checkFiles(t, dir)
			t.Logf("collect -v:\n%s", hide(r.stderr))
		})
	}
}

// echoingServer answers as a careless server might: every request is first redirected to its own
// URL with the token in an access_token query parameter, which is then answered with status and a
// body that echoes the token, the credentials the request carried and its URL.
func echoingServer(status int, token string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("access_token") == "" {
			q.Set("access_token", token)
			q.Set("state", token)
			u := *r.URL
			u.RawQuery = q.Encode()
			http.Redirect(w, r, u.String(), http.StatusFound)
			return
		}
		echo := fmt.Sprintf("token %s failed; Authorization: %s; PRIVATE-TOKEN: %s; request: %s",
			token, r.Header.Get("Authorization"), r.Header.Get("PRIVATE-TOKEN"), r.URL)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", token="`+token+`"`)
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]any{"message": echo, "errors": []string{echo}})
	})
}

// secretsConfig writes the configuration of the sources whose URLs are not empty, each reading
// its token from its own variable.
func secretsConfig(t *testing.T, dir, github, gitlab, pagerduty string) string {
	t.Helper()
	cfg := fmt.Sprintf(`database: %s
services:
  - name: api
    team: platform
    repos: [acme/api, acme/platform]
sources:
`, filepath.Join(dir, "d.duckdb"))
	if github != "" {
		cfg += fmt.Sprintf("  github:\n    base_url: %s/api/v3/\n    token_env: ACME_GITHUB_TOKEN\n    repos: [acme/api]\n", strings.TrimSuffix(strings.TrimSuffix(github, "/"), "/api/v3"))
	}
	if gitlab != "" {
		cfg += fmt.Sprintf("  gitlab:\n    base_url: %s\n    token_env: ACME_GITLAB_TOKEN\n    projects: [acme/platform]\n", gitlab)
	}
	if pagerduty != "" {
		cfg += fmt.Sprintf("  pagerduty:\n    base_url: %s\n    token_env: ACME_PAGERDUTY_TOKEN\n    services: {PABC123: api}\n", pagerduty)
	}
	return writeFile(t, dir, "c.yaml", cfg)
}

// randomHex is a distinctive random string, found in an output only if it was copied there.
func randomHex(t *testing.T) string {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
