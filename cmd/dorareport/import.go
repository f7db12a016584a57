package main

import (
	"fmt"
	"io"
	"os"

	"github.com/dorareport/dorareport/sources/file"
	"github.com/spf13/cobra"
)

func (a *app) importCommand() *cobra.Command {
	var (
		store storeFlags
		kind  string
	)
	cmd := &cobra.Command{
		Use:   "import [flags] FILE...",
		Short: "Load event files (JSONL or CSV) into the warehouse",
		Long: `Load event files into the warehouse: JSONL with one record per line and a "kind", or CSV files
of one kind each, named after it (deployments.csv) or given --kind. "-" reads stdin.

All the files are written in one transaction: a bad line rejects the import with FILE:LINE and
exit code 3, and nothing of any of the files is written. Importing a record again replaces it.`,
		Example: `  dorareport import events.jsonl
  dorareport import --kind deployment deploys-2024.csv
  gunzip -c events.jsonl.gz | dorareport import -`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("no event files given")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if err := oneOf("kind", kind, importKinds...); err != nil {
				return err
			}
			cfg, err := a.loadConfig(cmd, store)
			if err != nil {
				return err
			}
			db, err := a.open(ctx, cmd, store, cfg, false)
			if err != nil {
				return err
			}
			defer db.Close()
			opts := file.Options{Kind: kind, Stdin: a.stdin}
			if isTerminal(a.stderr) {
				opts.Progress = a.stderr
			}
			counts, err := file.ImportPaths(ctx, db, args, opts)
			if err != nil {
				return err
			}
			for i, path := range args {
				c := counts[i]
				fmt.Fprintf(a.stderr, "imported %s: %d deployments, %d commits, %d pull requests, %d incidents\n",
					displayName(path), c.Deployments, c.Commits, c.PullRequests, c.Incidents)
			}
			a.index(ctx, db, definitions(cfg))
			return nil
		},
	}
	store.register(cmd)
	cmd.Flags().StringVar(&kind, "kind", "", "the `KIND` of every row of the CSV files: deployment, commit, pull_request or incident (default: from the file name)")
	return cmd
}

// importKinds are the names --kind accepts, singular or plural as sources/file reads them.
var importKinds = []string{"deployment", "deployments", "commit", "commits", "pull_request", "pull_requests", "incident", "incidents"}

func displayName(path string) string {
	if path == "-" {
		return "stdin"
	}
	return path
}

// isTerminal reports whether w is a terminal, where progress lines are welcome.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
