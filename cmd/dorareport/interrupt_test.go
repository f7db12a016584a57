package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dorareport/dorareport/sources/github/githubtest"
)

// A collect process stopped in the middle of a sync, by SIGINT or by SIGKILL, and then run again
// leaves exactly the warehouse of a sync never interrupted: the same rows in every table (sync
// state too, but for when it was written), none twice, none missing.
func TestInterruptedCollectResumesToTheSameWarehouse(t *testing.T) {
	if testing.Short() {
		t.Skip("starts collect processes against the fake GitHub")
	}
	t.Parallel() // its processes mostly wait on the fake, as do those of other process tests
	const token = "ghs_interrupt0123456789"
	srv := githubtest.New(token)
	defer srv.Close()
	start := time.Now().UTC().AddDate(0, -2, 0).Truncate(time.Hour)
	srv.AddRepo(githubtest.Synthetic("acme", "api", githubtest.Shape{Deployments: 130, Commits: 1300, Pulls: 40, Incidents: 3, Start: start}))
	srv.AddRepo(githubtest.Synthetic("acme", "web", githubtest.Shape{Deployments: 70, Commits: 700, Pulls: 20, Incidents: 2, Start: start}))
	trip := &tripwire{}
	srv.Fault = func(w http.ResponseWriter, r *http.Request, n int) bool {
		time.Sleep(3 * time.Millisecond) // a sync long enough to be caught in the middle
		trip.request(n)
		return false
	}
	env := map[string]string{"ACME_GITHUB_TOKEN": token}
	collect := func(t *testing.T, dir string) []string {
		cfg := writeFile(t, dir, "c.yaml", fmt.Sprintf(`database: %s
services:
  - name: api
    team: platform
    repos: [acme/api, acme/web]
sources:
  github:
    base_url: %s
    token_env: ACME_GITHUB_TOKEN
    repos: [acme/api, acme/web]
`, filepath.Join(dir, "d.duckdb"), srv.BaseURL()))
		return []string{"collect", "--config", cfg}
	}

	ref := t.TempDir()
	if r := runProcess(t, env, collect(t, ref)...); r.code != 0 {
		t.Fatalf("uninterrupted collect: exit %d: %s", r.code, r.stderr)
	}
	total := srv.Requests()
	want := dumpWarehouse(t, filepath.Join(ref, "d.duckdb"))
	for _, table := range []string{"deployments", "commits", "pull_requests", "incidents", "sync_state"} {
		if len(want[table]) == 0 {
			t.Fatalf("the uninterrupted collect wrote no %s", table)
		}
	}
	t.Logf("uninterrupted: %d requests; %d deployments, %d commits, %d pull requests, %d incidents", total,
		len(want["deployments"]), len(want["commits"]), len(want["pull_requests"]), len(want["incidents"]))

	halfShipped := false // some stop left part of the deployments stored
	type stop struct {
		at     int // the request of the run during which the signal is sent
		signal os.Signal
	}
	for _, tc := range []struct {
		name  string
		stops []stop
	}{
		{"SIGINT_halfway", []stop{{total / 2, os.Interrupt}}},
		{"SIGINT_while_deployments_are_stored", []stop{{total * 85 / 100, os.Interrupt}}},
		{"SIGKILL_a_third_in", []stop{{total / 3, syscall.SIGKILL}}},
		{"SIGKILL_while_deployments_are_stored", []stop{{total * 9 / 10, syscall.SIGKILL}}},
		{"SIGKILL_twice_then_SIGINT", []stop{{total * 8 / 10, syscall.SIGKILL}, {total / 10, syscall.SIGKILL}, {total / 20, os.Interrupt}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			args := collect(t, dir)
			partial := false
			for i, s := range tc.stops {
				srv.ResetCounts()
				interrupt(t, trip, s.at, s.signal, env, args)
				got := dumpWarehouse(t, filepath.Join(dir, "d.duckdb"))
				t.Logf("stop %d: %s at request %d of %d left %d deployments, %d commits, %d pull requests, %d incidents", i+1, s.signal, s.at, total,
					len(got["deployments"]), len(got["commits"]), len(got["pull_requests"]), len(got["incidents"]))
				partial = partial || want.diff(got) != ""
				halfShipped = halfShipped || len(got["deployments"]) > 0 && len(got["deployments"]) < len(want["deployments"])
			}
			if !partial {
				t.Fatal("every interrupted run had written everything already: nothing was left to resume")
			}
			srv.ResetCounts()
			if r := runProcess(t, env, args...); r.code != 0 {
				t.Fatalf("collect after the interruption: exit %d: %s", r.code, r.stderr)
			}
			if d := want.diff(dumpWarehouse(t, filepath.Join(dir, "d.duckdb"))); d != "" {
				t.Errorf("the resumed warehouse differs from the uninterrupted one:\n%s", d)
			}
		})
	}
	if !halfShipped {
		t.Error("no stop landed while deployments were being stored: move the stops")
	}
}

// interrupt starts collect and sends it sig while the fake serves request number at.
func interrupt(t *testing.T, trip *tripwire, at int, sig os.Signal, env map[string]string, args []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), processTimeout)
	defer cancel()
	reached := trip.arm(at)
	defer trip.arm(0)
	cmd := process(ctx, env, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-reached:
	case err := <-done:
		t.Fatalf("collect ended (%v) before request %d; stderr: %s", err, at, stderr.String())
	}
	sent := time.Now()
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	var err error
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("collect still ran 10s after %s; stderr: %s", sig, stderr.String())
	}
	took := time.Since(sent).Round(time.Millisecond)
	if sig == syscall.SIGKILL {
		if code := exitStatus(t, err); code != -1 {
			t.Fatalf("collect ended with exit code %d before SIGKILL landed; stderr: %s", code, stderr.String())
		}
		return
	}
	if code := exitStatus(t, err); code != exitInterrupted {
		t.Fatalf("collect ended with exit code %d after %s, want %d; stderr: %s", code, sig, exitInterrupted, stderr.String())
	}
	if !strings.Contains(stderr.String(), "dorareport collect: interrupted") {
		t.Errorf("stderr after %s: %q", sig, stderr.String())
	}
	if took > 5*time.Second {
		t.Errorf("collect took %s to stop after %s", took, sig)
	}
	t.Logf("stopped %s after %s", took, sig)
}

// A tripwire tells when the fake has been asked for a given request of a run.
type tripwire struct {
	mu      sync.Mutex
	at      int
	reached chan struct{}
}

// arm returns a channel closed when request at is served; 0 disarms.
func (w *tripwire) arm(at int) <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.at, w.reached = at, make(chan struct{})
	return w.reached
}

func (w *tripwire) request(n int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.at > 0 && n == w.at {
		close(w.reached)
	}
}
