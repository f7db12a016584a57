package gitlab

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/internal/batch"
)

// counts reports whether d takes part in a shipped-range history: a successful production
// deployment. Other records carry no range, since no metric reads one.
func (p *projectSync) counts(d dora.Deployment) bool {
	return d.Status == dora.StatusSuccess && !d.FinishedAt.IsZero() &&
		(d.Tier == dora.TierProduction || p.s.cfg.Definitions.IsProduction(d.Environment))
}

// indexStored orders the stored successful production deployments of each environment and
// remembers the ranges they hold, so that no stored range is fetched again.
func (p *projectSync) indexStored() {
	for _, d := range p.stored {
		if p.counts(d) {
			p.successes[d.Environment] = append(p.successes[d.Environment], d)
		}
	}
	for env, ds := range p.successes {
		slices.SortFunc(ds, byFinish)
		for i := 1; i < len(ds); i++ {
			if ds[i].Commits != nil {
				p.ranges[rangeKey(ds[i-1].SHA, ds[i].SHA)] = ds[i].Commits
			}
		}
		p.successes[env] = ds
	}
}

func rangeKey(from, to string) string { return from + "..." + to }

// ship adds d to the batch, with the range it shipped when it counts, and the deployments whose
// range its arrival changed.
func (p *projectSync) ship(ctx context.Context, d dora.Deployment, b *batch.Batch) error {
	ranged := p.place(p.successes, d)
	if len(ranged) == 0 || ranged[0].ID != d.ID {
		b.Deployments = append(b.Deployments, d)
	}
	for _, dep := range ranged {
		if err := p.shipped(ctx, &dep, b); err != nil {
			return err
		}
		p.successes.remember(dep)
		b.Deployments = append(b.Deployments, dep)
	}
	return nil
}

// place puts d into the orderings o, in place of its stored version, and returns the
// deployments whose range must be taken (again), in order: d itself when it counts, then those
// whose predecessor changed. A deployment that finished before one stored already (a long
// deployment, a status that changed late) is the predecessor of the next one from now on.
func (p *projectSync) place(o orderings, d dora.Deployment) []dora.Deployment {
	var ranged []dora.Deployment
	var redo []string
	if old, ok := p.stored[d.ID]; ok && p.counts(old) {
		if next, ok := o.successor(old); ok {
			redo = append(redo, next.ID)
		}
		o.forget(old)
	}
	if p.counts(d) {
		o.remember(d)
		ranged = append(ranged, d)
		if next, ok := o.successor(d); ok {
			redo = append(redo, next.ID)
		}
	}
	for _, id := range redo {
		if next, ok := o.find(id); ok && id != d.ID {
			ranged = append(ranged, next)
		}
	}
	return ranged
}

// shipped sets d.Commits to the range from the previous successful deployment of its
// environment to d, comparing the two shas unless that range is known. The first deployment of
// an environment has no predecessor: its range stays unknown (nil). A range GitLab cannot give
// (a sha gone after a force push, a compare that timed out) stays unknown too, with a warning.
func (p *projectSync) shipped(ctx context.Context, d *dora.Deployment, b *batch.Batch) error {
	prev, ok := p.successes.previous(*d)
	switch {
	case !ok:
		d.Commits = nil
		return nil
	case prev.SHA == d.SHA:
		d.Commits = []string{}
		return nil
	}
	key := rangeKey(prev.SHA, d.SHA)
	if shas, ok := p.ranges[key]; ok {
		d.Commits = shas
		return nil
	}
	r, ok := p.fetched[key]
	delete(p.fetched, key)
	if !ok {
		var err error
		if r, err = p.fetchRange(ctx, prev.SHA, d.SHA); err != nil {
			return err
		}
	}
	if r.unknown != "" {
		p.s.log.Warn("gitlab: commit range unknown: "+r.unknown, "project", p.path, "deployment", d.ID, "from", prev.SHA, "to", d.SHA)
		d.Commits = nil
		return nil
	}
	b.Commits = append(b.Commits, r.commits...)
	p.ranges[key] = r.shas
	d.Commits = r.shas
	return nil
}

// A fetchedRange is the answer to one compare; unknown says why GitLab could not give it.
type fetchedRange struct {
	shas    []string
	commits []dora.Commit
	unknown string
}

// fetchRange asks GitLab for the commits reachable from to and not from from.
func (p *projectSync) fetchRange(ctx context.Context, from, to string) (fetchedRange, error) {
	cmp, err := p.compare(from, to, gl.WithContext(ctx))
	if code := status(err); code == http.StatusNotFound || code == http.StatusUnprocessableEntity {
		return fetchedRange{unknown: fmt.Sprintf("compare refused (HTTP %d)", code)}, nil
	}
	if err != nil {
		return fetchedRange{}, p.s.fail("compare "+short(from)+"..."+short(to)+" of", p.project, err)
	}
	if cmp.CompareTimeout {
		return fetchedRange{unknown: "compare timed out"}, nil
	}
	r := fetchedRange{shas: []string{}}
	for _, gc := range cmp.Commits {
		if gc == nil { // a null item says nothing; GitLab never sends one
			continue
		}
		r.shas = append(r.shas, gc.ID)
		if c, ok := p.commit(gc); ok {
			r.commits = append(r.commits, c)
		}
	}
	return r, nil
}

// commit maps a commit of a compare, linked to the merge request it merged when it is one's
// merge or squash commit. Without an author time (never seen from GitLab) it is not stored.
func (p *projectSync) commit(gc *commit) (dora.Commit, bool) {
	c := dora.Commit{Repo: p.path, SHA: gc.ID, AuthoredAt: firstTime(gc.AuthoredDate, gc.CreatedAt, gc.CommittedDate),
		CommittedAt: utc(gc.CommittedDate), PullRequest: p.mergeSHAs[gc.ID]}
	if gc.ParentIDs != nil {
		c.Parents = slices.Clone(gc.ParentIDs)
	}
	return c, !c.AuthoredAt.IsZero()
}

// firstTime returns the first of ts that is set, in UTC.
func firstTime(ts ...*time.Time) time.Time {
	for _, t := range ts {
		if t != nil && !t.IsZero() {
			return t.UTC()
		}
	}
	return time.Time{}
}

func short(sha string) string { return sha[:min(len(sha), 12)] }
