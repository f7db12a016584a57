package pagerduty

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/internal/incidentsync"
)

// maxWindow is the longest since/until range of one listing: PagerDuty accepts at most six
// months, and no six calendar months are shorter than 181 days.
const maxWindow = 180 * 24 * time.Hour

// collectService brings one PagerDuty service up to until: first the incidents still open
// from earlier runs, then the listing windows from the cursor on.
func (s *Source) collectService(ctx context.Context, db *dora.DB, serviceID string, until time.Time, p *progress) error {
	st, err := incidentsync.Load(ctx, db, "pagerduty", serviceID)
	if err != nil {
		return err
	}
	from := st.From(s.cfg.Since, until, DefaultHistory, s.cfg.Overlap).UTC().Truncate(time.Second)
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
		next := st.Clone()
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
func (s *Source) refreshOpen(ctx context.Context, db *dora.DB, serviceID string, st incidentsync.State, from time.Time) (incidentsync.State, error) {
	var found []incident
	next := st.Clone()
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
func (s *Source) records(ctx context.Context, found []incident, changes []changeEvent, next incidentsync.State) ([]dora.Incident, error) {
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
func (s *Source) write(ctx context.Context, db *dora.DB, serviceID string, st incidentsync.State, records []dora.Incident) error {
	err := incidentsync.Store(ctx, db, "pagerduty", serviceID, st, records)
	if err != nil {
		return fmt.Errorf("pagerduty: store incidents of service %s: %w", serviceID, err)
	}
	s.log.Debug("stored incidents", "service", serviceID, "incidents", len(records), "through", st.Through, "open", len(st.Open))
	return nil
}
