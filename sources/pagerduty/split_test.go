package pagerduty

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"
)

// TestListIncidentsSplitsAWindowBeyondTheOffsetLimit pins that a window holding more incidents
// than offset pagination reaches is listed again as two halves, until each half fits.
func TestListIncidentsSplitsAWindowBeyondTheOffsetLimit(t *testing.T) {
	defer func(saved int) { maxOffset = saved }(maxOffset)
	maxOffset = pageLimit + 1 // two pages of one incident each, then the limit
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var created []time.Time
	for _, d := range []int{1, 2, 40, 41, 90, 170} {
		created = append(created, start.AddDate(0, 0, d))
	}
	var windows [][2]time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		since, _ := time.Parse(time.RFC3339, q.Get("since"))
		until, _ := time.Parse(time.RFC3339, q.Get("until"))
		offset, _ := strconv.Atoi(q.Get("offset"))
		if offset == 0 {
			windows = append(windows, [2]time.Time{since, until})
		}
		var in []incident
		for i, c := range created {
			if !c.Before(since) && c.Before(until) {
				in = append(in, incident{ID: "P" + strconv.Itoa(i), CreatedAt: c, Service: ref{ID: "PSVC"}})
			}
		}
		page := in[min(offset, len(in)):min(offset+1, len(in))]
		json.NewEncoder(w).Encode(map[string]any{"incidents": page, "limit": 1, "more": offset+1 < len(in)})
	}))
	defer srv.Close()
	s := New(Config{BaseURL: srv.URL, Token: "t0ken", Services: map[string]string{"PSVC": "api"}})
	if err := s.configure(); err != nil {
		t.Fatal(err)
	}
	got, err := s.listIncidents(context.Background(), "PSVC", start, start.Add(maxWindow))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(created) {
		t.Fatalf("%d incidents listed, want %d", len(got), len(created))
	}
	for i, in := range got {
		if !in.CreatedAt.Equal(created[i]) {
			t.Errorf("incident %d created %s, want %s (oldest first, none twice)", i, in.CreatedAt, created[i])
		}
	}
	if len(windows) < 3 || windows[1][0] != start || windows[1][1] != start.Add(maxWindow/2) {
		t.Errorf("windows %v, want the full window, then its first half, ...", windows)
	}
}
