package main

import (
	"fmt"
	"io"
	"math"
	"text/tabwriter"
	"time"

	"github.com/dorareport/dorareport/dora"
)

// writeMetricsTable writes the metrics for people: aligned columns, human units, levels.
func writeMetricsTable(w io.Writer, m *dora.Metrics) error {
	days := m.Until.Sub(m.Since).Hours() / 24
	fmt.Fprintf(w, "%s to %s (%s days), benchmarks %s\n\n", m.Since.Format(time.RFC3339), m.Until.Format(time.RFC3339),
		trimFloat(days, 1), m.Benchmarks)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	header := "\tDEPLOYS\tPER WEEK\tDEPLOY DAYS/WEEK\tLEAD TIME p50\tp90\tCHANGE FAIL RATE\tRECOVERY p50\tREWORK\tTIME TO RESTORE p50\n"
	fmt.Fprint(tw, "SCOPE"+header)
	fmt.Fprint(tw, tableRow("overall", m.Overall))
	for _, g := range m.Groups {
		fmt.Fprint(tw, tableRow(string(g.By)+" "+g.Key, g.Values))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(m.Series) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "PERIOD\tKEY"+header)
	for _, p := range m.Series {
		fmt.Fprint(tw, p.Period+"\t"+tableRow(p.Key, p.Values))
	}
	return tw.Flush()
}

func tableRow(scope string, v dora.Values) string {
	df, lt, cfr, rt := v.DeploymentFrequency, v.LeadTime, v.ChangeFailureRate, v.RecoveryTime
	return fmt.Sprintf("%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
		scope,
		df.Deployments,
		trimFloat(df.PerWeek, 1),
		withLevel(trimFloat(df.MedianDeployDaysPerWeek, 1), df.Level),
		withLevel(humanSeconds(lt.Median), lt.Level),
		humanSeconds(lt.P90),
		withLevel(percent(cfr.Rate), cfr.Level),
		withLevel(humanSeconds(rt.Median), rt.Level),
		percent(v.ReworkRate.Rate),
		humanSeconds(v.TimeToRestore.Median),
	)
}

func withLevel(s string, l dora.Level) string {
	switch l {
	case "":
		return s
	case dora.LevelInsufficient:
		return s + " (too few)"
	}
	return s + " (" + string(l) + ")"
}

// humanSeconds shows a duration in the largest unit that keeps it readable: 45s, 12m, 5.2h, 3.1d.
func humanSeconds(secs *float64) string {
	if secs == nil {
		return "-"
	}
	s := *secs
	switch a := math.Abs(s); {
	case a < 60:
		return trimFloat(s, 0) + "s"
	case a < 3600:
		return trimFloat(s/60, 0) + "m"
	case a < 48*3600:
		return trimFloat(s/3600, 1) + "h"
	}
	return trimFloat(s/86400, 1) + "d"
}

// percent shows a 0..1 rate as a percentage with one decimal; "-" when there is none.
func percent(rate *float64) string {
	if rate == nil {
		return "-"
	}
	return trimFloat(*rate*100, 1) + "%"
}

// trimFloat rounds to at most decimals places and drops a trailing ".0".
func trimFloat(f float64, decimals int) string {
	s := fmt.Sprintf("%.*f", decimals, f)
	if decimals > 0 && s[len(s)-2:] == ".0" {
		s = s[:len(s)-2]
	}
	return s
}
