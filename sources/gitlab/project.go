package gitlab

import (
	"context"
	"fmt"
	"maps"
	"strconv"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/internal/stored"
)

// A projectSync is the collection of one project in one run.
type projectSync struct {
	s       *Source
	db      *dora.DB
	project string // as configured: an id or a path, which is also the key of its sync state
	path    string // the path with namespace, the repository of its records
	st      *projectState

	stored       map[string]dora.Deployment // deployments stored earlier, by id
	successes    orderings                  // successful production deployments by environment, by finish
	ranges       map[string][]string        // shas shipped between two deployed shas, by "from...to"
	fetched      map[string]fetchedRange    // compares answered ahead of their use, by "from...to"
	mergeSHAs    map[string]int64           // merge requests by the commit that merged them
	firstCommits map[int64]time.Time        // first commit times of squash-merged merge requests
}

func (s *Source) collectProject(ctx context.Context, db *dora.DB, project string) error {
	p := &projectSync{s: s, db: db, project: project, successes: orderings{}, ranges: map[string][]string{},
		fetched: map[string]fetchedRange{}}
	var err error
	if p.st, err = loadState(ctx, db, project); err != nil {
		return err
	}
	next := p.st.clone()
	if err := p.resolvePath(ctx, next); err != nil {
		return err
	}
	if err := p.readTiers(ctx, next); err != nil {
		return err
	}
	if p.stored, err = stored.Deployments(ctx, db, p.path, "gitlab", "gitlab:%"); err != nil {
		return fmt.Errorf("gitlab: %w", err)
	}
	if p.mergeSHAs, err = storedMergeSHAs(ctx, db, p.path); err != nil {
		return err
	}
	if p.firstCommits, err = storedFirstCommits(ctx, db, p.path); err != nil {
		return err
	}
	if len(p.st.Tiers) > 0 && !maps.Equal(next.Tiers, p.st.Tiers) {
		// an environment changed tier: list the deployments again, so that those stored under
		// the old tier are stored under the new one (with their ranges, if now production)
		p.s.log.Info("gitlab: environment tiers changed, listing all deployments again", "project", p.path)
		delete(next.Lists, listDeployments)
	}
	if next.Path != p.st.Path || next.EnvETag != p.st.EnvETag || !maps.Equal(next.Tiers, p.st.Tiers) {
		if err := p.write(ctx, next, nil); err != nil {
			return err
		}
	}
	p.indexStored()
	if err := p.syncMergeRequests(ctx); err != nil {
		return err
	}
	if err := p.syncDeployments(ctx); err != nil {
		return err
	}
	if err := p.syncIncidents(ctx); err != nil {
		return err
	}
	s.log.Info("gitlab: project collected", "project", p.path, "requests so far", s.http.Stats().Requests)
	return nil
}

// resolvePath finds the path of a project configured by numeric id, once: records name their
// repository by path, as the services of the configuration do.
func (p *projectSync) resolvePath(ctx context.Context, next *projectState) error {
	if _, err := strconv.ParseInt(p.project, 10, 64); err != nil {
		p.path, next.Path = p.project, ""
		return nil
	}
	if p.st.Path != "" {
		p.path = p.st.Path
		return nil
	}
	proj, _, err := p.s.client.Projects.GetProject(p.project, nil, gl.WithContext(ctx))
	if err != nil {
		return p.s.fail("get project", p.project, err)
	}
	p.path, next.Path = proj.PathWithNamespace, proj.PathWithNamespace
	return nil
}

// readTiers reads the tier of every environment of the project; an unchanged list costs a 304.
func (p *projectSync) readTiers(ctx context.Context, next *projectState) error {
	tiers := map[string]string{}
	etag, err := walk(ctx, p.st.EnvETag, func(page int64, opts ...gl.RequestOptionFunc) ([]*gl.Environment, *gl.Response, error) {
		return p.s.client.Environments.ListEnvironments(p.project, &gl.ListEnvironmentsOptions{ListOptions: gl.ListOptions{PerPage: perPage, Page: page}}, opts...)
	}, func(envs []*gl.Environment) error {
		for _, e := range envs {
			if e.Tier != "" {
				tiers[e.Name] = e.Tier
			}
		}
		return nil
	})
	if err != nil {
		return p.s.fail("list environments of", p.project, err)
	}
	if etag != "" && etag == p.st.EnvETag {
		return nil // unchanged
	}
	next.Tiers, next.EnvETag = tiers, etag
	return nil
}

// write commits fn's records and the state next together, then adopts next as the state.
func (p *projectSync) write(ctx context.Context, next *projectState, fn func(*dora.Writer) error) error {
	p.s.writeMu.Lock()
	defer p.s.writeMu.Unlock()
	err := p.db.Write(ctx, func(w *dora.Writer) error {
		if fn != nil {
			if err := fn(w); err != nil {
				return err
			}
		}
		return next.save(w, p.project)
	})
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("gitlab: store %s: %w", p.project, err)
	}
	p.st = next.clone()
	return nil
}
