package pagerduty_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	token     = "pd-secret-token-1234"
	serviceID = "PIJ90N7" // the service of the vendor examples
)

// fakePD is a PagerDuty REST API v2 over httptest, serving the vendor example payloads of
// testdata/ with the listed incidents replaced, real offset paging and PagerDuty's limits.
type fakePD struct {
	t   *testing.T
	srv *httptest.Server

	mu         sync.Mutex
	incidents  []map[string]any            // the account's incidents, any order
	notes      map[string][]map[string]any // by incident id
	logEntries map[string][]map[string]any // by incident id
	changes    []map[string]any
	pageSize   int      // the most items one page holds
	requests   []string // "PATH?QUERY" of every request, in order
	// intercept, when it returns true, has answered the request itself (errors, rate limits).
	intercept func(w http.ResponseWriter, r *http.Request) bool
	// ignoreServiceFilter serves every incident whatever service_ids[] asks for.
	ignoreServiceFilter bool
}

func newFakePD(t *testing.T) *fakePD {
	f := &fakePD{t: t, notes: map[string][]map[string]any{}, logEntries: map[string][]map[string]any{}, pageSize: 100}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// fixture decodes testdata/NAME.
func fixture(t testing.TB, name string) map[string]any {
	t.Helper()
	raw, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// clone deep-copies a decoded JSON object.
func clone(t testing.TB, v map[string]any) map[string]any {
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	json.Unmarshal(raw, &c)
	return c
}

// vendorIncident returns the incident of the vendor's list example.
func vendorIncident(t testing.TB) map[string]any {
	return fixture(t, "list_incidents.json")["incidents"].([]any)[0].(map[string]any)
}

// incident returns the vendor incident with the given id, service, creation and resolution
// (zero: still triggered).
func incident(t testing.TB, id, service string, created, resolved time.Time) map[string]any {
	in := clone(t, vendorIncident(t))
	in["id"] = id
	in["html_url"] = "https://subdomain.pagerduty.com/incidents/" + id
	in["created_at"] = created.UTC().Format(time.RFC3339)
	in["service"].(map[string]any)["id"] = service
	if resolved.IsZero() {
		in["status"], in["resolved_at"] = "triggered", nil
	} else {
		in["status"], in["resolved_at"] = "resolved", resolved.UTC().Format(time.RFC3339)
		in["last_status_change_at"] = resolved.UTC().Format(time.RFC3339)
	}
	return in
}

func (f *fakePD) add(in ...map[string]any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.incidents = append(f.incidents, in...)
}

// update changes the stored incident with id.
func (f *fakePD) update(id string, change func(map[string]any)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, in := range f.incidents {
		if in["id"] == id {
			change(in)
			return
		}
	}
	f.t.Fatalf("no incident %s", id)
}

// requested returns the requests whose path is path.
func (f *fakePD) requested(path string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, r := range f.requests {
		if p, _, _ := strings.Cut(r, "?"); p == path {
			out = append(out, r)
		}
	}
	return out
}

func (f *fakePD) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests = append(f.requests, r.URL.Path+"?"+r.URL.RawQuery)
	intercept := f.intercept
	f.mu.Unlock()
	if intercept != nil && intercept(w, r) {
		return
	}
	if r.Method != http.MethodGet {
		f.t.Errorf("%s %s: want GET", r.Method, r.URL)
	}
	if got := r.Header.Get("Accept"); got != "application/vnd.pagerduty+json;version=2" {
		f.t.Errorf("%s: Accept %q", r.URL.Path, got)
	}
	if got := r.Header.Get("Authorization"); got != "Token token="+token {
		writeError(w, http.StatusUnauthorized, 2006, "Unauthorized")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case len(parts) == 1 && parts[0] == "incidents":
		f.listIncidents(w, r)
	case len(parts) == 2 && parts[0] == "incidents":
		for _, in := range f.incidents {
			if in["id"] == parts[1] {
				writeJSON(w, map[string]any{"incident": in})
				return
			}
		}
		writeError(w, http.StatusNotFound, 2100, "Not Found")
	case len(parts) == 3 && parts[0] == "incidents" && parts[2] == "log_entries":
		f.page(w, r, "log_entries", f.logEntries[parts[1]])
	case len(parts) == 3 && parts[0] == "incidents" && parts[2] == "notes":
		writeJSON(w, map[string]any{"notes": orEmpty(f.notes[parts[1]])})
	case len(parts) == 3 && parts[0] == "services" && parts[2] == "change_events":
		since, until, ok := f.window(w, r)
		if !ok {
			return
		}
		var out []map[string]any
		for _, c := range f.changes {
			at := parseTime(c["timestamp"])
			onService := slices.ContainsFunc(c["services"].([]any), func(s any) bool { return s.(map[string]any)["id"] == parts[1] })
			if onService && !at.Before(since) && at.Before(until) {
				out = append(out, c)
			}
		}
		f.page(w, r, "change_events", out)
	default:
		writeError(w, http.StatusNotFound, 2100, "Not Found")
	}
}

// window reads since and until, refusing ranges longer than PagerDuty's six months.
func (f *fakePD) window(w http.ResponseWriter, r *http.Request) (time.Time, time.Time, bool) {
	since, err1 := time.Parse(time.RFC3339, r.URL.Query().Get("since"))
	until, err2 := time.Parse(time.RFC3339, r.URL.Query().Get("until"))
	if err1 != nil || err2 != nil {
		writeError(w, http.StatusBadRequest, 2001, "Invalid Input Provided: since and until")
		return since, until, false
	}
	if until.After(since.AddDate(0, 6, 0)) {
		writeError(w, http.StatusBadRequest, 2001, "Invalid Input Provided: the range may not exceed 6 months")
		return since, until, false
	}
	return since, until, true
}

func (f *fakePD) listIncidents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("total") != "false" || q.Get("sort_by") != "created_at:asc" {
		f.t.Errorf("list incidents: query %s", r.URL.RawQuery)
	}
	since, until, ok := f.window(w, r)
	if !ok {
		return
	}
	var out []map[string]any
	for _, in := range f.incidents {
		at := parseTime(in["created_at"])
		onService := f.ignoreServiceFilter || slices.Contains(q["service_ids[]"], in["service"].(map[string]any)["id"].(string))
		if onService && !at.Before(since) && at.Before(until) {
			out = append(out, in)
		}
	}
	slices.SortStableFunc(out, func(a, b map[string]any) int { return parseTime(a["created_at"]).Compare(parseTime(b["created_at"])) })
	f.page(w, r, "incidents", out)
}

// page serves one page of items as classic pagination does: the body's limit is the page
// size actually served, more says whether items are left.
func (f *fakePD) page(w http.ResponseWriter, r *http.Request, key string, items []map[string]any) {
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil || limit > 100 {
		writeError(w, http.StatusBadRequest, 2001, "Invalid Input Provided: limit")
		return
	}
	limit = min(limit, f.pageSize)
	end := min(offset+limit, len(items))
	offset = min(offset, end)
	writeJSON(w, map[string]any{key: orEmpty(items[offset:end]), "limit": limit, "offset": offset, "more": end < len(items), "total": nil})
}

func orEmpty(items []map[string]any) []map[string]any {
	if items == nil {
		return []map[string]any{}
	}
	return items
}

func parseTime(v any) time.Time {
	t, _ := time.Parse(time.RFC3339, fmt.Sprint(v))
	return t
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// writeError answers as PagerDuty does: {"error": {"message", "code"}}.
func writeError(w http.ResponseWriter, status, code int, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": message, "code": code}})
}
