package github_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/github"
	"github.com/dorareport/dorareport/sources/github/githubtest"
)

func linear(owner, name string, n int) *githubtest.Repo {
	return githubtest.Synthetic(owner, name, githubtest.Shape{Deployments: 1, Commits: n, Pulls: 1, Start: t0})
}

func TestWorkflowRunsAreDeployments(t *testing.T) {
	repo := linear("acme", "ci", 10)
	repo.Deployments = nil
	run := func(id int64, i int, status, conclusion string) githubtest.Run {
		at := repo.Commits[i].Committed.Add(5 * time.Minute)
		return githubtest.Run{ID: id, Workflow: "deploy.yml", SHA: repo.Commits[i].SHA, Status: status, Conclusion: conclusion, Created: at, Updated: at.Add(4 * time.Minute)}
	}
	repo.Runs = []githubtest.Run{
		run(11, 2, "completed", "success"),
		run(12, 4, "completed", "failure"),
		run(13, 6, "completed", "skipped"),
		run(14, 7, "completed", "success"),
		{ID: 15, Workflow: "deploy.yml", SHA: repo.Commits[9].SHA, Status: "in_progress", Created: time.Now().Add(-time.Hour), Updated: time.Now()},
		{ID: 16, Workflow: "test.yml", SHA: repo.Commits[9].SHA, Status: "completed", Conclusion: "success", Created: t0, Updated: t0},
	}
	f := newFake(t, repo)
	db := openDB(t)
	cfg := github.Config{BaseURL: f.BaseURL(), Token: token, Repos: []string{"acme/ci"}, Deployments: github.SignalWorkflowRuns,
		Workflows: []string{"deploy.yml"}, Environment: "prod"}
	collect(t, context.Background(), github.New(cfg), db)
	deps := deployments(t, db)
	want := map[string]dora.Status{"acme/ci/runs/11": dora.StatusSuccess, "acme/ci/runs/12": dora.StatusFailure,
		"acme/ci/runs/14": dora.StatusSuccess, "acme/ci/runs/15": dora.StatusInProgress}
	if len(deps) != len(want) {
		t.Fatalf("stored %v; want the runs of deploy.yml that deployed something", keys(deps))
	}
	for id, st := range want {
		if deps[id].Status != st || deps[id].Environment != "prod" {
			t.Errorf("%s = %s in %s; want %s in prod", id, deps[id].Status, deps[id].Environment, st)
		}
	}
	if got := deps["acme/ci/runs/14"].Commits; len(got) != 5 {
		t.Errorf("run 14 ships %d commits; want the 5 since run 11", len(got))
	}
	t.Run("a_pending_run_is_checked_again_and_settles", func(t *testing.T) {
		f.Update(func(map[string]*githubtest.Repo) {
			repo.Runs[4].Status, repo.Runs[4].Conclusion = "completed", "success"
		})
		f.ResetCounts()
		collect(t, context.Background(), github.New(cfg), db)
		if d := deployments(t, db)["acme/ci/runs/15"]; d.Status != dora.StatusSuccess || len(d.Commits) != 2 {
			t.Errorf("run 15 = %s shipping %v; want success shipping 2 commits", d.Status, d.Commits)
		}
		if n := f.Count("run"); n != 1 {
			t.Errorf("%d single-run requests; want 1", n)
		}
	})
}

func TestReleasesAreDeployments(t *testing.T) {
	repo := linear("acme", "lib", 10)
	repo.Deployments = nil
	rel := func(id int64, tag string, i int, draft, pre bool) githubtest.Release {
		at := repo.Commits[i].Committed.Add(time.Hour)
		r := githubtest.Release{ID: id, Tag: tag, SHA: repo.Commits[i].SHA, Draft: draft, Prerelease: pre, Created: at}
		if !draft {
			r.Published = at.Add(time.Minute)
		}
		return r
	}
	repo.Releases = []githubtest.Release{rel(1, "v1.0.0", 3, false, false), rel(2, "v1.1.0-rc1", 5, false, true), rel(3, "v1.1.0", 8, false, false)}
	f := newFake(t, repo)
	db := openDB(t)
	collect(t, context.Background(), github.New(github.Config{BaseURL: f.BaseURL(), Token: token, Repos: []string{"acme/lib"}, Deployments: github.SignalReleases}), db)
	deps := deployments(t, db)
	if len(deps) != 2 {
		t.Fatalf("stored %v; want v1.0.0 and v1.1.0 (prereleases are not deployments)", keys(deps))
	}
	d := deps["acme/lib/releases/3"]
	if d.SHA != repo.Commits[8].SHA || d.Environment != "production" || len(d.Commits) != 5 || !d.FinishedAt.Equal(repo.Commits[8].Committed.Add(61*time.Minute)) {
		t.Errorf("v1.1.0 = %+v", d)
	}
}

func TestConfigErrorsNameTheKey(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  github.Config
		want string
	}{
		{"unknown_signal", github.Config{Repos: []string{"a/b"}, Deployments: "pushes"}, "deployments"},
		{"workflow_runs_without_workflows", github.Config{Repos: []string{"a/b"}, Deployments: github.SignalWorkflowRuns}, "workflows"},
		{"repo_not_owner_slash_name", github.Config{Repos: []string{"acme"}}, "repos"},
		{"base_url_not_http", github.Config{Repos: []string{"a/b"}, BaseURL: "ftp://ghe.example.com/"}, "base_url"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := github.New(c.cfg).Collect(context.Background(), openDB(t))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v; want it to name %s", err, c.want)
			}
		})
	}
}

func TestProgressLine(t *testing.T) {
	f := newFake(t, handmade())
	var buf bytes.Buffer
	src := github.New(github.Config{BaseURL: f.BaseURL(), Token: token, Repos: []string{"acme/api"}, Progress: &buf})
	collect(t, context.Background(), src, openDB(t))
	last := strings.TrimSpace(buf.String()[strings.LastIndex(buf.String(), "\r")+1:])
	want := fmt.Sprintf("github: 1/1 repos, %d requests, rate limit", f.Requests())
	if !strings.HasPrefix(strings.TrimPrefix(last, "\x1b[K"), want) || strings.Contains(buf.String(), token) {
		t.Errorf("last progress line %q; want it to start %q", last, want)
	}
}
