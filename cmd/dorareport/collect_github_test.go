package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/github/githubtest"
)

// collect reaches GitHub through the configuration's keys, fills the warehouse that metrics
// reads, and a second run changes nothing while the fake answers it with 304s.
func TestCollectGitHubThenMetrics(t *testing.T) {
	if testing.Short() {
		t.Skip("a full sync against the fake GitHub")
	}
	const token = "ghs_e2e0123456789"
	srv := githubtest.New(token)
	defer srv.Close()
	start := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	srv.AddRepo(githubtest.Synthetic("acme", "api", githubtest.Shape{Deployments: 12, Commits: 120, Pulls: 20, Incidents: 2, Start: start}))
	dir := t.TempDir()
	db := filepath.Join(dir, "d.duckdb")
	cfg := writeFile(t, dir, "c.yaml", fmt.Sprintf(`database: %s
services:
  - name: api
    team: platform
    repos: [acme/api]
sources:
  github:
    base_url: %s
    token_env: ACME_GITHUB_TOKEN
    repos: [acme/api]
`, db, srv.BaseURL()))
	collect := invocation{env: map[string]string{"ACME_GITHUB_TOKEN": token}}
	metrics := []string{"metrics", "--config", cfg, "--since", "2024-04-01", "--until", "2024-06-01", "--by", "team"}

	r := collect.run(t, "collect", "--config", cfg)
	if r.code != 0 {
		t.Fatalf("collect: exit %d: %s", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, token) {
		t.Error("collect printed the token")
	}
	first := must(t, metrics...).stdout
	var m dora.Metrics
	if err := json.Unmarshal([]byte(first), &m); err != nil {
		t.Fatal(err)
	}
	if m.Overall.DeploymentFrequency.Deployments == 0 || m.Overall.LeadTime.N == 0 {
		t.Errorf("nothing collected: %s", first)
	}
	if len(m.Groups) != 1 || m.Groups[0].Key != "platform" {
		t.Errorf("groups %+v, want the configured team", m.Groups)
	}

	srv.ResetCounts()
	if r := collect.run(t, "collect", "--config", cfg); r.code != 0 {
		t.Fatalf("second collect: exit %d: %s", r.code, r.stderr)
	}
	if srv.NotModified() == 0 {
		t.Errorf("the second collect sent %d requests and none was answered 304", srv.Requests())
	}
	if second := must(t, metrics...).stdout; second != first {
		t.Errorf("a second collect changed the metrics:\n%s\n%s", first, second)
	}
	if v := srv.Violations(); len(v) > 0 {
		t.Errorf("requests broke the fake's rules: %v", v)
	}
}
