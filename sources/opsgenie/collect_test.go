package opsgenie_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/opsgenie"
)

func TestCollectMapsTheIncidentFields(t *testing.T) {
	f := newFake(t)
	f.incidents = append(f.incidents, template(t, "list_incidents.json"))
	db := openDB(t)
	src := opsgenie.New(f.config(at("2024-01-01T00:00:00Z"), at("2024-01-10T00:00:00Z")))
	if err := src.Collect(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	got := incidents(t, db)["opsgenie/incident/696f0759-3b0f-4a15-b8c8-19d3dfca33f2"]
	want := dora.Incident{ID: "opsgenie/incident/696f0759-3b0f-4a15-b8c8-19d3dfca33f2", Service: "checkout",
		Title: "Checkout API 5xx rate above 5%", Severity: "P2", Source: "opsgenie",
		StartedAt: at("2024-01-05T10:30:00.521Z"), ResolvedAt: at("2024-01-05T12:30:00.004Z")}
	if !equal(got, want) {
		t.Errorf("stored\n%+v\nwant\n%+v", got, want)
	}
	if src.Name() != "opsgenie" {
		t.Errorf("Name() = %q", src.Name())
	}
}

func TestCollectService(t *testing.T) {
	for _, tc := range []struct {
		name     string
		tags     []string
		props    map[string]any
		property string
		want     string // "": skipped
	}{
		{name: "first_mapped_tag", tags: []string{"customer-facing", "payments", "checkout"}, want: "payments"},
		{name: "extra_property_wins_over_tags", tags: []string{"checkout"}, props: map[string]any{"service": "billing"}, property: "service", want: "billing"},
		{name: "empty_extra_property_falls_back_to_tags", tags: []string{"checkout"}, props: map[string]any{"service": ""}, property: "service", want: "checkout"},
		{name: "unmapped_tags_are_skipped", tags: []string{"customer-facing"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			in := newIncident(t, "i-1", tc.tags, at("2024-01-02T10:00:00Z"), at("2024-01-02T11:00:00Z"))
			if tc.props != nil {
				in["extraProperties"] = tc.props
			}
			f.incidents = append(f.incidents, in)
			db := openDB(t)
			cfg := f.config(at("2024-01-01T00:00:00Z"), at("2024-01-10T00:00:00Z"))
			cfg.ServiceProperty = tc.property
			if err := opsgenie.New(cfg).Collect(context.Background(), db); err != nil {
				t.Fatal(err)
			}
			got, ok := incidents(t, db)["opsgenie/incident/i-1"]
			if tc.want == "" {
				if ok {
					t.Errorf("stored under %q, want skipped", got.Service)
				}
				return
			}
			if got.Service != tc.want {
				t.Errorf("service %q, want %q", got.Service, tc.want)
			}
		})
	}
}

func TestCollectFollowsPagingNext(t *testing.T) {
	f := newFake(t)
	f.pageSize = 2
	for i := range 5 {
		created := at("2024-01-02T00:00:00Z").Add(time.Duration(i) * time.Hour)
		f.incidents = append(f.incidents, newIncident(t, "i-"+string(rune('a'+i)), []string{"checkout"}, created, created.Add(time.Hour)))
	}
	db := openDB(t)
	if err := opsgenie.New(f.config(at("2024-01-01T00:00:00Z"), at("2024-01-10T00:00:00Z"))).Collect(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	if n := len(incidents(t, db)); n != 5 {
		t.Errorf("%d incidents stored, want 5", n)
	}
	var offsets []string
	for _, r := range f.requested("/v1/incidents") {
		offsets = append(offsets, query(t, r).Get("offset"))
	}
	if got := strings.Join(offsets, ","); got != "0,2,4" {
		t.Errorf("offsets %s, want 0,2,4", got)
	}
}

func TestCollectRefusesPagingNextToAnotherHost(t *testing.T) {
	f := newFake(t)
	f.intercept = func(w http.ResponseWriter, r *http.Request) bool {
		writeJSON(w, map[string]any{"data": []any{newIncident(t, "i-1", []string{"checkout"}, at("2024-01-02T00:00:00Z"), time.Time{})},
			"paging": map[string]any{"next": "https://collector.example.net/v1/incidents?offset=100"}, "took": 0.1, "requestId": "r"})
		return true
	}
	err := opsgenie.New(f.config(at("2024-01-01T00:00:00Z"), at("2024-01-10T00:00:00Z"))).Collect(context.Background(), openDB(t))
	if err == nil || !strings.Contains(err.Error(), "collector.example.net") {
		t.Errorf("error %v, want a refusal to send the key to another host", err)
	}
}

func TestCollectWalksWindowsOfThirtyDays(t *testing.T) {
	f := newFake(t)
	f.incidents = append(f.incidents, newIncident(t, "i-early", []string{"checkout"}, at("2024-01-02T00:00:00Z"), at("2024-01-02T01:00:00Z")),
		newIncident(t, "i-late", []string{"checkout"}, at("2024-03-01T00:00:00Z"), at("2024-03-01T01:00:00Z")))
	db := openDB(t)
	if err := opsgenie.New(f.config(at("2024-01-01T00:00:00Z"), at("2024-03-06T00:00:00Z"))).Collect(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	if n := len(incidents(t, db)); n != 2 {
		t.Errorf("%d incidents stored, want 2", n)
	}
	lists := f.requested("/v1/incidents")
	if len(lists) != 3 {
		t.Fatalf("%d listings for 65 days, want 3", len(lists))
	}
	if q := query(t, lists[0]).Get("query"); q != "createdAt >= 1704067200000 AND createdAt < 1706659200000" {
		t.Errorf("first window query %q", q)
	}
}

func TestCollectResolvesAnOpenIncidentOnALaterRun(t *testing.T) {
	f := newFake(t)
	f.incidents = append(f.incidents, newIncident(t, "i-open", []string{"checkout"}, at("2024-01-02T10:00:00Z"), time.Time{}))
	db := openDB(t)
	cfg := f.config(at("2024-01-01T00:00:00Z"), at("2024-01-03T00:00:00Z"))
	if err := opsgenie.New(cfg).Collect(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	if got := incidents(t, db)["opsgenie/incident/i-open"]; !got.ResolvedAt.IsZero() {
		t.Fatalf("open incident stored as resolved at %s", got.ResolvedAt)
	}
	f.update(f.incidents, "i-open", func(in map[string]any) { in["status"], in["updatedAt"] = "resolved", "2024-01-08T09:00:00.000Z" })
	cfg.Until = at("2024-01-10T00:00:00Z")
	if err := opsgenie.New(cfg).Collect(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	if got, want := incidents(t, db)["opsgenie/incident/i-open"].ResolvedAt, at("2024-01-08T09:00:00Z"); !got.Equal(want) {
		t.Errorf("resolved_at %s after the second run, want %s", got, want)
	}
	if n := len(f.requested("/v1/incidents/i-open")); n != 1 {
		t.Errorf("open incident read by id %d times, want 1", n)
	}
	lists := f.requested("/v1/incidents")
	if q := query(t, lists[len(lists)-1]).Get("query"); !strings.HasPrefix(q, "createdAt >= 1704236400000 ") {
		t.Errorf("second run query %q, want it from the cursor less the 1h overlap (2024-01-02T23:00Z)", q)
	}
}

func TestCollectAlertsCarryingTheTag(t *testing.T) {
	f := newFake(t)
	f.alerts = append(f.alerts,
		newAlert(t, "a-closed", []string{"incident", "payments"}, at("2024-01-08T10:15:00Z"), at("2024-01-08T11:00:00Z")),
		newAlert(t, "a-open", []string{"incident", "payments"}, at("2024-01-08T12:00:00Z"), time.Time{}),
		newAlert(t, "a-noise", []string{"payments"}, at("2024-01-08T12:00:00Z"), at("2024-01-08T12:05:00Z")))
	db := openDB(t)
	cfg := f.config(at("2024-01-01T00:00:00Z"), at("2024-01-09T00:00:00Z"))
	cfg.AlertsTag = "incident"
	if err := opsgenie.New(cfg).Collect(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	got := incidents(t, db)
	if len(got) != 2 {
		t.Errorf("stored %v, want the two alerts tagged incident", got)
	}
	closed := got["opsgenie/alert/a-closed"]
	if !closed.ResolvedAt.Equal(at("2024-01-08T11:00:00Z")) || closed.Service != "payments" || closed.Severity != "P1" {
		t.Errorf("closed alert %+v, want resolved at createdAt + report.closeTime (11:00), not updatedAt", closed)
	}
	if q := query(t, f.requested("/v2/alerts")[0]).Get("query"); !strings.HasPrefix(q, `tag: "incident" AND createdAt >= `) {
		t.Errorf("alerts query %q, want the tag condition", q)
	}

	f.update(f.alerts, "a-open", func(a map[string]any) {
		a["status"], a["updatedAt"] = "closed", "2024-01-09T13:00:00.000Z"
		a["report"].(map[string]any)["closeTime"] = (30 * time.Minute).Milliseconds()
	})
	cfg.Until = at("2024-01-12T00:00:00Z")
	if err := opsgenie.New(cfg).Collect(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	if got := incidents(t, db)["opsgenie/alert/a-open"].ResolvedAt; !got.Equal(at("2024-01-08T12:30:00Z")) {
		t.Errorf("alert closed later resolved at %s, want 12:30", got)
	}
	if n := len(f.requested("/v2/alerts/a-open")); n != 1 {
		t.Errorf("open alert read by id %d times, want 1", n)
	}
}

func TestCollectWaitsOutA429(t *testing.T) {
	f := newFake(t)
	f.incidents = append(f.incidents, newIncident(t, "i-1", []string{"checkout"}, at("2024-01-02T10:00:00Z"), at("2024-01-02T11:00:00Z")))
	limited := false
	f.intercept = func(w http.ResponseWriter, r *http.Request) bool {
		if limited {
			return false
		}
		limited = true
		w.Header().Set("X-RateLimit-State", "THROTTLED")
		w.Header().Set("X-RateLimit-Reason", "INTEGRATION")
		w.Header().Set("X-RateLimit-Period-In-Sec", "60")
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusTooManyRequests, "You are making too many requests! To avoid errors, we recommend you limit requests.")
		return true
	}
	db := openDB(t)
	start := time.Now()
	src := opsgenie.New(f.config(at("2024-01-01T00:00:00Z"), at("2024-01-10T00:00:00Z")))
	if err := src.Collect(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("answered after %s, want a wait of Retry-After (1s)", waited)
	}
	if _, ok := incidents(t, db)["opsgenie/incident/i-1"]; !ok {
		t.Error("incident missing after the rate limit passed")
	}
	if st := src.Stats(); st.Retries != 1 {
		t.Errorf("stats %+v, want 1 retry", st)
	}
}

func TestCollectRefusedKeyIsErrAuth(t *testing.T) {
	f := newFake(t)
	cfg := f.config(at("2024-01-01T00:00:00Z"), at("2024-01-10T00:00:00Z"))
	cfg.Token = "og-revoked-key-5678"
	err := opsgenie.New(cfg).Collect(context.Background(), openDB(t))
	if !errors.Is(err, dora.ErrAuth) {
		t.Fatalf("error %v, want one wrapping dora.ErrAuth", err)
	}
	var ae *dora.AuthError
	if !errors.As(err, &ae) || ae.Status != http.StatusUnauthorized || ae.Source != "opsgenie" {
		t.Errorf("auth error %+v, want HTTP 401 from opsgenie", ae)
	}
	if msg := err.Error(); !strings.Contains(msg, "$OPSGENIE_TOKEN") || strings.Contains(msg, cfg.Token) {
		t.Errorf("message %q should name $OPSGENIE_TOKEN, never the key", msg)
	}
	cfg.Token = ""
	if err := opsgenie.New(cfg).Collect(context.Background(), openDB(t)); !errors.Is(err, dora.ErrAuth) {
		t.Errorf("without a key: error %v, want dora.ErrAuth before any request", err)
	}
}

// hosts is a RoundTripper that records the hosts asked and answers with an empty list.
type hosts struct {
	mu   sync.Mutex
	seen []string
}

func (h *hosts) RoundTrip(r *http.Request) (*http.Response, error) {
	h.mu.Lock()
	h.seen = append(h.seen, r.URL.Scheme+"://"+r.URL.Host)
	h.mu.Unlock()
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(`{"data":[],"paging":{},"took":0.01,"requestId":"r"}`)), Request: r}, nil
}

func TestCollectRegions(t *testing.T) {
	for _, tc := range []struct {
		name, baseURL, want string
	}{
		{"default_is_the_US_region", "", "https://api.opsgenie.com"},
		{"EU_region", opsgenie.EUBaseURL, "https://api.eu.opsgenie.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := &hosts{}
			err := opsgenie.New(opsgenie.Config{BaseURL: tc.baseURL, Token: token, Services: map[string]string{"checkout": "checkout"},
				Since: at("2024-01-01T00:00:00Z"), Until: at("2024-01-02T00:00:00Z"), Transport: h}).Collect(context.Background(), openDB(t))
			if err != nil {
				t.Fatal(err)
			}
			if len(h.seen) == 0 || h.seen[0] != tc.want {
				t.Errorf("requests went to %v, want %s", h.seen, tc.want)
			}
		})
	}
}

func TestCollectConfigErrorsNameTheKey(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  opsgenie.Config
		want string
	}{
		{"no_service_mapping", opsgenie.Config{Token: token}, "services"},
		{"bad_base_url", opsgenie.Config{Token: token, BaseURL: "api.opsgenie.com", Services: map[string]string{"a": "a"}}, "base_url"},
		{"quote_in_alerts_tag", opsgenie.Config{Token: token, AlertsTag: `x" OR tag: "y`, Services: map[string]string{"a": "a"}}, "alerts_tag"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := opsgenie.New(tc.cfg).Collect(context.Background(), openDB(t))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one naming %s", err, tc.want)
			}
		})
	}
}

func equal(a, b dora.Incident) bool {
	return a.ID == b.ID && a.Service == b.Service && a.Environment == b.Environment && a.Title == b.Title &&
		a.Severity == b.Severity && a.StartedAt.Equal(b.StartedAt) && a.ResolvedAt.Equal(b.ResolvedAt) &&
		a.CausedBy == b.CausedBy && a.URL == b.URL && a.Source == b.Source
}

func TestCollectResumesFromTheLastCommittedWindow(t *testing.T) {
	f := newFake(t)
	f.incidents = append(f.incidents, newIncident(t, "i-first", []string{"checkout"}, at("2024-01-02T00:00:00Z"), at("2024-01-02T01:00:00Z")),
		newIncident(t, "i-second", []string{"checkout"}, at("2024-02-15T00:00:00Z"), at("2024-02-15T01:00:00Z")))
	lists := 0
	f.intercept = func(w http.ResponseWriter, r *http.Request) bool {
		if lists++; lists == 2 {
			writeError(w, http.StatusForbidden, "You are not authorized for this action")
			return true
		}
		return false
	}
	db := openDB(t)
	cfg := f.config(at("2024-01-01T00:00:00Z"), at("2024-02-20T00:00:00Z"))
	if err := opsgenie.New(cfg).Collect(context.Background(), db); !errors.Is(err, dora.ErrAuth) {
		t.Fatalf("error %v, want the 403 of the second window", err)
	}
	if got := incidents(t, db); len(got) != 1 {
		t.Fatalf("after the failure %d incidents stored, want the first window's 1", len(got))
	}
	f.intercept = nil
	before := len(f.requested("/v1/incidents"))
	if err := opsgenie.New(cfg).Collect(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	if got := incidents(t, db); len(got) != 2 {
		t.Errorf("after resuming %d incidents stored, want 2", len(got))
	}
	// The first window ended on 2024-01-31; the run resumes an hour before.
	if q := query(t, f.requested("/v1/incidents")[before]).Get("query"); !strings.HasPrefix(q, "createdAt >= 1706655600000 ") {
		t.Errorf("resumed with query %q, want it from 2024-01-30T23:00Z", q)
	}
}
