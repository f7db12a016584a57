package opsgenie_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/opsgenie"
)

// ogEndpoints are the list answers a collection decodes, by path.
var ogEndpoints = []struct{ name, path string }{
	{"list incidents", "/v1/incidents"},
	{"list alerts", "/v2/alerts"},
}

// FuzzPayloads serves an arbitrary body, with status 200, for one list endpoint of the fake and
// runs a whole collection into an in-memory warehouse. Whatever the body, Collect must return
// within a few seconds without panicking, and either store records (the Writer validates each
// one) or fail with an error that names the listing it refused.
func FuzzPayloads(f *testing.F) {
	f.Fuzz(func(t *testing.T, endpoint uint8, body []byte) {
		ep := ogEndpoints[int(endpoint)%len(ogEndpoints)]
		fake := newFake(t)
		fake.incidents = append(fake.incidents, template(t, "list_incidents.json"))
		fake.alerts = append(fake.alerts, template(t, "list_alerts.json"))
		fake.intercept = func(w http.ResponseWriter, r *http.Request) bool {
			if r.URL.Path != ep.path {
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
		cfg := fake.config(at("2024-01-01T00:00:00Z"), at("2024-01-10T00:00:00Z"))
		cfg.AlertsTag, cfg.MaxWait = "incident", time.Second
		err = opsgenie.New(cfg).Collect(ctx, db)
		switch {
		case ctx.Err() != nil:
			t.Fatalf("%s: the collection did not end within 10s: %v", ep.name, err)
		case err == nil:
		case errors.Is(err, dora.ErrInvalid):
			t.Fatalf("%s: a record failed validation on write instead of being rejected at its endpoint: %v", ep.name, err)
		case !strings.HasPrefix(err.Error(), "opsgenie: "+ep.name):
			t.Fatalf("%s: the error does not name the listing: %v", ep.name, err)
		}
	})
}

func TestListingWhosePagingLoopsStopsAtOnce(t *testing.T) {
	fake := newFake(t)
	fake.intercept = func(w http.ResponseWriter, r *http.Request) bool {
		writeJSON(w, map[string]any{"data": []any{template(t, "list_incidents.json")}, "paging": map[string]any{"next": r.URL.String()}})
		return true
	}
	err := opsgenie.New(fake.config(at("2024-01-01T00:00:00Z"), at("2024-01-10T00:00:00Z"))).Collect(context.Background(), openDB(t))
	if err == nil || !strings.Contains(err.Error(), "opsgenie: list incidents: paging.next") || !strings.Contains(err.Error(), "points back to a page already read") {
		t.Fatalf("err = %v, want the loop named", err)
	}
	if n := len(fake.requested("/v1/incidents")); n != 1 {
		t.Errorf("%d listing requests; want 1", n)
	}
}

func TestListingWhosePagingLeavesTheListingStops(t *testing.T) {
	for _, tc := range []struct{ name, next, changed string }{
		{"another endpoint", "/v1/incidents?offset=100&sort=createdAt&order=asc", "path"},
		{"no order", "/v2/alerts?offset=100", "query"},
		{"newest first", "", "order"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := newFake(t)
			fake.intercept = func(w http.ResponseWriter, r *http.Request) bool {
				if r.URL.Path != "/v2/alerts" {
					return false
				}
				next := tc.next
				if next == "" {
					q := r.URL.Query()
					q.Set("offset", "100")
					q.Set("order", "desc")
					next = r.URL.Path + "?" + q.Encode()
				}
				writeJSON(w, map[string]any{"data": []any{template(t, "list_alerts.json")}, "paging": map[string]any{"next": next}})
				return true
			}
			cfg := fake.config(at("2024-01-01T00:00:00Z"), at("2024-01-10T00:00:00Z"))
			cfg.AlertsTag = "incident"
			err := opsgenie.New(cfg).Collect(context.Background(), openDB(t))
			if err == nil || !strings.Contains(err.Error(), "opsgenie: list alerts tagged incident: paging.next") || !strings.Contains(err.Error(), "changes the "+tc.changed+" of the listing") {
				t.Fatalf("err = %v, want the changed %s named", err, tc.changed)
			}
			if n := len(fake.requested("/v2/alerts")); n != 1 {
				t.Errorf("%d listing requests; want 1", n)
			}
		})
	}
}
