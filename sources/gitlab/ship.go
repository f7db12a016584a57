package gitlab

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/dorareport/dorareport/dora"
)

// A batch is what one transaction stores: deployments with the commits they shipped and the
// merge requests those commits came from.
type batch struct {
	deployments []dora.Deployment
	commits     []dora.Commit
	pulls       []dora.PullRequest
}

func (b *batch) store(w *dora.Writer) error {
	for _, d := range b.deployments {
		if err := w.Deployment(d); err != nil {
			return err
		}
	}
	for _, c := range b.commits {
		if err := w.Commit(c); err != nil {
			return err
		}
	}
	for _, p := range b.pulls {
		if err := w.PullRequest(p); err != nil {
			return err
		}
	}
	return nil
}

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

func byFinish(a, b dora.Deployment) int {
	return cmp.Or(a.FinishedAt.Compare(b.FinishedAt), cmp.Compare(a.ID, b.ID))
}

func rangeKey(from, to string) string { return from + "..." + to }

// ship adds d to the batch, with the range it shipped when it counts. A deployment that
// finished before one stored already (a long deployment, a status that changed late) changes
// the predecessor of the next one, whose range is then taken again from its new predecessor.
func (p *projectSync) ship(ctx context.Context, d dora.Deployment, b *batch) error {
	var redo []string // ids of deployments whose predecessor changed
	if old, ok := p.stored[d.ID]; ok && p.counts(old) {
		if next, ok := p.successor(old); ok {
			redo = append(redo, next.ID)
		}
		p.forget(old)
	}
	if p.counts(d) {
		p.remember(d)
		if err := p.shipped(ctx, &d, b); err != nil {
			return err
		}
		p.remember(d)
		if next, ok := p.successor(d); ok {
			redo = append(redo, next.ID)
		}
	}
	b.deployments = append(b.deployments, d)
	for _, id := range redo {
		next, ok := p.find(id)
		if !ok || id == d.ID {
			continue
		}
		if err := p.shipped(ctx, &next, b); err != nil {
			return err
		}
		p.remember(next)
		b.deployments = append(b.deployments, next)
	}
	return nil
}

// remember puts d (again) into the ordering of its environment.
func (p *projectSync) remember(d dora.Deployment) {
	p.forget(d)
	ds := p.successes[d.Environment]
	i, _ := slices.BinarySearchFunc(ds, d, byFinish)
	p.successes[d.Environment] = slices.Insert(ds, i, d)
}

func (p *projectSync) forget(d dora.Deployment) {
	p.successes[d.Environment] = slices.DeleteFunc(p.successes[d.Environment], func(o dora.Deployment) bool { return o.ID == d.ID })
}

func (p *projectSync) find(id string) (dora.Deployment, bool) {
	for _, ds := range p.successes {
		for _, d := range ds {
			if d.ID == id {
				return d, true
			}
		}
	}
	return dora.Deployment{}, false
}

// previous and successor are d's neighbours in the ordering of its environment.
func (p *projectSync) previous(d dora.Deployment) (dora.Deployment, bool) {
	ds := p.successes[d.Environment]
	i, _ := slices.BinarySearchFunc(ds, d, byFinish)
	if i > 0 {
		return ds[i-1], true
	}
	return dora.Deployment{}, false
}

func (p *projectSync) successor(d dora.Deployment) (dora.Deployment, bool) {
	ds := p.successes[d.Environment]
	i, found := slices.BinarySearchFunc(ds, d, byFinish)
	if found {
		i++
	}
	if i < len(ds) {
		return ds[i], true
	}
	return dora.Deployment{}, false
}

// shipped sets d.Commits to the range from the previous successful deployment of its
// environment to d, comparing the two shas unless that range is known. The first deployment of
// an environment has no predecessor: its range stays unknown (nil). A range GitLab cannot give
// (a sha gone after a force push, a compare that timed out) stays unknown too, with a warning.
func (p *projectSync) shipped(ctx context.Context, d *dora.Deployment, b *batch) error {
	prev, ok := p.previous(*d)
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
	cmp, err := p.compare(prev.SHA, d.SHA, gl.WithContext(ctx))
	if code := status(err); code == http.StatusNotFound || code == http.StatusUnprocessableEntity {
		p.s.log.Warn("gitlab: commit range unknown: compare refused", "project", p.path, "deployment", d.ID, "from", prev.SHA, "to", d.SHA, "status", code)
		d.Commits = nil
		return nil
	}
	if err != nil {
		return p.s.fail("compare "+short(prev.SHA)+"..."+short(d.SHA)+" of", p.project, err)
	}
	if cmp.CompareTimeout {
		p.s.log.Warn("gitlab: commit range unknown: compare timed out", "project", p.path, "deployment", d.ID, "from", prev.SHA, "to", d.SHA)
		d.Commits = nil
		return nil
	}
	shas := []string{}
	for _, gc := range cmp.Commits {
		shas = append(shas, gc.ID)
		if c, ok := p.commit(gc); ok {
			b.commits = append(b.commits, c)
		}
	}
	p.ranges[key] = shas
	d.Commits = shas
	return nil
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
