package pagerduty

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/dorareport/dorareport/dora"
)

// maxWindow is the longest since/until range of one listing: PagerDuty accepts at most six
// months, and no six calendar months are shorter than 181 days.
const maxWindow = 180 * 24 * time.Hour

// serviceState is the progress of one PagerDuty service, kept as JSON in the sync state under
// the service id and committed with the incidents it describes.
type serviceState struct {
	// Through is the cursor: every incident created before it is stored.
	Through time.Time `json:"through,omitzero"`
	// Open are the stored incidents not yet resolved, by PagerDuty id, with their creation time.
	Open map[string]time.Time `json:"open,omitempty"`
}

func loadState(ctx context.Context, db *dora.DB, serviceID string) (serviceState, error) {
	st := serviceState{}
	raw, ok, err := db.SyncState(ctx, "pagerduty", serviceID)
	if err != nil || !ok {
		return st, err
	}
	if err := json.Unmarshal([]byte(raw), &st); err != nil {
		return st, fmt.Errorf("pagerduty: sync state of service %s is damaged (%v); delete its row in sync_state to collect the service again", serviceID, err)
	}
	return st, nil
}

// collectService brings one PagerDuty service up to until: first the incidents still open
// from earlier runs, then the listing windows from the cursor on.
func (s *Source) collectService(ctx context.Context, db *dora.DB, serviceID string, until time.Time, p *progress) error {
	st, err := loadState(ctx, db, serviceID)
	if err != nil {
		return err
	}
	from := s.cfg.Since
	if from.IsZero() {
		from = until.Add(-DefaultHistory)
	}
	if !st.Through.IsZero() {
		from = st.Through.Add(-s.cfg.Overlap)
	}
	from = from.UTC().Truncate(time.Second)
	if st, err = s.refreshOpen(ctx, db, serviceID, st, from); err != nil {
		return err
	}
	for start := from; start.Before(until); {
		end := start.Add(maxWindow)
		if end.After(until) {
			end = until
		}
		found, err := s.listIncidents(ctx, serviceID, start, end)
		if err != nil {
			return err
		}
		var changes []changeEvent
		if len(found) > 0 {
			if changes, err = s.listChanges(ctx, serviceID, start.Add(-s.cfg.ChangeWindow), end); err != nil {
				return err
			}
		}
		next := st.clone()
		if end.After(next.Through) {
			next.Through = end
		}
		records, err := s.records(ctx, found, changes, next)
		if err != nil {
			return err
		}
		if err := s.write(ctx, db, serviceID, next, records); err != nil {
			return err
		}
		st = next
		p.add(s.cfg.Services[serviceID], end, len(records))
		start = end
	}
	return nil
}

// refreshOpen reads again, by id, the incidents left open by earlier runs that the listing
// from `from` will not see, so that their resolution is recorded.
func (s *Source) refreshOpen(ctx context.Context, db *dora.DB, serviceID string, st serviceState, from time.Time) (serviceState, error) {
	var found []incident
	next := st.clone()
	for _, id := range slices.Sorted(maps.Keys(st.Open)) {
		if !st.Open[id].Before(from) {
			continue
		}
		in, ok, err := s.getIncident(ctx, id)
		if err != nil {
			return st, err
		}
		if !ok {
			s.log.Debug("open incident no longer exists", "incident", id)
			delete(next.Open, id)
			continue
		}
		found = append(found, in)
	}
	if len(found) == 0 && len(next.Open) == len(st.Open) {
		return st, nil
	}
	var records []dora.Incident
	for _, in := range found {
		changes, err := s.listChanges(ctx, in.Service.ID, in.CreatedAt.Add(-s.cfg.ChangeWindow), in.CreatedAt.Add(time.Second))
		if err != nil {
			return st, err
		}
		rs, err := s.records(ctx, []incident{in}, changes, next)
		if err != nil {
			return st, err
		}
		records = append(records, rs...)
	}
	if err := s.write(ctx, db, serviceID, next, records); err != nil {
		return st, err
	}
	return next, nil
}

// records maps the incidents of mapped services and keeps next.Open up to date; incidents of
// other services are skipped.
func (s *Source) records(ctx context.Context, found []incident, changes []changeEvent, next serviceState) ([]dora.Incident, error) {
	var out []dora.Incident
	skipped := 0
	for _, in := range found {
		if in.ID == "" || in.CreatedAt.IsZero() {
			// Stored, it would fail the whole transaction, and so the service's collection on
			// every run.
			s.log.Warn("PagerDuty listed an incident without id or created_at; it is skipped", "incident", in.ID)
			continue
		}
		service, ok := s.cfg.Services[in.Service.ID]
		if !ok {
			skipped++
			delete(next.Open, in.ID)
			continue
		}
		r, err := s.record(ctx, in, service, changes)
		if err != nil {
			return nil, err
		}
		if r.ResolvedAt.IsZero() {
			next.Open[in.ID] = r.StartedAt
		} else {
			delete(next.Open, in.ID)
		}
		out = append(out, r)
	}
	if skipped > 0 {
		s.log.Debug("skipped incidents of unmapped PagerDuty services", "count", skipped)
	}
	return out, nil
}

// write stores records and the service's progress in one transaction.
func (s *Source) write(ctx context.Context, db *dora.DB, serviceID string, st serviceState, records []dora.Incident) error {
	raw, err := json.Marshal(st)
	if err != nil {
		return err
	}
	err = db.Write(ctx, func(w *dora.Writer) error {
		for _, r := range records {
			if err := w.Incident(r); err != nil {
				return err
			}
		}
		return w.SetSyncState("pagerduty", serviceID, string(raw))
	})
	if err != nil {
		return fmt.Errorf("pagerduty: store incidents of service %s: %w", serviceID, err)
	}
	s.log.Debug("stored incidents", "service", serviceID, "incidents", len(records), "through", st.Through, "open", len(st.Open))
	return nil
}

// clone copies st, so that a failed transaction leaves the state in memory as committed.
func (st serviceState) clone() serviceState {
	c := st
	c.Open = maps.Clone(st.Open)
	if c.Open == nil {
		c.Open = map[string]time.Time{}
	}
	return c
}
