package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/dora/report"
	"github.com/spf13/cobra"
)

// The report formats.
const (
	formatHTML     = "html"
	formatMarkdown = "markdown"
)

// monthlyAfter is the window length beyond which a report's trends are by month, not by week.
const monthlyAfter = 180 * 24 * time.Hour

func (a *app) reportCommand() *cobra.Command {
	var (
		store     storeFlags
		window    windowFlags
		by        string
		format    string
		output    string
		echartsJS string
		title     string
	)
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Render the DORA report of a window as HTML or Markdown",
		Long: `Render the report of a window: the five metrics with their levels, the change from the window
of the same length before it, trends by week (by month for windows over 180 days), a breakdown
and drill-downs. The same database, window and options give byte-identical output when
SOURCE_DATE_EPOCH fixes the generated-at time.`,
		Example: `  dorareport report --last quarter -o quarter.html
  dorareport report --last week --format markdown --by team
  dorareport report --echarts-js node_modules/echarts/dist/echarts.min.js -o offline.html`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := oneOf("by", dora.Dimension(by), dimensions...); err != nil {
				return err
			}
			if err := oneOf("format", format, formatHTML, formatMarkdown); err != nil {
				return err
			}
			if echartsJS != "" && format != formatHTML {
				return usagef("--echarts-js is for --format html")
			}
			now, err := a.now()
			if err != nil {
				return err
			}
			var js []byte
			if echartsJS != "" {
				if js, err = os.ReadFile(echartsJS); err != nil {
					return usagef("--echarts-js: %v", err)
				}
			}
			cfg, err := a.loadConfig(cmd, store)
			if err != nil {
				return err
			}
			defs := definitions(cfg)
			since, until, err := window.resolve(now, defs.WithDefaults().Timezone)
			if err != nil {
				return err
			}
			db, err := a.open(cmd.Context(), cmd, store, cfg, true)
			if err != nil {
				return err
			}
			defer db.Close()
			in, err := reportInput(cmd.Context(), db, dora.Query{Since: since, Until: until, By: dora.Dimension(by), Definitions: defs})
			if err != nil {
				return err
			}
			in.Title, in.GeneratedAt, in.EChartsJS = title, now, js
			return a.writeOutput(output, func(w io.Writer) error { return render(w, format, in) })
		},
	}
	store.register(cmd)
	window.register(cmd.Flags())
	fs := cmd.Flags()
	fs.StringVar(&by, "by", string(dora.ByService), "break the report down by `DIMENSION`: service, team, repo or environment")
	fs.StringVar(&format, "format", formatHTML, "render as `FORMAT`: html or markdown")
	fs.StringVarP(&output, "output", "o", "", "write to `FILE` instead of stdout")
	fs.StringVar(&echartsJS, "echarts-js", "", "inline the ECharts library from `FILE` instead of loading it from the CDN")
	fs.StringVar(&title, "title", "", "the report's `TITLE` (default \"DORA metrics\")")
	cmd.MarkFlagsMutuallyExclusive("last", "since")
	cmd.MarkFlagsMutuallyExclusive("last", "until")
	return cmd
}

// reportInput computes what a report shows for the window of q: the organisation's metrics
// with a trend series (weekly, monthly for long windows), its groups (q.By, else services and
// teams), the same for the window of the same length just before, and the drill-downs.
func reportInput(ctx context.Context, db *dora.DB, q dora.Query) (report.Input, error) {
	q.Interval = dora.Week
	if q.Until.Sub(q.Since) > monthlyAfter {
		q.Interval = dora.Month
	}
	groupings := []dora.Dimension{dora.ByService, dora.ByTeam}
	if q.By != "" {
		groupings = nil
	}
	current, previous, err := db.Compare(ctx, q, groupings...)
	if err != nil {
		return report.Input{}, fmt.Errorf("metrics: %w", err)
	}
	details, err := db.Details(ctx, q)
	if err != nil {
		return report.Input{}, fmt.Errorf("details: %w", err)
	}
	return report.Input{Current: current, Previous: previous, Details: details}, nil
}

func render(w io.Writer, format string, in report.Input) error {
	if format == formatMarkdown {
		return report.Markdown(w, in)
	}
	return report.HTML(w, in)
}
