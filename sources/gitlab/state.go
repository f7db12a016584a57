package gitlab

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"time"

	"github.com/dorareport/dorareport/dora"
)

// projectState is the progress of one project, kept as JSON in the sync state under the project
// as configured and committed with the data it describes.
type projectState struct {
	// Path is the project's path with namespace, resolved once when the project is configured
	// by numeric id.
	Path string `json:"path,omitempty"`
	// Tiers are the GitLab tiers of the project's environments, by name; EnvETag the ETag of the
	// environment list they were read from.
	Tiers   map[string]string `json:"tiers,omitempty"`
	EnvETag string            `json:"env_etag,omitempty"`
	// Lists are the cursors of the lists read by updated_at: deployments, merge requests,
	// incidents.
	Lists map[string]cursor `json:"lists,omitempty"`
}

// A cursor is how far a list read by updated_at is stored: every item updated at or before
// Updated. ETag is the ETag of the list's only page when it last fitted on one page: an
// unchanged answer then holds nothing new.
type cursor struct {
	Updated time.Time `json:"updated,omitzero"`
	ETag    string    `json:"etag,omitempty"`
}

func (c cursor) same(o cursor) bool { return c.Updated.Equal(o.Updated) && c.ETag == o.ETag }

// The lists a project's state keeps cursors for.
const (
	listDeployments   = "deployments"
	listMergeRequests = "merge_requests"
	listIncidents     = "incidents"
)

func loadState(ctx context.Context, db *dora.DB, project string) (*projectState, error) {
	st := &projectState{}
	raw, ok, err := db.SyncState(ctx, "gitlab", project)
	if err != nil || !ok {
		return st.clone(), err
	}
	if err := json.Unmarshal([]byte(raw), st); err != nil {
		return nil, fmt.Errorf("gitlab: sync state of %s is damaged (%v); delete its row in sync_state to collect the project again", project, err)
	}
	return st.clone(), nil
}

// save stages st in the same transaction as the data it describes.
func (st *projectState) save(w *dora.Writer, project string) error {
	raw, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return w.SetSyncState("gitlab", project, string(raw))
}

// clone copies st, so a transaction that fails leaves the state in memory as it was committed.
func (st *projectState) clone() *projectState {
	c := *st
	c.Tiers = maps.Clone(st.Tiers)
	if c.Tiers == nil {
		c.Tiers = map[string]string{}
	}
	c.Lists = maps.Clone(st.Lists)
	if c.Lists == nil {
		c.Lists = map[string]cursor{}
	}
	return &c
}
