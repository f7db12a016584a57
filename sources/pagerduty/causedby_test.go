package pagerduty_test

import (
	"context"
	"testing"
	"time"

	"github.com/dorareport/dorareport/sources/pagerduty"
)

// changeEvent returns the vendor's change event example moved to service, at, with details.
func changeEvent(t testing.TB, id, service string, at time.Time, summary string, details map[string]any) map[string]any {
	c := clone(t, fixture(t, "list_change_events.json")["change_events"].([]any)[0].(map[string]any))
	c["id"], c["timestamp"] = id, at.UTC().Format(time.RFC3339)
	c["services"] = []any{map[string]any{"id": service, "type": "service_reference"}}
	if summary != "" {
		c["summary"] = summary
	}
	if details != nil {
		c["custom_details"] = details
	}
	return c
}

func TestCausedBy(t *testing.T) {
	started := at("2024-01-02T10:00:00Z")
	sha := "9f2c4e1b7a0d3c5e8f6a2b4c1d0e9f8a7b6c5d4e"
	for _, tc := range []struct {
		name    string
		notes   []string
		changes func(t testing.TB) []map[string]any
		want    string
	}{
		{name: "note_naming_the_deployment", notes: []string{"Paged the on-call.", "Root cause found. Caused by: d-101."}, want: "d-101"},
		{name: "note_naming_a_sha_in_backticks", notes: []string{"caused by: `" + sha + "`"}, want: sha},
		{name: "first_note_that_names_a_cause_wins", notes: []string{"caused by: d-7", "caused by: d-8"}, want: "d-7"},
		{name: "note_wins_over_change_event", notes: []string{"caused by: d-101"}, changes: func(t testing.TB) []map[string]any {
			return []map[string]any{changeEvent(t, "C1", serviceID, started.Add(-10*time.Minute), "", map[string]any{"sha": sha})}
		}, want: "d-101"},
		{name: "sha_of_a_change_event_shortly_before", changes: func(t testing.TB) []map[string]any {
			return []map[string]any{changeEvent(t, "C1", serviceID, started.Add(-40*time.Minute), "", map[string]any{"build_number": "2", "commit": sha})}
		}, want: sha},
		{name: "short_sha_in_the_summary", changes: func(t testing.TB) []map[string]any {
			return []map[string]any{changeEvent(t, "C1", serviceID, started.Add(-5*time.Minute), "Deploy api@9f2c4e1 to production", map[string]any{"build_number": "1234567"})}
		}, want: "9f2c4e1"},
		{name: "latest_change_event_wins", changes: func(t testing.TB) []map[string]any {
			return []map[string]any{
				changeEvent(t, "C1", serviceID, started.Add(-50*time.Minute), "", map[string]any{"sha": "aaaaaaa1"}),
				changeEvent(t, "C2", serviceID, started.Add(-20*time.Minute), "", map[string]any{"sha": "bbbbbbb2"}),
			}
		}, want: "bbbbbbb2"},
		{name: "change_event_outside_the_window_links_nothing", changes: func(t testing.TB) []map[string]any {
			return []map[string]any{changeEvent(t, "C1", serviceID, started.Add(-2*time.Hour), "", map[string]any{"sha": sha})}
		}},
		{name: "change_event_after_the_incident_links_nothing", changes: func(t testing.TB) []map[string]any {
			return []map[string]any{changeEvent(t, "C1", serviceID, started.Add(time.Minute), "", map[string]any{"sha": sha})}
		}},
		{name: "change_event_of_another_service_links_nothing", changes: func(t testing.TB) []map[string]any {
			return []map[string]any{changeEvent(t, "C1", "PEYSGRV", started.Add(-5*time.Minute), "", map[string]any{"sha": sha})}
		}},
		{name: "build_numbers_are_not_shas", changes: func(t testing.TB) []map[string]any {
			// The vendor example as it is: a build number, a run time, no sha.
			return []map[string]any{changeEvent(t, "C1", serviceID, started.Add(-5*time.Minute), "", nil)}
		}},
		{name: "no_note_and_no_change_event"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakePD(t)
			f.add(incident(t, "PCAUSE", serviceID, started, started.Add(time.Hour)))
			for i, text := range tc.notes {
				f.notes["PCAUSE"] = append(f.notes["PCAUSE"], map[string]any{"id": "N" + string(rune('A'+i)), "content": text,
					"created_at": started.Add(time.Duration(i+1) * time.Minute).Format(time.RFC3339)})
			}
			if tc.changes != nil {
				f.changes = tc.changes(t)
			}
			db := openDB(t)
			if err := pagerduty.New(f.config(at("2024-01-01T00:00:00Z"), at("2024-01-10T00:00:00Z"))).Collect(context.Background(), db); err != nil {
				t.Fatal(err)
			}
			if got := incidents(t, db)["pagerduty/PCAUSE"].CausedBy; got != tc.want {
				t.Errorf("caused_by %q, want %q", got, tc.want)
			}
		})
	}
}
