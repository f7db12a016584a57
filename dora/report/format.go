package report

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/dorareport/dorareport/dora"
)

// number prints x with one decimal below 10 and none above, dropping a trailing ".0".
func number(x float64) string {
	if math.Abs(x) < 10 {
		s := strconv.FormatFloat(x, 'f', 1, 64)
		return strings.TrimSuffix(s, ".0")
	}
	return thousands(int64(math.Round(x)))
}

// thousands prints n with thin-space-free comma grouping (12,345).
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func count(n int) string { return thousands(int64(n)) }

// duration prints seconds in the unit a reader thinks in: "42 s", "35 min", "19 h", "3.2 days".
func duration(seconds float64) string {
	switch {
	case seconds < 60:
		return strconv.Itoa(int(math.Round(seconds))) + " s"
	case seconds < 3600:
		return strconv.Itoa(int(math.Round(seconds/60))) + " min"
	case seconds < 48*3600:
		return number(seconds/3600) + " h"
	default:
		return number(seconds/86400) + " days"
	}
}

// percent prints a 0..1 rate as a percentage with at most one decimal.
func percent(rate float64) string {
	s := strconv.FormatFloat(rate*100, 'f', 1, 64)
	return strings.TrimSuffix(s, ".0") + "%"
}

// frequency prints deployments per day, week or month, whichever gives a number of at least one.
func frequency(f dora.DeploymentFrequency) string {
	switch {
	case f.PerDay >= 1:
		return number(f.PerDay) + " / day"
	case f.PerWeek >= 1:
		return number(f.PerWeek) + " / week"
	default:
		return number(f.PerDay*365.25/12) + " / month"
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return count(n) + " " + many
}

const (
	dateLayout     = "2 Jan 2006"
	dateTimeLayout = "2 Jan 2006 15:04"
)

// window prints [since, until) as the inclusive days a reader expects: "1 Sep – 30 Nov 2026".
func window(since, until time.Time, loc *time.Location) string {
	s := since.In(loc)
	e := until.Add(-time.Nanosecond).In(loc)
	switch {
	case s.Year() != e.Year():
		return s.Format(dateLayout) + " – " + e.Format(dateLayout)
	case s.Month() != e.Month():
		return s.Format("2 Jan") + " – " + e.Format(dateLayout)
	case s.Day() != e.Day():
		return s.Format("2") + "–" + e.Format(dateLayout)
	}
	return e.Format(dateLayout)
}

// windowDays is the length of [since, until) in days, rounded.
func windowDays(since, until time.Time) int {
	return int(math.Round(until.Sub(since).Hours() / 24))
}

// periodLabel turns a series period (YYYY-MM-DD) into an axis label: "7 Sep" or "Sep 2026".
func periodLabel(period string, monthly bool) string {
	t, err := time.Parse(time.DateOnly, period)
	if err != nil {
		return period
	}
	if monthly {
		return t.Format("Jan 2006")
	}
	return t.Format("2 Jan")
}

// periodTitle is the tooltip heading of a period: "Week of 7 Sep 2026" or "September 2026".
func periodTitle(period string, monthly bool) string {
	t, err := time.Parse(time.DateOnly, period)
	if err != nil {
		return period
	}
	if monthly {
		return t.Format("January 2006")
	}
	return "Week of " + t.Format(dateLayout)
}

// levelName is a level as a reader says it.
func levelName(l dora.Level) string {
	switch l {
	case dora.LevelElite:
		return "Elite"
	case dora.LevelHigh:
		return "High"
	case dora.LevelMedium:
		return "Medium"
	case dora.LevelLow:
		return "Low"
	case dora.LevelInsufficient:
		return "Insufficient data"
	case "":
		return "—"
	}
	return string(l)
}

// shortSHA keeps the first 8 characters of a commit id.
func shortSHA(sha string) string {
	if len(sha) > 8 {
		return sha[:8]
	}
	return sha
}
