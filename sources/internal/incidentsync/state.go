// Package incidentsync keeps the progress of an incident tool's listing (PagerDuty, Opsgenie):
// a cursor in creation time and the items still open, stored as JSON in the warehouse's sync
// state in the same transaction as the incidents it describes.
package incidentsync

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"time"

	"github.com/dorareport/dorareport/dora"
)

// State is the progress of one listing.
type State struct {
	// Through is the cursor: every item created before it is stored.
	Through time.Time `json:"through,omitzero"`
	// Open are the stored items not yet resolved, by the tool's id, with their creation time;
	// they are read again on every run until they are resolved.
	Open map[string]time.Time `json:"open,omitempty"`
}

// Load reads the state source recorded under key; a listing never collected has the zero State.
func Load(ctx context.Context, db *dora.DB, source, key string) (State, error) {
	var st State
	raw, ok, err := db.SyncState(ctx, source, key)
	if err != nil || !ok {
		return st, err
	}
	if err := json.Unmarshal([]byte(raw), &st); err != nil {
		return st, fmt.Errorf("%s: sync state %s is damaged (%v); delete its row in sync_state to collect it again", source, key, err)
	}
	return st, nil
}

// Clone returns a copy whose Open map can be changed without changing st's.
func (st State) Clone() State {
	c := st
	c.Open = maps.Clone(st.Open)
	if c.Open == nil {
		c.Open = map[string]time.Time{}
	}
	return c
}

// From is where the listing resumes: overlap before the cursor, so that items the tool lists
// late are not missed; on a first run since, else history before until.
func (st State) From(since, until time.Time, history, overlap time.Duration) time.Time {
	switch {
	case !st.Through.IsZero():
		return st.Through.Add(-overlap)
	case !since.IsZero():
		return since
	}
	return until.Add(-history)
}

// Store writes records and st in one transaction, so the state is never ahead of the data.
func Store(ctx context.Context, db *dora.DB, source, key string, st State, records []dora.Incident) error {
	raw, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return db.Write(ctx, func(w *dora.Writer) error {
		for _, r := range records {
			if err := w.Incident(r); err != nil {
				return err
			}
		}
		return w.SetSyncState(source, key, string(raw))
	})
}
