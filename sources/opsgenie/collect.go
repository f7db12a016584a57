package opsgenie

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/internal/incidentsync"
)

// maxWindow is the longest createdAt range of one listing: windows keep offsets small and
// commit progress often.
const maxWindow = 30 * 24 * time.Hour

// collectKind brings one kind up to until: first the items still open from earlier runs,
// then the listing windows from the cursor on.
func (s *Source) collectKind(ctx context.Context, db *dora.DB, k kind, until time.Time, p *progress) error {
	st, err := incidentsync.Load(ctx, db, "opsgenie", k.stateKey)
	if err != nil {
		return err
	}
	from := st.From(s.cfg.Since, until, DefaultHistory, s.cfg.Overlap).UTC().Truncate(time.Millisecond)
	if st, err = s.refreshOpen(ctx, db, k, st, from); err != nil {
		return err
	}
	for start := from; start.Before(until); {
		end := start.Add(maxWindow)
		if end.After(until) {
			end = until
		}
		found, err := s.list(ctx, k, start, end)
		if err != nil {
			return err
		}
		next := st.Clone()
		if end.After(next.Through) {
			next.Through = end
		}
		records := s.records(k, found, next)
		if err := s.write(ctx, db, k, next, records); err != nil {
			return err
		}
		st = next
		p.add(k.name, end, len(records))
		start = end
	}
	return nil
}

// refreshOpen reads again, by id, the items left open by earlier runs that the listing from
// `from` will not see, so that their resolution is recorded.
func (s *Source) refreshOpen(ctx context.Context, db *dora.DB, k kind, st incidentsync.State, from time.Time) (incidentsync.State, error) {
	var found []item
	next := st.Clone()
	for _, id := range slices.Sorted(maps.Keys(st.Open)) {
		if !st.Open[id].Before(from) {
			continue
		}
		it, ok, err := s.read(ctx, k, id)
		if err != nil {
			return st, err
		}
		if !ok {
			s.log.Debug("open item no longer exists", "kind", k.singular, "id", id)
			delete(next.Open, id)
			continue
		}
		found = append(found, it)
	}
	if len(found) == 0 && len(next.Open) == len(st.Open) {
		return st, nil
	}
	if err := s.write(ctx, db, k, next, s.records(k, found, next)); err != nil {
		return st, err
	}
	return next, nil
}

// records maps the items that belong to a service and keeps next.Open up to date; the others
// are skipped.
func (s *Source) records(k kind, found []item, next incidentsync.State) []dora.Incident {
	var out []dora.Incident
	skipped := 0
	for _, it := range found {
		if it.ID == "" || it.CreatedAt.IsZero() {
			// Stored, it would fail the whole transaction, and so the collection on every run.
			s.log.Warn("Opsgenie listed an item without id or createdAt; it is skipped", "kind", k.name, "id", it.ID)
			continue
		}
		service, ok := s.service(it)
		if !ok {
			skipped++
			delete(next.Open, it.ID)
			continue
		}
		r := record(k, it, service)
		if r.ResolvedAt.IsZero() {
			next.Open[it.ID] = r.StartedAt
		} else {
			delete(next.Open, it.ID)
		}
		out = append(out, r)
	}
	if skipped > 0 {
		s.log.Debug("skipped records that map to no service", "kind", k.name, "count", skipped)
	}
	return out
}

// write stores records and the kind's progress in one transaction.
func (s *Source) write(ctx context.Context, db *dora.DB, k kind, st incidentsync.State, records []dora.Incident) error {
	err := incidentsync.Store(ctx, db, "opsgenie", k.stateKey, st, records)
	if err != nil {
		return fmt.Errorf("opsgenie: store %s: %w", k.name, err)
	}
	s.log.Debug("stored", "kind", k.name, "records", len(records), "through", st.Through, "open", len(st.Open))
	return nil
}
