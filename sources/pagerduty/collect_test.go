package pagerduty_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/pagerduty"
)

func TestCollectMapsTheVendorIncident(t *testing.T) {
	f := newFakePD(t)
	f.add(vendorIncident(t))
	db := openDB(t)
	cfg := f.config(at("2015-10-01T00:00:00Z"), at("2015-10-08T00:00:00Z"))
	var progress strings.Builder
	cfg.Progress = &progress
	src := pagerduty.New(cfg)
	if err := src.Collect(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	if got := progress.String(); !strings.Contains(got, "pagerduty: mail through 2015-10-08, 1 incidents, ") || !strings.HasSuffix(got, "\n") {
		t.Errorf("progress %q", got)
	}
	got := incidents(t, db)["pagerduty/PT4KHLK"]
	want := dora.Incident{ID: "pagerduty/PT4KHLK", Service: "mail", Title: "The server is on fire.", Severity: "P2",
		StartedAt: at("2015-10-06T21:30:42Z"), ResolvedAt: at("2015-10-06T21:38:23Z"),
		URL: "https://subdomain.pagerduty.com/incidents/PT4KHLK", Source: "pagerduty"}
	if !equal(got, want) {
		t.Errorf("stored\n%+v\nwant\n%+v", got, want)
	}
	if src.Name() != "pagerduty" {
		t.Errorf("Name() = %q", src.Name())
	}
}

func TestCollectSeverity(t *testing.T) {
	for _, tc := range []struct {
		name     string
		priority any
		urgency  string
		want     string
	}{
		{"priority_summary_when_the_account_uses_priorities", map[string]any{"id": "P1", "summary": "P1"}, "high", "P1"},
		{"urgency_without_priority", nil, "low", "low"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakePD(t)
			in := incident(t, "PSEV", serviceID, at("2024-01-02T10:00:00Z"), at("2024-01-02T11:00:00Z"))
			in["priority"], in["urgency"] = tc.priority, tc.urgency
			f.add(in)
			db := openDB(t)
			if err := pagerduty.New(f.config(at("2024-01-01T00:00:00Z"), at("2024-01-10T00:00:00Z"))).Collect(context.Background(), db); err != nil {
				t.Fatal(err)
			}
			if got := incidents(t, db)["pagerduty/PSEV"].Severity; got != tc.want {
				t.Errorf("severity %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCollectResolvedWithoutResolvedAtReadsTheResolveLogEntry(t *testing.T) {
	f := newFakePD(t)
	in := incident(t, "PLOG", serviceID, at("2024-01-02T10:00:00Z"), at("2024-01-02T12:00:00Z"))
	delete(in, "resolved_at")
	f.add(in)
	// The vendor's log entries example holds a trigger entry; a resolve entry follows it, on
	// a second page.
	trigger := fixture(t, "list_incident_log_entries.json")["log_entries"].([]any)[0].(map[string]any)
	resolve := clone(t, trigger)
	resolve["type"], resolve["created_at"] = "resolve_log_entry", "2024-01-02T11:15:00Z"
	trigger["created_at"] = "2024-01-02T10:00:00Z"
	f.logEntries["PLOG"] = []map[string]any{trigger, resolve}
	f.pageSize = 1
	db := openDB(t)
	if err := pagerduty.New(f.config(at("2024-01-01T00:00:00Z"), at("2024-01-10T00:00:00Z"))).Collect(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	if got, want := incidents(t, db)["pagerduty/PLOG"].ResolvedAt, at("2024-01-02T11:15:00Z"); !got.Equal(want) {
		t.Errorf("resolved_at %s, want the resolve log entry's %s", got, want)
	}
	if n := len(f.requested("/incidents/PLOG/log_entries")); n != 2 {
		t.Errorf("%d log entry pages read, want 2", n)
	}
}

func TestCollectPagesWithOffsetUntilNoMore(t *testing.T) {
	f := newFakePD(t)
	f.pageSize = 2
	start := at("2024-01-02T00:00:00Z")
	for i := range 5 {
		created := start.Add(time.Duration(i) * time.Hour)
		f.add(incident(t, "PPAGE"+string(rune('A'+i)), serviceID, created, created.Add(30*time.Minute)))
	}
	db := openDB(t)
	if err := pagerduty.New(f.config(at("2024-01-01T00:00:00Z"), at("2024-01-10T00:00:00Z"))).Collect(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	if n := len(incidents(t, db)); n != 5 {
		t.Errorf("%d incidents stored, want 5", n)
	}
	var offsets []string
	for _, r := range f.requested("/incidents") {
		q, _ := url.ParseQuery(strings.SplitN(r, "?", 2)[1])
		offsets = append(offsets, q.Get("offset"))
		if q.Get("limit") != "100" {
			t.Errorf("limit %s, want 100", q.Get("limit"))
		}
	}
	if got := strings.Join(offsets, ","); got != "0,2,4" {
		t.Errorf("offsets %s, want 0,2,4 (advanced by the items served)", got)
	}
}

func TestCollectWalksWindowsOfAtMostSixMonths(t *testing.T) {
	f := newFakePD(t)
	f.add(incident(t, "POLD", serviceID, at("2023-02-01T00:00:00Z"), at("2023-02-01T01:00:00Z")),
		incident(t, "PNEW", serviceID, at("2024-01-05T00:00:00Z"), at("2024-01-05T01:00:00Z")))
	db := openDB(t)
	// The fake refuses ranges over six months with 400, as PagerDuty does.
	if err := pagerduty.New(f.config(at("2023-01-01T00:00:00Z"), at("2024-01-10T00:00:00Z"))).Collect(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	if n := len(incidents(t, db)); n != 2 {
		t.Errorf("%d incidents stored, want 2", n)
	}
	lists := f.requested("/incidents")
	if len(lists) != 3 {
		t.Errorf("%d listings for 374 days, want 3 windows of at most 180 days: %v", len(lists), lists)
	}
	var prevUntil string
	for _, r := range lists {
		q, _ := url.ParseQuery(strings.SplitN(r, "?", 2)[1])
		if prevUntil != "" && q.Get("since") != prevUntil {
			t.Errorf("window starts at %s, want the previous end %s", q.Get("since"), prevUntil)
		}
		prevUntil = q.Get("until")
	}
}

func TestCollectResolvesAnOpenIncidentOnALaterRun(t *testing.T) {
	f := newFakePD(t)
	f.add(incident(t, "POPEN", serviceID, at("2024-01-02T10:00:00Z"), time.Time{}))
	db := openDB(t)
	cfg := f.config(at("2024-01-01T00:00:00Z"), at("2024-01-03T00:00:00Z"))
	if err := pagerduty.New(cfg).Collect(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	if got := incidents(t, db)["pagerduty/POPEN"]; !got.ResolvedAt.IsZero() {
		t.Fatalf("open incident stored as resolved at %s", got.ResolvedAt)
	}

	// Resolved a week later; the second run lists only from its cursor on, so it must read the
	// incident by id.
	f.update("POPEN", func(in map[string]any) {
		in["status"], in["resolved_at"] = "resolved", "2024-01-09T08:00:00Z"
	})
	cfg.Until = at("2024-01-10T00:00:00Z")
	if err := pagerduty.New(cfg).Collect(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	if got, want := incidents(t, db)["pagerduty/POPEN"].ResolvedAt, at("2024-01-09T08:00:00Z"); !got.Equal(want) {
		t.Errorf("resolved_at %s after the second run, want %s", got, want)
	}
	if n := len(f.requested("/incidents/POPEN")); n != 1 {
		t.Errorf("open incident read by id %d times, want 1", n)
	}
	lists := f.requested("/incidents")
	q, _ := url.ParseQuery(strings.SplitN(lists[len(lists)-1], "?", 2)[1])
	if q.Get("since") != "2024-01-02T23:00:00Z" {
		t.Errorf("second run lists since %s, want the cursor less the 1h overlap", q.Get("since"))
	}

	// Resolved, it is not read again.
	if err := pagerduty.New(cfg).Collect(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	if n := len(f.requested("/incidents/POPEN")); n != 1 {
		t.Errorf("resolved incident read by id again (%d reads)", n)
	}
	raw, _, err := db.SyncState(context.Background(), "pagerduty", serviceID)
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Through time.Time
		Open    map[string]time.Time
	}
	json.Unmarshal([]byte(raw), &st)
	if !st.Through.Equal(cfg.Until) || len(st.Open) != 0 {
		t.Errorf("sync state %s, want through %s and nothing open", raw, cfg.Until)
	}
}

func TestCollectSkipsUnmappedServices(t *testing.T) {
	f := newFakePD(t)
	f.ignoreServiceFilter = true
	f.add(incident(t, "PMINE", serviceID, at("2024-01-02T10:00:00Z"), at("2024-01-02T11:00:00Z")),
		incident(t, "POTHER", "PUNMAPD", at("2024-01-02T10:00:00Z"), at("2024-01-02T11:00:00Z")))
	db := openDB(t)
	cfg := f.config(at("2024-01-01T00:00:00Z"), at("2024-01-10T00:00:00Z"))
	var log strings.Builder
	cfg.Logger = slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if err := pagerduty.New(cfg).Collect(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	got := incidents(t, db)
	if _, ok := got["pagerduty/POTHER"]; ok || len(got) != 1 {
		t.Errorf("stored %v, want only the mapped service's incident", got)
	}
	if !strings.Contains(log.String(), `msg="skipped incidents of unmapped PagerDuty services" count=1`) {
		t.Errorf("debug log does not count the skipped incident:\n%s", log.String())
	}
	if strings.Contains(log.String(), token) {
		t.Error("the token appears in the log")
	}
}

func TestCollectWaitsOutA429(t *testing.T) {
	f := newFakePD(t)
	f.add(incident(t, "PRATE", serviceID, at("2024-01-02T10:00:00Z"), at("2024-01-02T11:00:00Z")))
	limited := false
	f.intercept = func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != "/incidents" || limited {
			return false
		}
		limited = true
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusTooManyRequests, 2020, "Rate Limit Exceeded")
		return true
	}
	db := openDB(t)
	start := time.Now()
	src := pagerduty.New(f.config(at("2024-01-01T00:00:00Z"), at("2024-01-10T00:00:00Z")))
	if err := src.Collect(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("answered after %s, want a wait of Retry-After (1s)", waited)
	}
	if _, ok := incidents(t, db)["pagerduty/PRATE"]; !ok {
		t.Error("incident missing after the rate limit passed")
	}
	if n := len(f.requested("/incidents")); n != 2 {
		t.Errorf("%d listings, want the refused one and its retry", n)
	}
	if st := src.Stats(); st.Retries != 1 {
		t.Errorf("stats %+v, want 1 retry", st)
	}
}

func TestCollectRefusedTokenIsErrAuth(t *testing.T) {
	f := newFakePD(t)
	db := openDB(t)
	cfg := f.config(at("2024-01-01T00:00:00Z"), at("2024-01-10T00:00:00Z"))
	cfg.Token = "pd-revoked-token-5678"
	err := pagerduty.New(cfg).Collect(context.Background(), db)
	if !errors.Is(err, dora.ErrAuth) {
		t.Fatalf("error %v, want one wrapping dora.ErrAuth", err)
	}
	var ae *dora.AuthError
	if !errors.As(err, &ae) || ae.Status != http.StatusUnauthorized || ae.Source != "pagerduty" {
		t.Errorf("auth error %+v, want HTTP 401 from pagerduty", ae)
	}
	msg := err.Error()
	if !strings.Contains(msg, "$PAGERDUTY_TOKEN") || strings.Contains(msg, cfg.Token) || !strings.Contains(msg, "/incidents") {
		t.Errorf("message %q should name $PAGERDUTY_TOKEN and the endpoint, never the token", msg)
	}
}

func TestCollectWithoutTokenSendsNothing(t *testing.T) {
	f := newFakePD(t)
	cfg := f.config(at("2024-01-01T00:00:00Z"), at("2024-01-10T00:00:00Z"))
	cfg.Token = ""
	err := pagerduty.New(cfg).Collect(context.Background(), openDB(t))
	if !errors.Is(err, dora.ErrAuth) || !strings.Contains(err.Error(), "$PAGERDUTY_TOKEN") {
		t.Errorf("error %v, want dora.ErrAuth naming $PAGERDUTY_TOKEN", err)
	}
	if len(f.requests) != 0 {
		t.Errorf("%d requests sent without a token", len(f.requests))
	}
}

func TestCollectConfigErrorsNameTheKey(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  pagerduty.Config
		want string
	}{
		{"no_services", pagerduty.Config{Token: token}, "services"},
		{"bad_base_url", pagerduty.Config{Token: token, BaseURL: "ftp://x", Services: map[string]string{"P1": "api"}}, "base_url"},
		{"service_without_name", pagerduty.Config{Token: token, Services: map[string]string{"P1": ""}}, "services"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := pagerduty.New(tc.cfg).Collect(context.Background(), openDB(t))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one naming %s", err, tc.want)
			}
		})
	}
}

func TestCollectResumesFromTheLastCommittedWindow(t *testing.T) {
	f := newFakePD(t)
	f.add(incident(t, "PFIRST", serviceID, at("2023-02-01T00:00:00Z"), at("2023-02-01T01:00:00Z")),
		incident(t, "PSECOND", serviceID, at("2024-01-05T00:00:00Z"), at("2024-01-05T01:00:00Z")))
	lists := 0
	f.intercept = func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != "/incidents" {
			return false
		}
		if lists++; lists == 2 {
			writeError(w, http.StatusForbidden, 2010, "Access Denied")
			return true
		}
		return false
	}
	db := openDB(t)
	cfg := f.config(at("2023-01-01T00:00:00Z"), at("2024-01-10T00:00:00Z"))
	if err := pagerduty.New(cfg).Collect(context.Background(), db); !errors.Is(err, dora.ErrAuth) {
		t.Fatalf("error %v, want the 403 of the second window", err)
	}
	if got := incidents(t, db); len(got) != 1 {
		t.Fatalf("after the failure %d incidents stored, want the first window's 1", len(got))
	}
	f.intercept = nil
	before := len(f.requested("/incidents"))
	if err := pagerduty.New(cfg).Collect(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	if got := incidents(t, db); len(got) != 2 {
		t.Errorf("after resuming %d incidents stored, want 2", len(got))
	}
	resumed := f.requested("/incidents")[before]
	q, _ := url.ParseQuery(strings.SplitN(resumed, "?", 2)[1])
	if want := at("2023-01-01T00:00:00Z").Add(180*24*time.Hour - time.Hour).Format(time.RFC3339); q.Get("since") != want {
		t.Errorf("resumed since %s, want the first window's end less the overlap, %s", q.Get("since"), want)
	}
}

func TestCollectStopsWhenCancelled(t *testing.T) {
	f := newFakePD(t)
	f.add(incident(t, "PCANCEL", serviceID, at("2024-01-02T10:00:00Z"), at("2024-01-02T11:00:00Z")))
	ctx, cancel := context.WithCancel(context.Background())
	f.intercept = func(w http.ResponseWriter, r *http.Request) bool {
		cancel()
		w.Header().Set("Retry-After", "60")
		writeError(w, http.StatusTooManyRequests, 2020, "Rate Limit Exceeded")
		return true
	}
	db := openDB(t)
	start := time.Now()
	err := pagerduty.New(f.config(at("2024-01-01T00:00:00Z"), at("2024-01-10T00:00:00Z"))).Collect(ctx, db)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("returned after %s, want promptly", d)
	}
	if n := len(incidents(t, db)); n != 0 {
		t.Errorf("%d incidents stored by a cancelled run", n)
	}
}

func equal(a, b dora.Incident) bool {
	return a.ID == b.ID && a.Service == b.Service && a.Environment == b.Environment && a.Title == b.Title &&
		a.Severity == b.Severity && a.StartedAt.Equal(b.StartedAt) && a.ResolvedAt.Equal(b.ResolvedAt) &&
		a.CausedBy == b.CausedBy && a.URL == b.URL && a.Source == b.Source
}
