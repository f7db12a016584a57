package opsgenie

import (
	"time"

	"github.com/dorareport/dorareport/dora"
)

// A kind is what is collected: incidents, or the alerts carrying a tag.
type kind struct {
	name, singular string
	stateKey       string // the sync state key of its progress
	listPath       string
	getPath        string // + id
	filter         string // a search condition added to the createdAt window
	idPrefix       string // of the dorareport incident id
}

var incidents = kind{name: "incidents", singular: "incident", stateKey: "incidents",
	listPath: "/v1/incidents", getPath: "/v1/incidents/", idPrefix: "opsgenie/incident/"}

func alerts(tag string) kind {
	return kind{name: "alerts tagged " + tag, singular: "alert", stateKey: "alerts:" + tag,
		listPath: "/v2/alerts", getPath: "/v2/alerts/", filter: `tag: "` + tag + `"`, idPrefix: "opsgenie/alert/"}
}

// item holds the fields of BaseIncident and BaseAlert (Opsgenie's schema) that dorareport reads.
type item struct {
	ID              string            `json:"id"`
	Message         string            `json:"message"`
	Status          string            `json:"status"` // incidents: open, resolved, closed; alerts: open, closed
	Tags            []string          `json:"tags"`
	CreatedAt       time.Time         `json:"createdAt"`
	UpdatedAt       time.Time         `json:"updatedAt"`
	Priority        string            `json:"priority"`
	ExtraProperties map[string]string `json:"extraProperties"` // incidents only
	Report          *struct {
		CloseTime int64 `json:"closeTime"` // milliseconds from creation to close
	} `json:"report"` // alerts only
}

// resolvedAt is when the item was resolved, or zero while it is open.
func (it item) resolvedAt() time.Time {
	switch it.Status {
	case "resolved", "closed":
	default:
		return time.Time{}
	}
	if it.Report != nil && it.Report.CloseTime > 0 {
		at := it.CreatedAt.Add(time.Duration(it.Report.CloseTime) * time.Millisecond)
		if it.UpdatedAt.IsZero() || !at.After(it.UpdatedAt) {
			return at
		}
	}
	return it.UpdatedAt
}

// service returns the dorareport service of an item, and whether it has one.
func (s *Source) service(it item) (string, bool) {
	if p := s.cfg.ServiceProperty; p != "" && it.ExtraProperties[p] != "" {
		return it.ExtraProperties[p], true
	}
	for _, tag := range it.Tags {
		if name, ok := s.cfg.Services[tag]; ok {
			return name, true
		}
	}
	return "", false
}

// record turns an item into a dorareport incident.
func record(k kind, it item, service string) dora.Incident {
	r := dora.Incident{ID: k.idPrefix + it.ID, Service: service, Title: it.Message, Severity: it.Priority,
		StartedAt: it.CreatedAt.UTC(), Source: "opsgenie"}
	if at := it.resolvedAt(); !at.IsZero() {
		r.ResolvedAt = at.UTC()
		if r.ResolvedAt.Before(r.StartedAt) {
			r.ResolvedAt = r.StartedAt
		}
	}
	return r
}
