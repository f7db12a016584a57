package github

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/internal/stored"
)

// A repoSync is the collection of one repository in one run.
type repoSync struct {
	s                 *Source
	db                *dora.DB
	repo, owner, name string
	st                *repoState // as committed so far

	stored    map[string]dora.Deployment   // deployments stored earlier, by id
	pulls     map[string]dora.PullRequest  // merged pull requests, by merge sha
	successes map[string][]dora.Deployment // successful deployments by environment, by finished_at
	ranges    map[string][]string          // shas shipped between two deployed shas, by "base...head"
}

// batchSize is how many deployments are committed together: small enough that an interrupted
// run loses little, large enough that transactions do not dominate.
const batchSize = 50

func (s *Source) collectRepo(ctx context.Context, db *dora.DB, repo string) error {
	owner, name, _ := strings.Cut(repo, "/")
	r := &repoSync{s: s, db: db, repo: repo, owner: owner, name: name, ranges: map[string][]string{}, successes: map[string][]dora.Deployment{}}
	var err error
	if r.st, err = loadState(ctx, db, repo); err != nil {
		return err
	}
	if r.stored, err = stored.Deployments(ctx, db, repo, "github"); err != nil {
		return err
	}
	if r.pulls, err = storedPulls(ctx, db, repo); err != nil {
		return err
	}
	r.indexStored()
	if err := r.syncPulls(ctx); err != nil {
		return err
	}
	cands, listETag, err := r.candidates(ctx)
	if err != nil {
		return err
	}
	if err := r.ship(ctx, cands, listETag); err != nil {
		return err
	}
	return r.syncIncidents(ctx)
}

// indexStored orders the stored successful deployments of each environment and remembers the
// compare ranges they hold, so that no stored range is fetched again.
func (r *repoSync) indexStored() {
	for _, d := range r.stored {
		if d.Status == dora.StatusSuccess {
			r.successes[d.Environment] = append(r.successes[d.Environment], d)
		}
	}
	for env, ds := range r.successes {
		slices.SortFunc(ds, byFinish)
		for i := 1; i < len(ds); i++ {
			if ds[i].Commits != nil {
				r.ranges[rangeKey(ds[i-1].SHA, ds[i].SHA)] = ds[i].Commits
			}
		}
		r.successes[env] = ds
	}
}

func byFinish(a, b dora.Deployment) int {
	return cmp.Or(a.FinishedAt.Compare(b.FinishedAt), cmp.Compare(a.ID, b.ID))
}

func rangeKey(base, head string) string { return base + "..." + head }

// previous returns the successful deployment of the same environment that finished last before d.
func (r *repoSync) previous(d dora.Deployment) (dora.Deployment, bool) {
	ds := r.successes[d.Environment]
	i, _ := slices.BinarySearchFunc(ds, d, byFinish)
	for i--; i >= 0; i-- {
		if ds[i].ID != d.ID {
			return ds[i], true
		}
	}
	return dora.Deployment{}, false
}

// remember adds a successful deployment to the ordering of its environment.
func (r *repoSync) remember(d dora.Deployment) {
	ds := slices.DeleteFunc(r.successes[d.Environment], func(o dora.Deployment) bool { return o.ID == d.ID })
	i, _ := slices.BinarySearchFunc(ds, d, byFinish)
	r.successes[d.Environment] = slices.Insert(ds, i, d)
}

// write commits fn's records and the state next together, then adopts next as the state.
func (r *repoSync) write(ctx context.Context, next *repoState, fn func(*dora.Writer) error) error {
	r.s.writeMu.Lock()
	defer r.s.writeMu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	// A batch is small and is committed whole once begun: cancelling it half-way would only
	// throw away requests already paid for, and an aborted DuckDB transaction can outlive its
	// connection's return to the pool.
	err := r.db.Write(context.WithoutCancel(ctx), func(w *dora.Writer) error {
		if err := fn(w); err != nil {
			return err
		}
		return next.save(w, r.repo)
	})
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("store %s: %w", r.repo, err)
	}
	r.st = next
	return nil
}
