package dora_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dorareport/dorareport/dora"
)

// TestLockHolderProcess is not a test: lockHolder runs this test binary as a second process that
// opens the warehouse named by DORA_TEST_HOLD and keeps it open until its stdin closes.
func TestLockHolderProcess(t *testing.T) {
	path := os.Getenv("DORA_TEST_HOLD")
	if path == "" {
		t.Skip("runs only as the lock holder of another test")
	}
	open := dora.Open
	if os.Getenv("DORA_TEST_HOLD_MODE") == "read-only" {
		open = dora.OpenReadOnly
	}
	db, err := open(context.Background(), path)
	if err != nil {
		fmt.Println("failed:", err)
		os.Exit(1)
	}
	fmt.Println("holding")
	io.Copy(io.Discard, os.Stdin)
	db.Close()
}

// lockHolder starts a process that holds path open (for writing, or read-only) and returns it
// with the function that makes it close the database and exit.
func lockHolder(t *testing.T, path string, readOnly bool) (*exec.Cmd, func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHolderProcess$")
	cmd.Env = append(os.Environ(), "DORA_TEST_HOLD="+path)
	if readOnly {
		cmd.Env = append(cmd.Env, "DORA_TEST_HOLD_MODE=read-only")
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	release := func() {
		stdin.Close()
		cmd.Wait()
	}
	t.Cleanup(release)
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if line != "holding\n" {
		t.Fatalf("the lock holder did not open %s: %q", path, line)
	}
	return cmd, release
}

func TestOpenNamesTheProcessThatHoldsTheDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	dir := t.TempDir()
	path := warehouse(t, dir, 10)
	holder, release := lockHolder(t, path, false)
	for name, err := range openBoth(t, path) {
		var locked *dora.LockedError
		if !errors.As(err, &locked) {
			t.Fatalf("%s while another process writes: err = %v, want a *LockedError", name, err)
		}
		if locked.PID != holder.Process.Pid || filepath.Base(locked.Program) != filepath.Base(os.Args[0]) || locked.Path != path {
			t.Errorf("%s: %+v, want PID %d, program %s, path %s", name, locked, holder.Process.Pid, os.Args[0], path)
		}
		if want := fmt.Sprintf("(PID %d", holder.Process.Pid); !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: %q does not name the file and %s", name, err, want)
		}
		if errors.Unwrap(locked) == nil {
			t.Errorf("%s: the LockedError does not wrap DuckDB's error", name)
		}
	}
	release()
	db, err := dora.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open after the other process ended: %v", err)
	}
	db.Close()
}

// Readers share a file, but a writer is refused while one reads it.
func TestReadersShareTheDatabaseButShutOutWriters(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	path := warehouse(t, t.TempDir(), 10)
	holder, _ := lockHolder(t, path, true)
	db, err := dora.OpenReadOnly(context.Background(), path)
	if err != nil {
		t.Fatalf("OpenReadOnly while another process reads: %v", err)
	}
	if n := count(t, db, `SELECT count(*) FROM incidents`); n != 10 {
		t.Errorf("incidents = %d, want 10", n)
	}
	db.Close()
	_, err = dora.Open(context.Background(), path)
	var locked *dora.LockedError
	if !errors.As(err, &locked) || locked.PID != holder.Process.Pid {
		t.Fatalf("Open while another process reads: err = %v, want a *LockedError naming PID %d", err, holder.Process.Pid)
	}
}

func TestLockedErrorReadsDuckDBsMessage(t *testing.T) {
	duckdbErr := func(msg string) error {
		return errors.New(`database/sql/driver: could not connect to database: IO Error: ` + msg)
	}
	tests := []struct {
		name string
		err  error
		want *dora.LockedError // nil: not a lock error
	}{
		{"holder named", duckdbErr(`Could not set lock on file "/d/dora.duckdb": Conflicting lock is held in /usr/local/bin/dorareport (PID 4242). See also https://duckdb.org/docs/stable/connect/concurrency`),
			&dora.LockedError{PID: 4242, Program: "/usr/local/bin/dorareport"}},
		{"holder and user named", duckdbErr(`Could not set lock on file "/d/dora.duckdb": Conflicting lock is held in /opt/my tools/python3 (PID 17) by user ann.lee. See also https://duckdb.org/docs/stable/connect/concurrency`),
			&dora.LockedError{PID: 17, Program: "/opt/my tools/python3", User: "ann.lee"}},
		{"holder unknown", duckdbErr(`Could not set lock on file "/d/dora.duckdb": Resource temporarily unavailable`),
			&dora.LockedError{}},
		{"another IO error", duckdbErr(`Could not read enough bytes from file "/d/dora.duckdb"`), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := dora.LockedErrorOf("/d/dora.duckdb", tt.err)
			if tt.want == nil {
				if got != nil {
					t.Fatalf("got %+v, want no LockedError", got)
				}
				return
			}
			if got == nil {
				t.Fatal("got no LockedError")
			}
			if got.PID != tt.want.PID || got.Program != tt.want.Program || got.User != tt.want.User || got.Path != "/d/dora.duckdb" || got.Err != tt.err {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
