package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fixedNow is the clock of every test run: Saturday 15 June 2024, noon UTC.
var fixedNow = time.Date(2024, 6, 15, 12, 0, 0, 0, time.UTC)

// invocation is one in-process run of the command with its own environment and stdin.
type invocation struct {
	env   map[string]string
	stdin string
	ctx   context.Context
}

type result struct {
	code           int
	stdout, stderr string
}

func (inv invocation) run(t *testing.T, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	a := &app{
		stdin:  strings.NewReader(inv.stdin),
		stdout: &stdout,
		stderr: &stderr,
		getenv: func(k string) string { return inv.env[k] },
		clock:  func() time.Time { return fixedNow },
	}
	ctx := inv.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	code := a.run(ctx, args)
	return result{code, stdout.String(), stderr.String()}
}

func dorareport(t *testing.T, args ...string) result {
	t.Helper()
	return invocation{}.run(t, args...)
}

// must runs the command and fails the test unless it exits 0.
func must(t *testing.T, args ...string) result {
	t.Helper()
	r := dorareport(t, args...)
	if r.code != 0 {
		t.Fatalf("dorareport %s: exit %d\nstderr: %s", strings.Join(args, " "), r.code, r.stderr)
	}
	return r
}

// writeFile writes content to name in dir and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// window is the window of the test data, for metrics and report runs.
var window = []string{"--since", "2024-05-01", "--until", "2024-06-01"}

func args(parts ...any) []string {
	var out []string
	for _, p := range parts {
		switch v := p.(type) {
		case string:
			out = append(out, v)
		case []string:
			out = append(out, v...)
		}
	}
	return out
}
