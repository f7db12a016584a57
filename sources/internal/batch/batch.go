// Package batch is the unit a Git host collector commits in one transaction: deployments with
// the commits they shipped and the pull (or merge) requests those commits came from.
package batch

import "github.com/dorareport/dorareport/dora"

// A Batch is what one transaction stores.
type Batch struct {
	Deployments []dora.Deployment
	Commits     []dora.Commit
	Pulls       []dora.PullRequest
}

// Store writes the batch through w: the deployments, then the commits, then the pull requests.
// It is given to db.Write (or a collector's own write, which adds the sync state) as is.
func (b *Batch) Store(w *dora.Writer) error {
	for _, d := range b.Deployments {
		if err := w.Deployment(d); err != nil {
			return err
		}
	}
	for _, c := range b.Commits {
		if err := w.Commit(c); err != nil {
			return err
		}
	}
	for _, p := range b.Pulls {
		if err := w.PullRequest(p); err != nil {
			return err
		}
	}
	return nil
}
