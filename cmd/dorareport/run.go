package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/spf13/cobra"
)

// app is one run of the command: its I/O, environment and clock are parameters so that tests
// run commands in-process.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	clock          func() time.Time // the wall clock; see now
	verbose        bool
	log            *slog.Logger
	ran            bool // a command got past cobra's parsing into its own code
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv, clock: time.Now}
	return a.run(ctx, args)
}

func (a *app) run(ctx context.Context, args []string) int {
	a.log = slog.New(slog.DiscardHandler)
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	cmd, err := root.ExecuteContextC(ctx)
	code := exitCode(err, ctx.Err() != nil)
	if err != nil && cmd != nil {
		// cobra's own errors (bad flag, unknown command, wrong arguments) come before the
		// command runs; they are usage errors like the ones the commands return.
		if !a.ran {
			code = exitUsage
		}
		a.printError(cmd, err, code)
	}
	return code
}

func (a *app) printError(cmd *cobra.Command, err error, code int) {
	switch code {
	case exitInterrupted:
		fmt.Fprintf(a.stderr, "dorareport %s: interrupted\n", cmd.Name())
	case exitUsage:
		fmt.Fprintf(a.stderr, "dorareport %s: %v\nRun '%s --help' for usage.\n", cmd.Name(), err, cmd.CommandPath())
	default:
		fmt.Fprintf(a.stderr, "dorareport %s: %v\n", cmd.Name(), err)
	}
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "dorareport",
		Short: "DORA metrics from your deployments, changes and incidents",
		Long: `dorareport pulls deployments, commits, pull requests and incidents from Git hosts, CI and
incident tools (or event files), computes the DORA metrics in a DuckDB warehouse and renders
reports.

Exit codes: 0 success, 1 failure, 2 usage error, 3 bad input data, 4 credentials refused by a
source, 130 interrupted.`,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			a.log = newLogger(a.stderr, a.verbose)
			return nil
		},
	}
	root.PersistentFlags().BoolVarP(&a.verbose, "verbose", "v", false, "log debug messages on stderr")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(
		a.demoCommand(),
		a.importCommand(),
		a.metricsCommand(),
		a.reportCommand(),
		a.collectCommand(),
		a.versionCommand(),
	)
	for _, c := range root.Commands() {
		if run := c.RunE; run != nil {
			c.RunE = func(cmd *cobra.Command, args []string) error {
				a.ran = true // past cobra's parsing and flag checks
				return run(cmd, args)
			}
		}
	}
	return root
}

// newLogger logs to stderr: progress at info level, and debug messages with -v.
func newLogger(w io.Writer, verbose bool) *slog.Logger {
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{
		Level: level,
		ReplaceAttr: func(groups []string, attr slog.Attr) slog.Attr {
			if len(groups) == 0 && attr.Key == slog.TimeKey && !verbose {
				return slog.Attr{} // people watching a run need no timestamps
			}
			return attr
		},
	}))
}
