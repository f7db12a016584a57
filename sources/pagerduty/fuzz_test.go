package pagerduty_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/pagerduty"
)

// pdEndpoints are the answers a collection decodes, by a part of their path.
var pdEndpoints = []struct{ name, suffix string }{
	{"list incidents", "/incidents"},
	{"list log entries", "/log_entries"},
	{"list notes", "/notes"},
	{"list change events", "/change_events"},
}

// FuzzPayloads serves an arbitrary body, with status 200, for one endpoint of the fake and runs
// a whole collection into an in-memory warehouse. Whatever the body, Collect must return within
// a few seconds without panicking, and either store records (the Writer validates each one) or
// fail with an error that says it is PagerDuty's answer that was refused, and which one.
func FuzzPayloads(f *testing.F) {
	f.Fuzz(func(t *testing.T, endpoint uint8, body []byte) {
		ep := pdEndpoints[int(endpoint)%len(pdEndpoints)]
		fake := newFakePD(t)
		fake.add(vendorIncident(t))
		// Resolved without resolved_at: its resolution is read from its log entries.
		noTime := incident(t, "PNOTIME", serviceID, at("2015-10-05T10:00:00Z"), at("2015-10-05T11:00:00Z"))
		delete(noTime, "resolved_at")
		fake.add(noTime)
		fake.intercept = func(w http.ResponseWriter, r *http.Request) bool {
			if !strings.HasSuffix(r.URL.Path, ep.suffix) {
				return false
			}
			w.Header().Set("Content-Type", "application/json")
			w.Write(body)
			return true
		}
		db, err := dora.Open(context.Background(), "")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		cfg := fake.config(at("2015-10-01T00:00:00Z"), at("2015-10-08T00:00:00Z"))
		cfg.MaxWait = time.Second
		err = pagerduty.New(cfg).Collect(ctx, db)
		switch {
		case ctx.Err() != nil:
			t.Fatalf("%s: the collection did not end within 10s: %v", ep.name, err)
		case err == nil:
		case errors.Is(err, dora.ErrInvalid):
			t.Fatalf("%s: a record failed validation on write instead of being rejected at its endpoint: %v", ep.name, err)
		case !strings.HasPrefix(err.Error(), "pagerduty: list ") && !strings.HasPrefix(err.Error(), "pagerduty: get "):
			t.Fatalf("%s: the error does not name the request: %v", ep.name, err)
		}
	})
}

func TestListingThatIgnoresOffsetStopsAtOnce(t *testing.T) {
	fake := newFakePD(t)
	fake.add(vendorIncident(t))
	page := map[string]any{"incidents": []any{vendorIncident(t)}, "more": true, "limit": 100, "offset": 0}
	fake.intercept = func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != "/incidents" {
			return false
		}
		writeJSON(w, page) // the first page, whatever offset asks
		return true
	}
	err := pagerduty.New(fake.config(at("2015-10-01T00:00:00Z"), at("2015-10-08T00:00:00Z"))).Collect(context.Background(), openDB(t))
	if err == nil || !strings.Contains(err.Error(), "pagerduty: list incidents of service "+serviceID+": GET /incidents: the page at offset 1 repeats") {
		t.Fatalf("err = %v, want the repeated page named", err)
	}
	if n := len(fake.requested("/incidents")); n != 2 {
		t.Errorf("%d listing requests; want 2: the first page and its repetition", n)
	}
}
