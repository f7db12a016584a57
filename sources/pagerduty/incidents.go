package pagerduty

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"time"

	"github.com/dorareport/dorareport/dora"
)

// incident is the part of a PagerDuty incident object that dorareport reads.
type incident struct {
	ID                 string    `json:"id"`
	Title              string    `json:"title"`
	Summary            string    `json:"summary"`
	HTMLURL            string    `json:"html_url"`
	Status             string    `json:"status"` // triggered, acknowledged, resolved
	CreatedAt          time.Time `json:"created_at"`
	ResolvedAt         time.Time `json:"resolved_at"`
	LastStatusChangeAt time.Time `json:"last_status_change_at"`
	Urgency            string    `json:"urgency"`
	Priority           *struct {
		Summary string `json:"summary"`
	} `json:"priority"`
	Service ref `json:"service"`
}

func (i *incident) resolved() bool { return i.Status == "resolved" }

// listIncidents returns the incidents of one PagerDuty service created in [since, until),
// oldest first. A window holding more than offset pagination reaches is split in two.
func (s *Source) listIncidents(ctx context.Context, serviceID string, since, until time.Time) ([]incident, error) {
	q := url.Values{}
	q.Set("service_ids[]", serviceID)
	q.Set("since", since.UTC().Format(time.RFC3339))
	q.Set("until", until.UTC().Format(time.RFC3339))
	q.Set("sort_by", "created_at:asc")
	q.Set("time_zone", "UTC")
	var out []incident
	err := s.list(ctx, "/incidents", q, func(raw []byte) (page, error) {
		var body struct {
			page
			Incidents []incident `json:"incidents"`
		}
		err := json.Unmarshal(raw, &body)
		out = append(out, body.Incidents...)
		body.page.n = len(body.Incidents)
		return body.page, err
	})
	if err == errTooDeep && until.Sub(since) > time.Minute {
		mid := since.Add(until.Sub(since) / 2).Truncate(time.Second)
		first, err := s.listIncidents(ctx, serviceID, since, mid)
		if err != nil {
			return nil, err
		}
		second, err := s.listIncidents(ctx, serviceID, mid, until)
		return append(first, second...), err
	}
	if err != nil {
		return nil, fmt.Errorf("pagerduty: list incidents of service %s: %w", serviceID, err)
	}
	return out, nil
}

// getIncident reads one incident by id; ok is false when PagerDuty no longer has it.
func (s *Source) getIncident(ctx context.Context, id string) (incident, bool, error) {
	var body struct {
		Incident incident `json:"incident"`
	}
	err := s.get(ctx, "/incidents/"+url.PathEscape(id), nil, &body)
	if notFound(err) {
		return incident{}, false, nil
	}
	if err != nil {
		return incident{}, false, fmt.Errorf("pagerduty: get incident %s: %w", id, err)
	}
	return body.Incident, true, nil
}

// resolvedAt is when a resolved incident was resolved: its resolved_at, else the time of its
// resolve log entry, else its last status change.
func (s *Source) resolvedAt(ctx context.Context, in incident) (time.Time, error) {
	if !in.resolved() {
		return time.Time{}, nil
	}
	if !in.ResolvedAt.IsZero() {
		return in.ResolvedAt, nil
	}
	var at time.Time
	err := s.list(ctx, "/incidents/"+url.PathEscape(in.ID)+"/log_entries", url.Values{"time_zone": {"UTC"}}, func(raw []byte) (page, error) {
		var body struct {
			page
			LogEntries []struct {
				Type      string    `json:"type"`
				CreatedAt time.Time `json:"created_at"`
			} `json:"log_entries"`
		}
		err := json.Unmarshal(raw, &body)
		body.page.n = len(body.LogEntries)
		for _, e := range body.LogEntries {
			if e.Type == "resolve_log_entry" && e.CreatedAt.After(at) {
				at = e.CreatedAt
			}
		}
		return body.page, err
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("pagerduty: list log entries of incident %s: %w", in.ID, err)
	}
	if at.IsZero() {
		s.log.Debug("resolved incident has no resolve log entry; taking its last status change", "incident", in.ID)
		at = in.LastStatusChangeAt
	}
	return at, nil
}

// record turns a PagerDuty incident of a mapped service into a dorareport incident.
func (s *Source) record(ctx context.Context, in incident, service string, changes []changeEvent) (dora.Incident, error) {
	r := dora.Incident{ID: "pagerduty/" + in.ID, Service: service, Title: in.Title, Severity: in.Urgency,
		StartedAt: in.CreatedAt.UTC(), URL: in.HTMLURL, Source: "pagerduty"}
	if r.Title == "" {
		r.Title = in.Summary
	}
	if in.Priority != nil && in.Priority.Summary != "" {
		r.Severity = in.Priority.Summary
	}
	resolved, err := s.resolvedAt(ctx, in)
	if err != nil {
		return r, err
	}
	if !resolved.IsZero() {
		r.ResolvedAt = resolved.UTC()
		if r.ResolvedAt.Before(r.StartedAt) { // clock skew between PagerDuty's records
			r.ResolvedAt = r.StartedAt
		}
	}
	if r.CausedBy, err = s.causedBy(ctx, in, changes); err != nil {
		return r, err
	}
	return r, nil
}
