package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dorareport/dorareport/sources/github/githubtest"
)

// TestWeeklyReportFromFakeGitHub runs the example against a fake GitHub holding three weeks of
// history and checks that it writes a Markdown report of last week, then that a second run
// (the next cron tick) reuses the warehouse and asks GitHub only what changed.
func TestWeeklyReportFromFakeGitHub(t *testing.T) {
	const token = "ghp_exampleTOKEN0123456789"
	f := githubtest.New(token)
	defer f.Close()
	start := time.Now().UTC().Truncate(time.Hour).Add(-21 * 24 * time.Hour)
	f.AddRepo(githubtest.Synthetic("acme", "api", githubtest.Shape{Deployments: 60, Commits: 500, Pulls: 80, Incidents: 3, Start: start}))
	t.Setenv("GITHUB_TOKEN", token)
	t.Setenv("GITHUB_API_URL", f.BaseURL())

	dir := t.TempDir()
	args := []string{"-repo", "acme/api", "-db", filepath.Join(dir, "dora.duckdb"), "-o", filepath.Join(dir, "weekly.md")}
	var stderr bytes.Buffer
	if err := run(context.Background(), args, &bytes.Buffer{}, &stderr); err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(dir, "weekly.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "acme/api, week of") || strings.Contains(string(md), token) {
		t.Errorf("report:\n%s", md)
	}
	if v := f.Violations(); len(v) > 0 {
		t.Errorf("requests broke the rules: %v", v)
	}
	f.ResetCounts()
	if err := run(context.Background(), args, &bytes.Buffer{}, &stderr); err != nil {
		t.Fatal(err)
	}
	if f.Requests() != f.NotModified() {
		t.Errorf("the second run sent %d requests, %d answered 304; want all 304", f.Requests(), f.NotModified())
	}
}
