package main

import (
	"fmt"
	"io"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/dora/doratest"
	"github.com/spf13/cobra"
)

const defaultDemoReport = "dora-report.html"

func (a *app) demoCommand() *cobra.Command {
	var (
		output, dbPath string
		wait           time.Duration
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Generate a synthetic organisation and render its report",
		Long: `Generate a realistic, seeded synthetic organisation (several teams and services, a monorepo, a
year of deployments, commits, pull requests, rollbacks, hotfixes and incidents) into an in-memory
database (or --db) and render its HTML report of the last 90 days. Works offline, with no
configuration.`,
		Example: `  dorareport demo
  dorareport demo -o /tmp/demo.html --db demo.duckdb`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			now, err := a.now()
			if err != nil {
				return err
			}
			db, err := a.openDB(ctx, dbPath, wait, dora.Open)
			if err != nil {
				return err
			}
			defer db.Close()
			org := doratest.DemoOrg(now)
			start := time.Now()
			stats, err := doratest.Generate(ctx, db, org)
			if err != nil {
				return fmt.Errorf("generate the demo organisation: %w", err)
			}
			a.log.Debug("generated demo organisation", "stats", fmt.Sprintf("%+v", stats), "took", time.Since(start).Round(time.Millisecond))
			services := doratest.Services(org)
			if err := db.SetServices(ctx, services); err != nil {
				return err
			}
			a.index(ctx, db, dora.Definitions{})
			// The report ends where the history does, so that it shows no empty days.
			q := dora.Query{Since: org.End.Add(-defaultWindow), Until: org.End}
			in, err := reportInput(ctx, db, q)
			if err != nil {
				return err
			}
			in.Title, in.GeneratedAt = "Demo organisation", now
			if err := a.writeOutput(output, func(w io.Writer) error { return render(w, formatHTML, in) }); err != nil {
				return err
			}
			where := output
			if output == "" || output == "-" {
				where = "the report to stdout"
			}
			fmt.Fprintf(a.stderr, "Wrote %s: %d services, %s to %s.\n", where, len(services),
				q.Since.Format(time.DateOnly), q.Until.Format(time.DateOnly))
			return writeHeadline(a.stderr, in.Current.Overall)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", defaultDemoReport, "write the HTML report to `FILE`")
	cmd.Flags().StringVar(&dbPath, "db", "", "keep the generated data in this DuckDB `FILE` (default: in memory)")
	registerWait(cmd, &wait)
	return cmd
}

// writeHeadline writes the five metrics of a scope, one line each, for a terminal.
func writeHeadline(w io.Writer, v dora.Values) error {
	df, lt, cfr, rt, rw := v.DeploymentFrequency, v.LeadTime, v.ChangeFailureRate, v.RecoveryTime, v.ReworkRate
	lines := [][2]string{
		{"Deployment frequency", withLevel(fmt.Sprintf("%s deploy days a week, %s deployments a week",
			trimFloat(df.MedianDeployDaysPerWeek, 1), trimFloat(df.PerWeek, 1)), df.Level)},
		{"Lead time for changes", withLevel(fmt.Sprintf("median %s, p90 %s over %d changes",
			humanSeconds(lt.Median), humanSeconds(lt.P90), lt.N), lt.Level)},
		{"Change failure rate", withLevel(fmt.Sprintf("%s (%d of %d deployments)", percent(cfr.Rate), cfr.Failed, cfr.Deployments), cfr.Level)},
		{"Recovery time", withLevel(fmt.Sprintf("median %s over %d failures, %d open", humanSeconds(rt.Median), rt.N, rt.Open), rt.Level)},
		{"Rework rate", fmt.Sprintf("%s (%d of %d deployments unplanned)", percent(rw.Rate), rw.Rework, rw.Deployments)},
	}
	for _, l := range lines {
		if _, err := fmt.Fprintf(w, "  %-22s %s\n", l[0], l[1]); err != nil {
			return err
		}
	}
	return nil
}
