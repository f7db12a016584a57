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
			var js []byte
			if echartsJS != "" {
				var err error
				if js, err = os.ReadFile(echartsJS); err != nil {
					return usagef("--echarts-js: %v", err)
				}
			}
			db, q, now, err := a.openForReading(cmd, store, window)
			if err != nil {
				return err
			}
			defer db.Close()
			q.By = dora.Dimension(by)
			in, err := reportInput(cmd.Context(), db, q)
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
	fs.StringVar(&by, "by", "", "break the report down by `DIMENSION` only: service, team, repo or environment (default: services and teams)")
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
