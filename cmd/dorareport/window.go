package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/spf13/pflag"
)

// defaultWindow is how far --since reaches back from --until when it is not given.
const defaultWindow = 90 * 24 * time.Hour

// windowFlags are --since, --until and --last of metrics and report.
type windowFlags struct {
	since, until, last string
}

func (w *windowFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&w.since, "since", "", "start of the window: a `DATE` (YYYY-MM-DD, midnight UTC) or RFC 3339 time (default: 90 days before --until)")
	fs.StringVar(&w.until, "until", "", "end of the window, excluded: a `DATE` (YYYY-MM-DD, midnight UTC) or RFC 3339 time (default: now)")
	fs.StringVar(&w.last, "last", "", "the previous full calendar `PERIOD`: week (from Monday), month or quarter, in the definitions' time zone")
}

// resolve returns the window [since, until) the flags select at the instant now; tz is the
// time zone of calendar periods.
func (w windowFlags) resolve(now time.Time, tz string) (since, until time.Time, err error) {
	if w.last != "" {
		if w.since != "" || w.until != "" {
			return since, until, usagef("--last cannot be combined with --since or --until")
		}
		loc, err := time.LoadLocation(tz)
		if err != nil {
			return since, until, usagef("time zone %q: %v", tz, err)
		}
		return lastPeriod(w.last, now.In(loc))
	}
	until = now
	if w.until != "" {
		if until, err = parseDate("--until", w.until); err != nil {
			return since, until, err
		}
	}
	since = until.Add(-defaultWindow)
	if w.since != "" {
		if since, err = parseDate("--since", w.since); err != nil {
			return since, until, err
		}
	}
	if !since.Before(until) {
		return since, until, usagef("--since %s is not before --until %s", since.Format(time.RFC3339), until.Format(time.RFC3339))
	}
	return since, until, nil
}

// parseDate reads YYYY-MM-DD as midnight UTC, or an RFC 3339 time.
func parseDate(flag, s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, usagef("%s %q: want a date YYYY-MM-DD or an RFC 3339 time such as 2024-03-01T09:00:00Z", flag, s)
	}
	return t.UTC(), nil
}

// lastPeriod is the full calendar week, month or quarter before the one now falls in, with
// now in the zone the periods are counted in.
func lastPeriod(period string, now time.Time) (since, until time.Time, err error) {
	y, m, d := now.Date()
	loc := now.Location()
	switch strings.ToLower(period) {
	case "week":
		// ISO weeks start on Monday; time.Weekday counts from Sunday.
		back := (int(now.Weekday()) + 6) % 7
		until = time.Date(y, m, d-back, 0, 0, 0, 0, loc)
		since = time.Date(y, m, d-back-7, 0, 0, 0, 0, loc)
	case "month":
		until = time.Date(y, m, 1, 0, 0, 0, 0, loc)
		since = time.Date(y, m-1, 1, 0, 0, 0, 0, loc)
	case "quarter":
		first := m - (m-1)%3
		until = time.Date(y, first, 1, 0, 0, 0, 0, loc)
		since = time.Date(y, first-3, 1, 0, 0, 0, 0, loc)
	default:
		return since, until, usagef("--last %q: want week, month or quarter", period)
	}
	return since.UTC(), until.UTC(), nil
}

// oneOf checks a flag value against its allowed values; "" passes (the flag was not given).
func oneOf[T ~string](flag string, value T, allowed ...T) error {
	if value == "" {
		return nil
	}
	for _, v := range allowed {
		if v == value {
			return nil
		}
	}
	return usagef("--%s %q: want %s", flag, value, orList(allowed))
}

func orList[T ~string](values []T) string {
	var b strings.Builder
	for i, v := range values {
		switch {
		case i == 0:
		case i == len(values)-1:
			b.WriteString(" or ")
		default:
			b.WriteString(", ")
		}
		fmt.Fprint(&b, v)
	}
	return b.String()
}

var dimensions = []dora.Dimension{dora.ByService, dora.ByTeam, dora.ByRepo, dora.ByEnvironment}
