package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/github/githubtest"
)

// pdIncident is one incident of the fake PagerDuty, and what the same incident reads as an
// event line.
type pdIncident struct {
	id       string
	created  time.Time
	resolved time.Time // zero: unresolved
	inObject bool      // resolved_at is in the incident object; else only in its resolve log entry
	note     string
	causedBy string // what the note names, as the event line's caused_by
}

// fakePagerDuty serves the incidents of one PagerDuty service: the incident listing (two to a
// page, filtered by created_at in [since, until)), notes, log entries and no change events.
func fakePagerDuty(t *testing.T, token, serviceID string, incidents []pdIncident) *httptest.Server {
	t.Helper()
	byID := map[string]pdIncident{}
	for _, in := range incidents {
		byID[in.id] = in
	}
	object := func(in pdIncident) map[string]any {
		o := map[string]any{"id": in.id, "type": "incident", "title": "Errors on " + in.id, "status": "triggered",
			"created_at": in.created.Format(time.RFC3339), "urgency": "high",
			"html_url": "https://acme.pagerduty.com/incidents/" + in.id,
			"service":  map[string]any{"id": serviceID, "type": "service_reference"}}
		if !in.resolved.IsZero() {
			o["status"] = "resolved"
			if in.inObject {
				o["resolved_at"] = in.resolved.Format(time.RFC3339)
				o["last_status_change_at"] = in.resolved.Format(time.RFC3339)
			} else {
				// Later than the resolve log entry, so that taking it instead shows.
				o["last_status_change_at"] = in.resolved.Add(10 * time.Minute).Format(time.RFC3339)
			}
		}
		return o
	}
	reply := func(w http.ResponseWriter, body any) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(body)
	}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Token token="+token {
			w.WriteHeader(http.StatusUnauthorized)
			reply(w, map[string]any{"error": map[string]any{"message": "Invalid Credentials", "code": 2001}})
			return
		}
		q := r.URL.Query()
		parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
		switch {
		case len(parts) == 1 && parts[0] == "incidents":
			since, err1 := time.Parse(time.RFC3339, q.Get("since"))
			until, err2 := time.Parse(time.RFC3339, q.Get("until"))
			offset, err3 := strconv.Atoi(q.Get("offset"))
			if err1 != nil || err2 != nil || err3 != nil || q.Get("service_ids[]") != serviceID {
				t.Errorf("GET %s: a query the collector should not send", r.URL)
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			var list []map[string]any
			for _, in := range incidents {
				if !in.created.Before(since) && in.created.Before(until) {
					list = append(list, object(in))
				}
			}
			const size = 2 // smaller pages than asked for, as PagerDuty may serve
			end := min(offset+size, len(list))
			page := []map[string]any{}
			if offset < len(list) {
				page = list[offset:end]
			}
			reply(w, map[string]any{"incidents": page, "offset": offset, "limit": size, "more": end < len(list)})
		case len(parts) == 3 && parts[0] == "incidents" && parts[2] == "notes":
			notes := []map[string]any{}
			if in, ok := byID[parts[1]]; ok && in.note != "" {
				notes = append(notes, map[string]any{"id": "N" + in.id, "content": in.note,
					"created_at": in.created.Add(30 * time.Minute).Format(time.RFC3339)})
			}
			reply(w, map[string]any{"notes": notes})
		case len(parts) == 3 && parts[0] == "incidents" && parts[2] == "log_entries":
			in := byID[parts[1]]
			entries := []map[string]any{
				{"id": "L1" + in.id, "type": "trigger_log_entry", "created_at": in.created.Format(time.RFC3339)},
			}
			if !in.resolved.IsZero() {
				entries = append(entries, map[string]any{"id": "L2" + in.id, "type": "resolve_log_entry", "created_at": in.resolved.Format(time.RFC3339)})
			}
			reply(w, map[string]any{"log_entries": entries, "offset": 0, "limit": 100, "more": false})
		case len(parts) == 3 && parts[0] == "services" && parts[1] == serviceID && parts[2] == "change_events":
			reply(w, map[string]any{"change_events": []any{}, "offset": 0, "limit": 100, "more": false})
		default:
			t.Errorf("GET %s: an endpoint the fake does not serve", r.URL)
			w.WriteHeader(http.StatusNotFound)
		}
	}))
}

// GitHub deployments and PagerDuty incidents of the same service, collected, give the change
// fail rate and recovery times that the same events give imported as event lines.
func TestCollectGitHubAndPagerDutyMatchesImport(t *testing.T) {
	if testing.Short() {
		t.Skip("a full sync against fake GitHub and PagerDuty")
	}
	const ghToken, pdToken = "ghs_e2e0123456789", "pd+e2e0123456789"
	start := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	gh := githubtest.New(ghToken)
	defer gh.Close()
	repo := githubtest.Synthetic("acme", "api", githubtest.Shape{Deployments: 12, Commits: 120, Pulls: 20, Start: start})
	gh.AddRepo(repo)
	// Deployment d is created at start + (10d+9)h + 10m, so each incident below starts within
	// 48 hours after one.
	incidents := []pdIncident{
		{id: "PINC1", created: start.Add(50 * time.Hour), resolved: start.Add(52*time.Hour + 30*time.Minute), inObject: true},
		{id: "PINC2", created: start.Add(81 * time.Hour), resolved: start.Add(85 * time.Hour),
			note: "Rolled back. caused by: acme/api/deployments/1005", causedBy: "acme/api/deployments/1005"},
		{id: "PINC3", created: start.Add(100 * time.Hour), resolved: start.Add(100*time.Hour + 45*time.Minute), inObject: true},
		{id: "PINC4", created: start.Add(110 * time.Hour)},
	}
	pd := fakePagerDuty(t, pdToken, "PSVC01", incidents)
	defer pd.Close()

	dir := t.TempDir()
	services := `services:
  - name: api
    team: platform
    repos: [acme/api]
`
	collected := writeFile(t, dir, "collect.yaml", fmt.Sprintf(`%ssources:
  github:
    base_url: %s
    token_env: ACME_GITHUB_TOKEN
    repos: [acme/api]
  pagerduty:
    base_url: %s
    token_env: ACME_PAGERDUTY_TOKEN
    services: {PSVC01: api}
`, services, gh.BaseURL(), pd.URL))
	imported := writeFile(t, dir, "import.yaml", services)
	window := []string{"--since", "2024-04-01", "--until", "2024-06-01", "--format", "json"}

	// PagerDuty is read up to the real now: --since reaches back to the incidents of 2024.
	dbA := filepath.Join(dir, "collected.duckdb")
	collect := invocation{env: map[string]string{"ACME_GITHUB_TOKEN": ghToken, "ACME_PAGERDUTY_TOKEN": pdToken}}
	if r := collect.run(t, "collect", "--config", collected, "--db", dbA, "--since", "2024-04-01"); r.code != 0 {
		t.Fatalf("collect: exit %d: %s", r.code, r.stderr)
	}
	fromCollect := must(t, args("metrics", "--config", collected, "--db", dbA, window)...).stdout

	var lines strings.Builder
	lines.Write(repo.Events())
	enc := json.NewEncoder(&lines)
	for _, in := range incidents {
		e := map[string]any{"kind": "incident", "id": "pagerduty/" + in.id, "service": "api", "source": "pagerduty",
			"title": "Errors on " + in.id, "severity": "high", "started_at": in.created}
		if !in.resolved.IsZero() {
			e["resolved_at"] = in.resolved
		}
		if in.causedBy != "" {
			e["caused_by"] = in.causedBy
		}
		if err := enc.Encode(e); err != nil {
			t.Fatal(err)
		}
	}
	events := writeFile(t, dir, "events.jsonl", lines.String())
	dbB := filepath.Join(dir, "imported.duckdb")
	must(t, "import", "--config", imported, "--db", dbB, events)
	fromImport := must(t, args("metrics", "--config", imported, "--db", dbB, window)...).stdout

	var a, b dora.Metrics
	if err := json.Unmarshal([]byte(fromCollect), &a); err != nil {
		t.Fatalf("metrics of the collected warehouse: %v\n%s", err, fromCollect)
	}
	if err := json.Unmarshal([]byte(fromImport), &b); err != nil {
		t.Fatalf("metrics of the imported warehouse: %v\n%s", err, fromImport)
	}
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"change_failure_rate", a.Overall.ChangeFailureRate, b.Overall.ChangeFailureRate},
		{"recovery_time", a.Overall.RecoveryTime, b.Overall.RecoveryTime},
		{"time_to_restore", a.Overall.TimeToRestore, b.Overall.TimeToRestore},
		{"deployment_frequency", a.Overall.DeploymentFrequency, b.Overall.DeploymentFrequency},
	} {
		got, _ := json.Marshal(c.got)
		want, _ := json.Marshal(c.want)
		if string(got) != string(want) {
			t.Errorf("%s: collected %s, imported %s", c.name, got, want)
		}
	}
	// The comparison means something only if the incidents counted.
	cfr, rt := a.Overall.ChangeFailureRate, a.Overall.RecoveryTime
	if cfr.Failed == 0 {
		t.Errorf("no failed deployment: the incidents were not attributed: %s", fromCollect)
	}
	if rt.N == 0 || rt.Open == 0 {
		t.Errorf("recovery time counts %d resolved and %d open incidents, want both: %s", rt.N, rt.Open, fromCollect)
	}
	if a.Overall.DataQuality.UnresolvedIncidents != b.Overall.DataQuality.UnresolvedIncidents {
		t.Errorf("unresolved incidents: collected %d, imported %d", a.Overall.DataQuality.UnresolvedIncidents, b.Overall.DataQuality.UnresolvedIncidents)
	}
	cfrJSON, _ := json.Marshal(cfr)
	rtJSON, _ := json.Marshal(rt)
	ttrJSON, _ := json.Marshal(a.Overall.TimeToRestore)
	t.Logf("change_failure_rate %s\nrecovery_time %s\ntime_to_restore %s", cfrJSON, rtJSON, ttrJSON)
}
