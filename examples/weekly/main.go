// Command weekly collects one GitHub repository into a dorareport warehouse and writes last
// week's DORA report as Markdown: the shape of a cron job or a scheduled CI workflow that posts
// the digest to a chat channel or a wiki.
//
//	GITHUB_TOKEN=... go run ./examples/weekly -repo acme/api -db dora.duckdb -o weekly.md
//
// In GitHub Actions, GITHUB_REPOSITORY and GITHUB_API_URL are set already; on GitHub Enterprise
// Server the latter points the collector at the server. The warehouse file keeps the sync state,
// so each run fetches only what changed since the previous one.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/dora/report"
	"github.com/dorareport/dorareport/sources/github"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "weekly:", err)
		if errors.Is(err, dora.ErrAuth) {
			os.Exit(4)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("weekly", flag.ContinueOnError)
	fs.SetOutput(stderr)
	repo := fs.String("repo", os.Getenv("GITHUB_REPOSITORY"), "repository to collect, owner/name")
	dbPath := fs.String("db", "dora.duckdb", "warehouse file, kept between runs")
	out := fs.String("o", "", "Markdown file to write; empty: stdout")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *repo == "" {
		return errors.New("name the repository with -repo owner/name (or GITHUB_REPOSITORY)")
	}
	token := os.Getenv("GITHUB_TOKEN")
	if token == "" {
		return errors.New("set GITHUB_TOKEN to a token that can read the repository")
	}

	db, err := dora.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	src := github.New(github.Config{
		BaseURL:  os.Getenv("GITHUB_API_URL"),
		Token:    token,
		TokenEnv: "GITHUB_TOKEN",
		Repos:    []string{*repo},
	})
	if err := src.Collect(ctx, db); err != nil {
		return err
	}

	// Last week is the last full ISO week (Monday to Monday, UTC); the week before gives deltas.
	now := time.Now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	until := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
	since := until.AddDate(0, 0, -7)
	q := dora.Query{Since: since, Until: until, By: dora.ByService}
	current, previous, err := db.Compare(ctx, q)
	if err != nil {
		return err
	}
	details, err := db.Details(ctx, q)
	if err != nil {
		return err
	}

	w := stdout
	var file *os.File
	if *out != "" {
		if file, err = os.Create(*out); err != nil {
			return err
		}
		defer file.Close()
		w = file
	}
	in := report.Input{Title: *repo + ", week of " + since.Format("2 January 2006"), Current: current, Previous: previous,
		Details: details, GeneratedAt: now}
	if err := report.Markdown(w, in); err != nil {
		return err
	}
	if file != nil {
		if err := file.Close(); err != nil {
			return err
		}
	}
	fmt.Fprintf(stderr, "%s: %d requests to GitHub\n", *repo, src.Stats().Requests)
	return nil
}
