package main

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
)

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// --last is the previous full calendar period, in the definitions' time zone.
func TestLastPeriod(t *testing.T) {
	tests := []struct {
		name, period, now, tz, since, until string
	}{
		{"week_is_the_iso_week_before_from_monday", "week", "2024-06-15T12:00:00Z", "UTC", "2024-06-03T00:00:00Z", "2024-06-10T00:00:00Z"},
		{"week_on_a_sunday_is_the_week_before_the_current_one", "week", "2024-06-16T23:59:59Z", "UTC", "2024-06-03T00:00:00Z", "2024-06-10T00:00:00Z"},
		{"week_at_monday_midnight_is_the_week_just_ended", "week", "2024-06-10T00:00:00Z", "UTC", "2024-06-03T00:00:00Z", "2024-06-10T00:00:00Z"},
		{"week_across_a_year", "week", "2025-01-01T09:00:00Z", "UTC", "2024-12-23T00:00:00Z", "2024-12-30T00:00:00Z"},
		{"month", "month", "2024-06-15T12:00:00Z", "UTC", "2024-05-01T00:00:00Z", "2024-06-01T00:00:00Z"},
		{"month_in_january_is_december", "month", "2024-01-31T12:00:00Z", "UTC", "2023-12-01T00:00:00Z", "2024-01-01T00:00:00Z"},
		{"quarter", "quarter", "2024-06-15T12:00:00Z", "UTC", "2024-01-01T00:00:00Z", "2024-04-01T00:00:00Z"},
		{"quarter_on_its_first_day", "quarter", "2024-04-01T00:00:00Z", "UTC", "2024-01-01T00:00:00Z", "2024-04-01T00:00:00Z"},
		{"quarter_in_q1_is_last_years_q4", "quarter", "2024-02-10T12:00:00Z", "UTC", "2023-10-01T00:00:00Z", "2024-01-01T00:00:00Z"},
		{"periods_start_at_local_midnight", "month", "2024-06-15T12:00:00Z", "America/New_York", "2024-05-01T04:00:00Z", "2024-06-01T04:00:00Z"},
		{"the_local_date_decides_the_period", "month", "2024-06-01T02:00:00Z", "America/New_York", "2024-04-01T04:00:00Z", "2024-05-01T04:00:00Z"},
		{"week_over_a_dst_change_is_local_midnight_to_midnight", "week", "2024-10-30T12:00:00Z", "Europe/Berlin", "2024-10-20T22:00:00Z", "2024-10-27T23:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			since, until, err := windowFlags{last: tt.period}.resolve(date(tt.now), tt.tz)
			if err != nil {
				t.Fatal(err)
			}
			if !since.Equal(date(tt.since)) || !until.Equal(date(tt.until)) {
				t.Errorf("got [%s, %s), want [%s, %s)", since.Format(time.RFC3339), until.Format(time.RFC3339), tt.since, tt.until)
			}
		})
	}
}

func TestSinceUntil(t *testing.T) {
	now := date("2024-06-15T12:00:00Z")
	tests := []struct {
		name         string
		flags        windowFlags
		since, until string
	}{
		{"defaults_are_90_days_to_now", windowFlags{}, "2024-03-17T12:00:00Z", "2024-06-15T12:00:00Z"},
		{"a_date_is_midnight_utc", windowFlags{since: "2024-01-01", until: "2024-04-01"}, "2024-01-01T00:00:00Z", "2024-04-01T00:00:00Z"},
		{"since_defaults_to_90_days_before_until", windowFlags{until: "2024-04-01"}, "2024-01-02T00:00:00Z", "2024-04-01T00:00:00Z"},
		{"until_defaults_to_now", windowFlags{since: "2024-06-01"}, "2024-06-01T00:00:00Z", "2024-06-15T12:00:00Z"},
		{"rfc3339_offsets_become_utc", windowFlags{since: "2024-06-01T09:30:00+02:00"}, "2024-06-01T07:30:00Z", "2024-06-15T12:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			since, until, err := tt.flags.resolve(now, "UTC")
			if err != nil {
				t.Fatal(err)
			}
			if !since.Equal(date(tt.since)) || !until.Equal(date(tt.until)) || since.Location() != time.UTC {
				t.Errorf("got [%s, %s), want [%s, %s)", since.Format(time.RFC3339), until.Format(time.RFC3339), tt.since, tt.until)
			}
		})
	}
}

// The window the flags select is the one the metrics are computed over, and --last uses the
// configuration's time zone.
func TestWindowReachesTheQuery(t *testing.T) {
	dir := t.TempDir()
	db := importedDB(t)
	cfg := writeFile(t, dir, "c.yaml", "definitions:\n  timezone: Asia/Tokyo\n")
	tests := []struct {
		name         string
		args         []string
		since, until string
	}{
		{"last_week_at_the_fixed_clock", []string{"--last", "week"}, "2024-06-03T00:00:00Z", "2024-06-10T00:00:00Z"},
		{"last_month_in_the_configured_zone", []string{"--last", "month", "--config", cfg}, "2024-04-30T15:00:00Z", "2024-05-31T15:00:00Z"},
		{"last_quarter", []string{"--last", "quarter"}, "2024-01-01T00:00:00Z", "2024-04-01T00:00:00Z"},
		{"default_window", nil, "2024-03-17T12:00:00Z", "2024-06-15T12:00:00Z"},
		{"since_and_until", []string{"--since", "2024-02-01", "--until", "2024-02-15T12:00:00+01:00"}, "2024-02-01T00:00:00Z", "2024-02-15T11:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := must(t, args("metrics", "--db", db, tt.args)...)
			var m dora.Metrics
			if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
				t.Fatal(err)
			}
			if !m.Since.Equal(date(tt.since)) || !m.Until.Equal(date(tt.until)) {
				t.Errorf("window [%s, %s), want [%s, %s)", m.Since.Format(time.RFC3339), m.Until.Format(time.RFC3339), tt.since, tt.until)
			}
		})
	}
}
