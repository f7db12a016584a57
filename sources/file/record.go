package file

import (
	"time"
)

// fields is one record's named values as a JSON object or a CSV row spells them. An absent or
// null field gives the zero value and no error; a value of the wrong shape gives an error that
// names the field.
type fields interface {
	text(name string) (string, error)
	list(name string) ([]string, error) // nil: absent (unknown); empty, non-nil: known empty
	integer(name string) (int64, error)
	boolean(name string) (bool, error)
}

// record reads fields and keeps the first error, so a record is built in one expression and
// checked once; fields are read in the order the format documents them, which makes the
// reported error the same on every run.
type record struct {
	f   fields
	err error
}

func (r *record) str(name string) string {
	if r.err != nil {
		return ""
	}
	v, err := r.f.text(name)
	r.err = err
	return v
}

func (r *record) strs(name string) []string {
	if r.err != nil {
		return nil
	}
	v, err := r.f.list(name)
	r.err = err
	return v
}

func (r *record) int(name string) int64 {
	if r.err != nil {
		return 0
	}
	v, err := r.f.integer(name)
	r.err = err
	return v
}

func (r *record) bool(name string) bool {
	if r.err != nil {
		return false
	}
	v, err := r.f.boolean(name)
	r.err = err
	return v
}

var (
	minTime = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
)

// time reads an RFC 3339 time. The offset is required: a time without one would be read in
// whatever zone the importing machine happens to be in, and lead times would silently shift.
func (r *record) time(name string) time.Time {
	s := r.str(name)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err == nil {
		t = t.UTC()
		// Year 1 would read as "missing" (the zero time) and DuckDB stores nothing before it.
		if t.Before(minTime) || t.After(maxTime) {
			r.err = invalid("%s: %q is outside the years 1970 to 9999", name, s)
			return time.Time{}
		}
		return t
	}
	if _, local := time.Parse("2006-01-02T15:04:05.999999999", s); local == nil {
		r.err = invalid("%s: %q has no UTC offset (write it as %sZ or with an offset like +01:00)", name, s, s)
	} else {
		r.err = invalid("%s: %q is not an RFC 3339 time (like 2024-03-04T10:00:00Z)", name, s)
	}
	return time.Time{}
}
