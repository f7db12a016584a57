package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// processTimeout bounds one run of the binary, so a hung process fails its test instead of the
// whole test binary.
const processTimeout = 3 * time.Minute

// process prepares a run of this test binary as dorareport itself (TestMain runs main for it),
// with env added to the test's environment.
func process(ctx context.Context, env map[string]string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), "DORAREPORT_TEST_RUN_MAIN=1")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	return cmd
}

// runProcess runs the binary to its end and returns its exit code and output.
func runProcess(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), processTimeout)
	defer cancel()
	cmd := process(ctx, env, args...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	return result{exitStatus(t, cmd.Run()), stdout.String(), stderr.String()}
}

// exitStatus is the exit code of a finished process: -1 when a signal ended it.
func exitStatus(t *testing.T, err error) int {
	t.Helper()
	if err == nil {
		return 0
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return exit.ExitCode()
}
