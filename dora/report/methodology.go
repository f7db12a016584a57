package report

import (
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/dorareport/dorareport/dora"
)

// A setting is one field of dora.Definitions as the methodology prints it.
type setting struct {
	Key, Value, Meaning string
	Items               []string // list settings, printed one by one so quotes and globs read literally
}

// settings lists every field of the definitions in force, so the appendix cannot disagree with
// the numbers above it.
func settings(d dora.Definitions) []setting {
	return []setting{
		{"production_environments", strings.Join(d.ProductionEnvironments, ", "), "environment patterns (case-insensitive globs) that count as production", d.ProductionEnvironments},
		{"incident_window", humanWindow(d.IncidentWindow.Seconds()), "an incident with no caused_by is attributed to the latest deployment of its service this long before it", nil},
		{"lead_time_start", string(d.LeadTimeStart), "which commit time starts the lead-time clock; squash and rebase merges start at the pull request's first commit", nil},
		{"remediation_labels", strings.Join(d.RemediationLabels, ", "), "pull request labels whose deployment remediates the one before it", d.RemediationLabels},
		{"remediation_title_prefixes", strings.Join(d.RemediationTitlePrefixes, ", "), "pull request title prefixes with the same meaning (case-insensitive)", d.RemediationTitlePrefixes},
		{"benchmarks", d.Benchmarks, "the table of performance levels", nil},
		{"timezone", d.Timezone, "the zone of calendar days, ISO weeks and months", nil},
		{"min_sample", count(d.MinSample), "the fewest values a metric needs before it gets a level", nil},
	}
}

// humanSpan prints a configured bound in the unit it was chosen in: "1 h", "1 day", "30 days".
func humanSpan(seconds float64) string {
	switch {
	case seconds >= 86400 && math.Mod(seconds, 86400) == 0:
		if seconds == 86400 {
			return "1 day"
		}
		return strconv.Itoa(int(seconds/86400)) + " days"
	case seconds >= 3600 && math.Mod(seconds, 3600) == 0:
		return strconv.Itoa(int(seconds/3600)) + " h"
	}
	return duration(seconds)
}

// fraction prints a bound below one with two decimals, so 12/52 reads 0.23 and not 0.2.
func fraction(x float64) string {
	if x < 1 {
		return strconv.FormatFloat(x, 'f', 2, 64)
	}
	return number(x)
}

// humanWindow prints a configured duration the way it is usually written: "48 h", "7 days".
func humanWindow(seconds float64) string {
	switch {
	case seconds == 0:
		return "0"
	case seconds < 7*86400 && math.Mod(seconds, 3600) == 0:
		return strconv.Itoa(int(seconds/3600)) + " h"
	}
	return duration(seconds)
}

// defaultDefinitions reports whether d is the preset of METRICS.md.
func defaultDefinitions(d dora.Definitions) bool {
	return reflect.DeepEqual(d.WithDefaults(), dora.DefaultDefinitions())
}

func presetName(d dora.Definitions) string {
	if defaultDefinitions(d) {
		return "default definitions"
	}
	return "custom definitions"
}

// A ladderRow is one level of the benchmark table, a bound per classified metric.
type ladderRow struct {
	Level                                         dora.Level
	DeployDays, LeadTime, ChangeFailure, Recovery string
}

// ladderRows prints the benchmark edition as a table, best level first.
func ladderRows(b dora.Benchmark) []ladderRow {
	levels := []dora.Level{dora.LevelElite, dora.LevelHigh, dora.LevelMedium, dora.LevelLow}
	rows := make([]ladderRow, 0, len(levels))
	for _, l := range levels {
		rows = append(rows, ladderRow{
			Level:         l,
			DeployDays:    bound(b.DeployDaysPerWeek, l, func(x float64) string { return fraction(x) + " days / week" }),
			LeadTime:      bound(b.LeadTime, l, humanSpan),
			ChangeFailure: bound(b.ChangeFailureRate, l, percent),
			Recovery:      bound(b.RecoveryTime, l, humanSpan),
		})
	}
	return rows
}

// bound prints the condition a value meets to reach level l on ladder, "—" when the ladder has
// no such level.
func bound(ladder dora.Ladder, l dora.Level, unit func(float64) string) string {
	for i, lv := range ladder.Levels {
		if lv != l {
			continue
		}
		if i < len(ladder.Bounds) {
			return comparison(ladder, false) + " " + unit(ladder.Bounds[i])
		}
		if len(ladder.Bounds) == 0 {
			return "any"
		}
		return comparison(ladder, true) + " " + unit(ladder.Bounds[len(ladder.Bounds)-1])
	}
	return "—"
}

// comparison is the operator a ladder's bounds are met with, or its opposite for the last level.
func comparison(l dora.Ladder, negate bool) string {
	ops := map[[2]bool]string{{true, true}: "≥", {true, false}: ">", {false, true}: "≤", {false, false}: "<"}
	if negate {
		ops = map[[2]bool]string{{true, true}: "<", {true, false}: "≤", {false, true}: ">", {false, false}: "≥"}
	}
	return ops[[2]bool{l.HigherIsBetter, l.Inclusive}]
}

// qualityRow is one data-quality count with what it means for the numbers.
type qualityRow struct {
	Name    string
	Count   int
	Meaning string
}

func qualityRows(q dora.DataQuality) []qualityRow {
	return []qualityRow{
		{"Deployments without commits", q.DeploymentsWithoutCommits, "their commit range is unknown, so they add no lead time"},
		{"Changes without a commit record", q.ChangesWithoutCommitRecord, "shipped commits never imported, so no lead time"},
		{"Changes without a pull request", q.ChangesWithoutPullRequest, "no stage breakdown; squash merges may start late"},
		{"Negative lead times", q.NegativeLeadTimes, "clock skew, clamped to 0"},
		{"Unattributed incidents", q.UnattributedIncidents, "count for time to restore, never for change fail rate"},
		{"Incidents with a broken caused_by", q.BrokenCausedBy, "name a deployment that is not in the data"},
		{"Unresolved incidents", q.UnresolvedIncidents, "left out of the recovery quantiles"},
		{"Failed or cancelled attempts", q.FailedAttempts, "never counted as deployments"},
		{"Non-production deployments", q.NonProductionDeployments, "other environments, not counted"},
	}
}
