package opsgenie_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/opsgenie"
)

const token = "og-secret-key-1234"

// fakeOpsgenie is Opsgenie's incident and alert API over httptest: it serves items shaped as
// testdata's schema-checked payloads, filtered by the createdAt and tag conditions of the
// search query, sorted by createdAt, paged with offset and limit and the body's paging.next.
type fakeOpsgenie struct {
	t   *testing.T
	srv *httptest.Server

	mu        sync.Mutex
	incidents []map[string]any
	alerts    []map[string]any
	pageSize  int
	requests  []string
	// intercept, when it returns true, has answered the request itself.
	intercept func(w http.ResponseWriter, r *http.Request) bool
}

func newFake(t *testing.T) *fakeOpsgenie {
	f := &fakeOpsgenie{t: t, pageSize: 100}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// template returns the first item of testdata's list payload, deep-copied.
func template(t testing.TB, name string) map[string]any {
	var body struct {
		Data []map[string]any `json:"data"`
	}
	if err := json.Unmarshal(readFile(t, name), &body); err != nil {
		t.Fatal(err)
	}
	return body.Data[0]
}

// newIncident returns the template incident with id, tags, creation and resolution (zero: open).
func newIncident(t testing.TB, id string, tags []string, created, resolved time.Time) map[string]any {
	in := template(t, "list_incidents.json")
	in["id"], in["tags"], in["createdAt"] = id, anys(tags), ms(created)
	if resolved.IsZero() {
		in["status"], in["updatedAt"] = "open", ms(created.Add(time.Minute))
	} else {
		in["status"], in["updatedAt"] = "resolved", ms(resolved)
	}
	return in
}

// newAlert returns the template alert with id, tags, creation and close (zero: open).
func newAlert(t testing.TB, id string, tags []string, created, closed time.Time) map[string]any {
	a := template(t, "list_alerts.json")
	a["id"], a["tags"], a["createdAt"] = id, anys(tags), ms(created)
	report := a["report"].(map[string]any)
	if closed.IsZero() {
		a["status"], a["updatedAt"] = "open", ms(created.Add(time.Minute))
		delete(report, "closeTime")
	} else {
		// Updated after the close, as when a note is added later: closeTime is the truth.
		a["status"], a["updatedAt"] = "closed", ms(closed.Add(time.Hour))
		report["closeTime"] = closed.Sub(created).Milliseconds()
	}
	return a
}

func anys(ss []string) []any {
	out := []any{}
	for _, s := range ss {
		out = append(out, s)
	}
	return out
}

func ms(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

func (f *fakeOpsgenie) requested(path string) []string {
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

func (f *fakeOpsgenie) update(items []map[string]any, id string, change func(map[string]any)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, it := range items {
		if it["id"] == id {
			change(it)
			return
		}
	}
	f.t.Fatalf("no item %s", id)
}

var (
	createdCond = regexp.MustCompile(`createdAt\s*(>=|<)\s*(\d+)`)
	tagCond     = regexp.MustCompile(`tag:\s*"([^"]*)"`)
)

func (f *fakeOpsgenie) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests = append(f.requests, r.URL.Path+"?"+r.URL.RawQuery)
	intercept := f.intercept
	f.mu.Unlock()
	if intercept != nil && intercept(w, r) {
		return
	}
	if r.Header.Get("Authorization") != "GenieKey "+token {
		writeError(w, http.StatusUnauthorized, "Could not authenticate")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case r.URL.Path == "/v1/incidents":
		f.list(w, r, f.incidents)
	case r.URL.Path == "/v2/alerts":
		f.list(w, r, f.alerts)
	case strings.HasPrefix(r.URL.Path, "/v1/incidents/"):
		f.get(w, r, f.incidents, strings.TrimPrefix(r.URL.Path, "/v1/incidents/"))
	case strings.HasPrefix(r.URL.Path, "/v2/alerts/"):
		f.get(w, r, f.alerts, strings.TrimPrefix(r.URL.Path, "/v2/alerts/"))
	default:
		writeError(w, http.StatusNotFound, "No such endpoint")
	}
}

func (f *fakeOpsgenie) get(w http.ResponseWriter, r *http.Request, items []map[string]any, id string) {
	if r.URL.Query().Get("identifierType") != "id" {
		f.t.Errorf("%s: identifierType %q, want id", r.URL.Path, r.URL.Query().Get("identifierType"))
	}
	for _, it := range items {
		if it["id"] == id {
			writeJSON(w, map[string]any{"data": it, "took": 0.01, "requestId": "req-get"})
			return
		}
	}
	writeError(w, http.StatusNotFound, "Incident with id ["+id+"] does not exist")
}

func (f *fakeOpsgenie) list(w http.ResponseWriter, r *http.Request, items []map[string]any) {
	q := r.URL.Query()
	if q.Get("sort") != "createdAt" || q.Get("order") != "asc" {
		f.t.Errorf("%s: sort %q order %q, want createdAt asc", r.URL.Path, q.Get("sort"), q.Get("order"))
	}
	query := q.Get("query")
	lo, hi := int64(0), int64(1<<62)
	for _, m := range createdCond.FindAllStringSubmatch(query, -1) {
		n, _ := strconv.ParseInt(m[2], 10, 64)
		if m[1] == ">=" {
			lo = n
		} else {
			hi = n
		}
	}
	var out []map[string]any
	for _, it := range items {
		created, _ := time.Parse(time.RFC3339, it["createdAt"].(string))
		if m := tagCond.FindStringSubmatch(query); m != nil && !slices.Contains(it["tags"].([]any), any(m[1])) {
			continue
		}
		if c := created.UnixMilli(); c >= lo && c < hi {
			out = append(out, it)
		}
	}
	slices.SortStableFunc(out, func(a, b map[string]any) int {
		return strings.Compare(a["createdAt"].(string), b["createdAt"].(string))
	})
	offset, _ := strconv.Atoi(q.Get("offset"))
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit < 1 || limit > 100 {
		writeError(w, http.StatusUnprocessableEntity, "limit must be between 1 and 100")
		return
	}
	limit = min(limit, f.pageSize)
	end := min(offset+limit, len(out))
	offset = min(offset, end)
	page := func(off int) string {
		u := *r.URL
		v := u.Query()
		v.Set("offset", strconv.Itoa(off))
		u.RawQuery = v.Encode()
		return f.srv.URL + u.String()
	}
	paging := map[string]any{"first": page(0), "last": page(max(len(out)-1, 0) / limit * limit)}
	if end < len(out) {
		paging["next"] = page(end)
		w.Header().Set("X-Paging-Next", page(end))
	}
	if offset > 0 {
		paging["prev"] = page(max(offset-limit, 0))
	}
	writeJSON(w, map[string]any{"data": orEmpty(out[offset:end]), "paging": paging, "took": 0.1, "requestId": "req-list"})
}

func orEmpty(items []map[string]any) []map[string]any {
	if items == nil {
		return []map[string]any{}
	}
	return items
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// writeError answers as Opsgenie does: {"message", "took", "requestId"}.
func writeError(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"message": message, "took": 0.0, "requestId": "req-error"})
}

// config is a Config for the fake mapping the tag "checkout" to the service "checkout".
func (f *fakeOpsgenie) config(since, until time.Time) opsgenie.Config {
	return opsgenie.Config{BaseURL: f.srv.URL, Token: token, TokenEnv: "OPSGENIE_TOKEN",
		Services: map[string]string{"checkout": "checkout", "payments": "payments"}, Since: since, Until: until}
}

func openDB(t testing.TB) *dora.DB {
	t.Helper()
	db, err := dora.Open(context.Background(), filepath.Join(t.TempDir(), "dora.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// incidents returns the stored incidents by id.
func incidents(t testing.TB, db *dora.DB) map[string]dora.Incident {
	t.Helper()
	rs, err := db.SQL().QueryContext(context.Background(), `SELECT id, coalesce(service, ''), coalesce(environment, ''),
		coalesce(title, ''), coalesce(severity, ''), started_at, resolved_at, coalesce(url, ''), coalesce(source, '') FROM incidents`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	out := map[string]dora.Incident{}
	for rs.Next() {
		var i dora.Incident
		var resolved sql.NullTime
		if err := rs.Scan(&i.ID, &i.Service, &i.Environment, &i.Title, &i.Severity, &i.StartedAt, &resolved, &i.URL, &i.Source); err != nil {
			t.Fatal(err)
		}
		i.StartedAt = i.StartedAt.UTC()
		if resolved.Valid {
			i.ResolvedAt = resolved.Time.UTC()
		}
		out[i.ID] = i
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// query returns the decoded query of a recorded request.
func query(t testing.TB, request string) url.Values {
	_, raw, _ := strings.Cut(request, "?")
	q, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatal(err)
	}
	return q
}
