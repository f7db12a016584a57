package main

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMain lets a test run this binary as dorareport itself, to exercise main's signal handling
// in a real process.
func TestMain(m *testing.M) {
	if os.Getenv("DORAREPORT_TEST_RUN_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// SIGINT in the middle of a collect stops it promptly with exit code 130.
func TestInterruptedProcessExits130(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	started := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case started <- struct{}{}:
		default:
		}
		<-r.Context().Done() // a request that never answers, until the client gives up
	}))
	defer srv.Close()
	defer srv.CloseClientConnections()
	dir := t.TempDir()
	cfg := writeFile(t, dir, "c.yaml", fmt.Sprintf("sources:\n  github:\n    base_url: %s/api/v3/\n    repos: [acme/api]\n", srv.URL))
	cmd := exec.Command(os.Args[0], "collect", "--config", cfg, "--db", filepath.Join(dir, "d.duckdb"))
	cmd.Env = append(os.Environ(), "DORAREPORT_TEST_RUN_MAIN=1", "GITHUB_TOKEN=t")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-started:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("collect sent no request: %s", stderr.String())
	}
	sent := time.Now()
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != exitInterrupted {
			t.Fatalf("collect ended with %v, want exit code 130; stderr: %s", err, stderr.String())
		}
		if !strings.Contains(stderr.String(), "dorareport collect: interrupted") {
			t.Errorf("stderr %q", stderr.String())
		}
		t.Logf("stopped %s after SIGINT", time.Since(sent).Round(time.Millisecond))
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("collect did not stop within 10s of SIGINT; stderr: %s", stderr.String())
	}
}
