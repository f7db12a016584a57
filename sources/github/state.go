package github

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/dorareport/dorareport/dora"
)

// repoState is the progress of one repository, kept as JSON in the sync state under the
// repository's name and committed with the data it describes.
type repoState struct {
	// Through is the newest deployment (or run, or release) id such that it and every older one
	// is stored with its final status and, when successful, its shipped range.
	Through int64 `json:"through,omitempty"`
	// Pending are newer ids still in progress when last seen, by the ETag of their statuses.
	Pending map[int64]string `json:"pending,omitempty"`
	// Lists are the ETags of the first pages of the deployment lists (deployments, releases, or
	// the runs of each workflow file), by list.
	Lists map[string]string `json:"lists,omitempty"`
	// PullsUpdated is the newest updated_at of the pull requests stored; PullsETag the ETag of
	// the first page of the pull request list.
	PullsUpdated time.Time `json:"pulls_updated,omitzero"`
	PullsETag    string    `json:"pulls_etag,omitempty"`
	// Incidents are the cursors of the issue list, by incident label.
	Incidents map[string]issueCursor `json:"incidents,omitempty"`
}

type issueCursor struct {
	Updated time.Time `json:"updated,omitzero"`
	ETag    string    `json:"etag,omitempty"`
}

func loadState(ctx context.Context, db *dora.DB, repo string) (*repoState, error) {
	st := &repoState{}
	raw, ok, err := db.SyncState(ctx, "github", repo)
	if err != nil || !ok {
		return st, err
	}
	if err := json.Unmarshal([]byte(raw), st); err != nil {
		return nil, fmt.Errorf("sync state of %s is damaged (%v); delete its row in sync_state to collect the repository again", repo, err)
	}
	return st, nil
}

// save stages st in the same transaction as the data it describes.
func (st *repoState) save(w *dora.Writer, repo string) error {
	raw, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return w.SetSyncState("github", repo, string(raw))
}

// clone copies st, so a transaction that fails leaves the state in memory as it was committed.
func (st *repoState) clone() *repoState {
	c := *st
	c.Pending = make(map[int64]string, len(st.Pending))
	for k, v := range st.Pending {
		c.Pending[k] = v
	}
	c.Lists = make(map[string]string, len(st.Lists))
	for k, v := range st.Lists {
		c.Lists[k] = v
	}
	c.Incidents = make(map[string]issueCursor, len(st.Incidents))
	for k, v := range st.Incidents {
		c.Incidents[k] = v
	}
	return &c
}
