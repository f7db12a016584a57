package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/dorareport/dorareport/dora"
	"github.com/spf13/cobra"
)

// The output formats of the metrics command.
const (
	formatJSON  = "json"
	formatCSV   = "csv"
	formatTable = "table"
)

func (a *app) metricsCommand() *cobra.Command {
	var (
		store    storeFlags
		window   windowFlags
		by       string
		interval string
		format   string
		output   string
	)
	cmd := &cobra.Command{
		Use:   "metrics",
		Short: "Print the DORA metrics of a window",
		Long: `Print the DORA metrics of a window: JSON (the schema of the documentation; numbers at full
precision), CSV (one row per scope: overall, each group, each series point) or an aligned table
for people.`,
		Example: `  dorareport metrics --last month --by team --format table
  dorareport metrics --since 2024-01-01 --until 2024-04-01 --interval week --format csv -o weekly.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkGrouping(by, interval); err != nil {
				return err
			}
			if err := oneOf("format", format, formatJSON, formatCSV, formatTable); err != nil {
				return err
			}
			db, q, _, err := a.openForReading(cmd, store, window)
			if err != nil {
				return err
			}
			defer db.Close()
			q.By, q.Interval = dora.Dimension(by), dora.Interval(interval)
			m, err := db.Metrics(cmd.Context(), q)
			if err != nil {
				return err
			}
			return a.writeOutput(output, func(w io.Writer) error {
				switch format {
				case formatCSV:
					return writeMetricsCSV(w, m)
				case formatTable:
					return writeMetricsTable(w, m)
				}
				return writeMetricsJSON(w, m)
			})
		},
	}
	store.register(cmd)
	window.register(cmd.Flags())
	fs := cmd.Flags()
	fs.StringVar(&by, "by", "", "group by `DIMENSION`: service, team, repo or environment")
	fs.StringVar(&interval, "interval", "", "add a series by `INTERVAL`: week or month")
	fs.StringVar(&format, "format", formatJSON, "print as `FORMAT`: json, csv or table")
	fs.StringVarP(&output, "output", "o", "", "write to `FILE` instead of stdout")
	cmd.MarkFlagsMutuallyExclusive("last", "since")
	cmd.MarkFlagsMutuallyExclusive("last", "until")
	return cmd
}

// checkGrouping rejects an unknown --by or --interval.
func checkGrouping(by, interval string) error {
	if err := oneOf("by", dora.Dimension(by), dimensions...); err != nil {
		return err
	}
	return oneOf("interval", dora.Interval(interval), dora.Week, dora.Month)
}

// writeMetricsJSON writes the metrics JSON of INTERFACES.md, indented by two spaces, as
// encoding/json indents dora.Metrics. The series, its last field, is written a point at a time:
// by service and week at a million deployments it is some 300 MB of JSON, which encoded in one
// piece took 10 s and a gigabyte of memory.
func writeMetricsJSON(w io.Writer, m *dora.Metrics) error {
	head := *m
	head.Series = nil
	doc, err := json.MarshalIndent(&head, "", "  ")
	if err != nil {
		return err
	}
	if len(m.Series) == 0 {
		_, err := fmt.Fprintf(w, "%s\n", doc)
		return err
	}
	out := bufio.NewWriter(w)
	out.Write(bytes.TrimSuffix(doc, []byte("\n}")))
	out.WriteString(",\n  \"series\": [")
	var point bytes.Buffer
	enc := json.NewEncoder(&point)
	enc.SetIndent("    ", "  ")
	for i := range m.Series {
		point.Reset()
		if err := enc.Encode(&m.Series[i]); err != nil {
			return err
		}
		if i > 0 {
			out.WriteByte(',')
		}
		out.WriteString("\n    ")
		out.Write(bytes.TrimSuffix(point.Bytes(), []byte("\n")))
	}
	out.WriteString("\n  ]\n}\n")
	return out.Flush()
}
