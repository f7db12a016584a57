package main

import (
	"strconv"
	"time"
)

// now is the current time in UTC, or the time SOURCE_DATE_EPOCH fixes (seconds since 1970, the
// reproducible-builds convention): then every "now" of a run (the default --until, the
// generated-at stamp of a report, the end of the demo's history) is that instant, so the same
// inputs give byte-identical output.
func (a *app) now() (time.Time, error) {
	if v := a.getenv("SOURCE_DATE_EPOCH"); v != "" {
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return time.Time{}, usagef("SOURCE_DATE_EPOCH=%q is not a number of seconds since 1970", v)
		}
		return time.Unix(secs, 0).UTC(), nil
	}
	return a.clock().UTC(), nil
}
