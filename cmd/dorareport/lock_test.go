package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
)

// holder is another process that has a warehouse open until release is called.
type holder struct {
	pid     int
	release func()
}

// importHolder starts a real "dorareport import --db path -" whose stdin stays open: it holds
// the database for writing, as a long import or collect does, until release closes its stdin.
func importHolder(t *testing.T, path string) holder {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-v", "import", "--db", path, "-")
	cmd.Env = append(os.Environ(), "DORAREPORT_TEST_RUN_MAIN=1")
	return startHolder(t, cmd, "opened database")
}

// TestReadOnlyHolderProcess is not a test: readerHolder runs this test binary as a process that
// reads the warehouse named by DORAREPORT_TEST_READ until its stdin closes.
func TestReadOnlyHolderProcess(t *testing.T) {
	path := os.Getenv("DORAREPORT_TEST_READ")
	if path == "" {
		t.Skip("runs only as the reader of another test")
	}
	db, err := dora.OpenReadOnly(context.Background(), path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "failed:", err)
		os.Exit(1)
	}
	fmt.Fprintln(os.Stderr, "reading")
	io.Copy(io.Discard, os.Stdin)
	db.Close()
}

// readerHolder starts a process that has path open read-only until release.
func readerHolder(t *testing.T, path string) holder {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestReadOnlyHolderProcess$")
	cmd.Env = append(os.Environ(), "DORAREPORT_TEST_READ="+path)
	return startHolder(t, cmd, "reading")
}

// startHolder starts cmd and returns once its stderr shows ready; release closes its stdin and
// waits for it to end.
func startHolder(t *testing.T, cmd *exec.Cmd, ready string) holder {
	t.Helper()
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	release := func() {
		once.Do(func() {
			stdin.Close()
			if err := cmd.Wait(); err != nil {
				t.Errorf("the holding process: %v", err)
			}
		})
	}
	t.Cleanup(release)
	lines := bufio.NewScanner(stderr)
	var seen []string
	for lines.Scan() {
		seen = append(seen, lines.Text())
		if strings.Contains(lines.Text(), ready) {
			go io.Copy(io.Discard, stderr)
			return holder{cmd.Process.Pid, release}
		}
	}
	t.Fatalf("the holding process did not open the database: %s", strings.Join(seen, "\n"))
	return holder{}
}

// assertLocked checks that r is the refusal of a database that process pid holds.
func assertLocked(t *testing.T, what string, r result, path string, pid int) {
	t.Helper()
	if r.code != exitFailure {
		t.Errorf("%s: exit %d, want 1; stderr: %s", what, r.code, r.stderr)
	}
	for _, want := range []string{"database " + path + " is in use by another process", fmt.Sprintf("(PID %d)", pid), filepath.Base(os.Args[0])} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("%s: stderr %q does not say %q", what, r.stderr, want)
		}
	}
}

func TestCommandsOnADatabaseAnotherProcessWritesFailAtOnceNamingIt(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	withConstructors(t, map[string]constructor{"github": fake("github", func(context.Context, *dora.DB) error { return nil })})
	dir := t.TempDir()
	path := filepath.Join(dir, "d.duckdb")
	cfg := writeFile(t, dir, "c.yaml", "sources:\n  github:\n    repos: [acme/api]\n")
	must(t, "import", "--db", path, eventsFile)
	h := importHolder(t, path)
	for _, run := range [][]string{
		{"import", "--db", path, eventsFile},
		{"collect", "--config", cfg, "--db", path},
		{"demo", "--db", path, "-o", filepath.Join(dir, "demo.html")},
		args("metrics", "--db", path, window),
		args("report", "--db", path, window, "-o", filepath.Join(dir, "r.html")),
	} {
		start := time.Now()
		r := invocation{env: map[string]string{"GITHUB_TOKEN": "t"}}.run(t, run...)
		assertLocked(t, run[0], r, path, h.pid)
		if run[0] == "import" && !strings.Contains(r.stderr, "--wait DURATION") {
			t.Errorf("import: stderr %q does not offer --wait", r.stderr)
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("%s took %s to fail, want at once", run[0], took)
		}
	}
	h.release()
	must(t, args("metrics", "--db", path, window)...)
}

func TestWaitOutlastsAProcessThatEndsInTime(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	for _, command := range [][]string{{"import", eventsFile}, args("metrics", window)} {
		t.Run(command[0], func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "d.duckdb")
			must(t, "import", "--db", path, eventsFile)
			h := importHolder(t, path)
			released := make(chan time.Time, 1)
			go func() {
				time.Sleep(500 * time.Millisecond)
				h.release()
				released <- time.Now()
			}()
			start := time.Now()
			r := must(t, append(command, "--db", path, "--wait", "2s", "-v")...)
			t.Logf("the other process ended %s after the start, the command %s after it",
				(<-released).Sub(start).Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
			if !strings.Contains(r.stderr, `msg="database in use by another process; waiting"`) || !strings.Contains(r.stderr, fmt.Sprintf("pid=%d", h.pid)) {
				t.Errorf("stderr %q does not say what it waits for", r.stderr)
			}
		})
	}
}

func TestWaitGivesUpAfterItsDuration(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	path := filepath.Join(t.TempDir(), "d.duckdb")
	h := importHolder(t, path)
	start := time.Now()
	r := dorareport(t, "import", "--db", path, "--wait", "1s", eventsFile)
	took := time.Since(start)
	assertLocked(t, "import --wait 1s", r, path, h.pid)
	if !strings.Contains(r.stderr, "still so after waiting 1s") {
		t.Errorf("stderr %q does not say how long it waited", r.stderr)
	}
	if took < time.Second || took > 3*time.Second {
		t.Errorf("gave up after %s, want 1s", took)
	}
}

// Readers open the database read-only, so several work at once; a writer waits for them all.
// A configuration whose services are not stored yet needs a write, and so the same wait.
func TestReadersWorkBesideAnotherReader(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "d.duckdb")
	stored := writeFile(t, dir, "stored.yaml", "services:\n  - name: api\n    team: platform\n    repos: [acme/api]\n  - name: web\n    repos: []\n")
	changed := writeFile(t, dir, "changed.yaml", "services:\n  - name: api\n    team: core\n    repos: [acme/api]\n")
	must(t, "import", "--db", path, "--config", stored, eventsFile)
	h := readerHolder(t, path)
	must(t, args("metrics", "--db", path, window)...)
	must(t, args("report", "--db", path, window, "-o", filepath.Join(dir, "r.html"))...)
	must(t, args("metrics", "--db", path, "--config", stored, window, "--by", "team")...)
	assertLocked(t, "metrics with services to store", dorareport(t, args("metrics", "--db", path, "--config", changed, window)...), path, h.pid)
	assertLocked(t, "import", dorareport(t, "import", "--db", path, eventsFile), path, h.pid)
	h.release()
	r := must(t, args("metrics", "--db", path, "--config", changed, window, "--by", "team")...)
	if !strings.Contains(r.stdout, `"key": "core"`) {
		t.Errorf("the changed services were not stored: %s", r.stdout)
	}
}
