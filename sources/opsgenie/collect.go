package opsgenie

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/dorareport/dorareport/dora"
)

// maxWindow is the longest createdAt range of one listing: windows keep offsets small and
// commit progress often.
const maxWindow = 30 * 24 * time.Hour

// kindState is the progress of one kind, kept as JSON in the sync state and committed with the
// records it describes.
type kindState struct {
	// Through is the cursor: every item created before it is stored.
	Through time.Time `json:"through,omitzero"`
	// Open are the stored items not yet resolved, by Opsgenie id, with their creation time.
	Open map[string]time.Time `json:"open,omitempty"`
}

func loadState(ctx context.Context, db *dora.DB, k kind) (kindState, error) {
	st := kindState{}
	raw, ok, err := db.SyncState(ctx, "opsgenie", k.stateKey)
	if err != nil || !ok {
		return st, err
	}
	if err := json.Unmarshal([]byte(raw), &st); err != nil {
		return st, fmt.Errorf("opsgenie: sync state %s is damaged (%v); delete its row in sync_state to collect it again", k.stateKey, err)
	}
	return st, nil
}

// collectKind brings one kind up to until: first the items still open from earlier runs,
// then the listing windows from the cursor on.
func (s *Source) collectKind(ctx context.Context, db *dora.DB, k kind, until time.Time, p *progress) error {
	st, err := loadState(ctx, db, k)
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
	from = from.UTC().Truncate(time.Millisecond)
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
		next := st.clone()
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
func (s *Source) refreshOpen(ctx context.Context, db *dora.DB, k kind, st kindState, from time.Time) (kindState, error) {
	var found []item
	next := st.clone()
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
func (s *Source) records(k kind, found []item, next kindState) []dora.Incident {
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
func (s *Source) write(ctx context.Context, db *dora.DB, k kind, st kindState, records []dora.Incident) error {
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
		return w.SetSyncState("opsgenie", k.stateKey, string(raw))
	})
	if err != nil {
		return fmt.Errorf("opsgenie: store %s: %w", k.name, err)
	}
	s.log.Debug("stored", "kind", k.name, "records", len(records), "through", st.Through, "open", len(st.Open))
	return nil
}

// clone copies st, so that a failed transaction leaves the state in memory as committed.
func (st kindState) clone() kindState {
	c := st
	c.Open = maps.Clone(st.Open)
	if c.Open == nil {
		c.Open = map[string]time.Time{}
	}
	return c
}
