package report

import (
	"math"

	"github.com/dorareport/dorareport/dora"
)

// A tile is one headline metric with its level and its change against the previous window.
type tile struct {
	Key    string // stable id: df, lt, cfr, rt, rr
	Name   string
	Value  string // human units, or what is missing ("no deployments")
	Empty  bool   // Value says there is no figure
	Sample string // what n counts ("41 deployments")
	Detail string // a second line of context
	Level  dora.Level
	Delta  delta
}

// A delta compares a metric with the previous window; Tone is better, worse, same or none, and
// never up or down: a falling lead time is good news.
type delta struct {
	Arrow string
	Text  string
	Tone  string
}

// Words a reader sees for a delta.
const (
	toneBetter = "better"
	toneWorse  = "worse"
	toneSame   = "same"
	toneNone   = "none"
)

// metric reads one comparable figure out of Values; ok is false when there is none.
type metric struct {
	value          func(*dora.Values) (v float64, ok bool)
	rate           bool // compare in percentage points, not relative change
	higherIsBetter bool
}

var (
	mFrequency = metric{value: func(v *dora.Values) (float64, bool) {
		return v.DeploymentFrequency.PerWeek, v.DeploymentFrequency.Deployments > 0
	}, higherIsBetter: true}
	mLeadTime     = metric{value: func(v *dora.Values) (float64, bool) { return deref(v.LeadTime.Median) }}
	mFailureRate  = metric{value: func(v *dora.Values) (float64, bool) { return deref(v.ChangeFailureRate.Rate) }, rate: true}
	mRecoveryTime = metric{value: func(v *dora.Values) (float64, bool) { return deref(v.RecoveryTime.Median) }}
	mReworkRate   = metric{value: func(v *dora.Values) (float64, bool) { return deref(v.ReworkRate.Rate) }, rate: true}
)

func deref(p *float64) (float64, bool) {
	if p == nil {
		return 0, false
	}
	return *p, true
}

// compare returns the change of m from prev to cur.
func (m metric) compare(cur, prev *dora.Values) delta {
	if prev == nil {
		return delta{Text: "no previous period", Tone: toneNone}
	}
	c, okC := m.value(cur)
	p, okP := m.value(prev)
	if !okC || !okP {
		return delta{Text: "not comparable", Tone: toneNone}
	}
	var text string
	var diff float64
	if m.rate {
		diff = (c - p) * 100
		if math.Abs(diff) < 0.05 {
			return delta{Arrow: "→", Text: "unchanged", Tone: toneSame}
		}
		text = number(math.Abs(diff)) + " pp"
	} else {
		if p == 0 {
			if c == 0 {
				return delta{Arrow: "→", Text: "unchanged", Tone: toneSame}
			}
			return delta{Arrow: "▲", Text: "up from 0", Tone: m.tone(1)}
		}
		diff = (c - p) / p * 100
		if math.Abs(diff) < 0.5 {
			return delta{Arrow: "→", Text: "unchanged", Tone: toneSame}
		}
		text = number(math.Abs(diff)) + "%"
	}
	arrow := "▲"
	if diff < 0 {
		arrow = "▼"
	}
	return delta{Arrow: arrow, Text: text, Tone: m.tone(diff)}
}

func (m metric) tone(diff float64) string {
	if (diff > 0) == m.higherIsBetter {
		return toneBetter
	}
	return toneWorse
}

// headline builds the five tiles of the report.
func headline(cur, prev *dora.Values) []tile {
	df, lt, cfr, rt, rr := cur.DeploymentFrequency, cur.LeadTime, cur.ChangeFailureRate, cur.RecoveryTime, cur.ReworkRate
	tiles := []tile{
		{Key: "df", Name: "Deployment frequency", Sample: plural(df.Deployments, "deployment", "deployments"), Level: df.Level, Delta: mFrequency.compare(cur, prev)},
		{Key: "lt", Name: "Change lead time", Sample: plural(lt.N, "change", "changes"), Level: lt.Level, Delta: mLeadTime.compare(cur, prev)},
		{Key: "cfr", Name: "Change fail rate", Sample: plural(cfr.Deployments, "deployment", "deployments"), Level: cfr.Level, Delta: mFailureRate.compare(cur, prev)},
		{Key: "rt", Name: "Failed deployment recovery time", Sample: plural(rt.N, "recovery", "recoveries"), Level: rt.Level, Delta: mRecoveryTime.compare(cur, prev)},
		{Key: "rr", Name: "Deployment rework rate", Sample: plural(rr.Deployments, "deployment", "deployments"), Delta: mReworkRate.compare(cur, prev)},
	}
	if df.Deployments > 0 {
		tiles[0].Value = frequency(df)
		tiles[0].Detail = "median " + number(df.MedianDeployDaysPerWeek) + " deploy days a week"
	} else {
		tiles[0].Value, tiles[0].Empty = "no deployments", true
		tiles[0].Detail = "no deployments in this window"
	}
	if lt.Median != nil {
		tiles[1].Value = duration(*lt.Median)
		tiles[1].Detail = "median; p75 " + durationOrDash(lt.P75) + ", p90 " + durationOrDash(lt.P90)
	} else {
		tiles[1].Value, tiles[1].Empty = "no changes", true
		tiles[1].Detail = "no change reached production"
	}
	if cfr.Rate != nil {
		tiles[2].Value = percent(*cfr.Rate)
		tiles[2].Detail = plural(cfr.Failed, "deployment", "deployments") + " failed"
	} else {
		tiles[2].Value, tiles[2].Empty = "no deployments", true
		tiles[2].Detail = "no deployments in this window"
	}
	switch {
	case rt.Median != nil:
		tiles[3].Value = duration(*rt.Median)
		tiles[3].Detail = "median; p90 " + durationOrDash(rt.P90)
	case rt.Open > 0:
		tiles[3].Value, tiles[3].Empty = "none recovered", true
		tiles[3].Detail = "no failed deployment was restored yet"
	default:
		tiles[3].Value, tiles[3].Empty = "no failures", true
		tiles[3].Detail = "no failed deployment to recover from"
	}
	if rt.Open > 0 {
		tiles[3].Detail += " · " + count(rt.Open) + " still open"
	}
	if rr.Rate != nil {
		tiles[4].Value = percent(*rr.Rate)
		tiles[4].Detail = plural(rr.Rework, "unplanned deployment", "unplanned deployments") + " (rollbacks, hotfixes)"
	} else {
		tiles[4].Value, tiles[4].Empty = "no deployments", true
		tiles[4].Detail = "no deployments in this window"
	}
	return tiles
}

func durationOrDash(p *float64) string {
	if p == nil {
		return "—"
	}
	return duration(*p)
}
