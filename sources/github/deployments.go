package github

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/internal/httpx"
)

// A candidate is a deployment (or run, or release) seen in this run, new or still pending.
type candidate struct {
	key   int64 // GitHub's id, which grows with creation time
	dep   dora.Deployment
	final bool   // its status will not change any more
	etag  string // of its status, to check a pending one cheaply next time
}

// abandonAfter is how long a deployment may stay without a final status before it is no longer
// checked: many tools create deployments and never report on them.
const abandonAfter = 30 * 24 * time.Hour

// candidates lists what is new since the last run and what was pending then, per the
// configured signal, oldest first. lists are the ETags to keep once all of them are stored.
func (r *repoSync) candidates(ctx context.Context) (cands []candidate, lists map[string]string, err error) {
	lists = map[string]string{}
	switch r.s.cfg.Deployments {
	case SignalWorkflowRuns:
		cands, err = r.runCandidates(ctx, lists)
	case SignalReleases:
		cands, err = r.releaseCandidates(ctx, lists)
	default:
		cands, err = r.deploymentCandidates(ctx, lists)
	}
	cands = slices.DeleteFunc(cands, func(c candidate) bool { return !r.storable(r.s.cfg.Deployments, &c.dep) })
	slices.SortFunc(cands, func(a, b candidate) int { return cmp.Compare(a.key, b.key) })
	return cands, lists, err
}

// newest pages through a list that GitHub returns newest first, calling keep for each item until
// it returns false; the first page is conditional on etag. It returns the first page's ETag, or
// etag itself when GitHub answered 304. A null item of a list says nothing and is passed over.
func newest[T any](ctx context.Context, etag string, list func(ctx context.Context, page int) ([]*T, *gh.Response, error), keep func(*T) bool) (string, error) {
	newETag := ""
	for page := 1; page != 0; {
		pctx := ctx
		if page == 1 {
			pctx = httpx.IfNoneMatch(ctx, etag)
		}
		items, resp, err := list(pctx, page)
		if page == 1 && errors.Is(err, httpx.ErrNotModified) {
			return etag, nil
		}
		if err != nil {
			return "", err
		}
		if page == 1 {
			newETag = httpx.ETag(resp.Header)
		}
		for _, it := range items {
			if it == nil {
				continue
			}
			if !keep(it) {
				return newETag, nil
			}
		}
		page = resp.NextPage
	}
	return newETag, nil
}

func (r *repoSync) deploymentID(id int64) string { return fmt.Sprintf("%s/deployments/%d", r.repo, id) }

func (r *repoSync) deploymentCandidates(ctx context.Context, lists map[string]string) ([]candidate, error) {
	var fresh []*gh.Deployment
	etag, err := newest(ctx, r.st.Lists[SignalDeployments], func(ctx context.Context, page int) ([]*gh.Deployment, *gh.Response, error) {
		return r.s.client.Repositories.ListDeployments(ctx, r.owner, r.name, &gh.DeploymentsListOptions{ListOptions: gh.ListOptions{PerPage: 100, Page: page}})
	}, func(d *gh.Deployment) bool {
		if d.GetID() <= r.st.Through || d.GetCreatedAt().Before(r.s.cfg.Since) {
			return false
		}
		fresh = append(fresh, d)
		return true
	})
	if err != nil {
		return nil, r.s.fail("list deployments", r.repo, err)
	}
	lists[SignalDeployments] = etag
	var cands []candidate
	seen := map[int64]bool{}
	for _, d := range fresh {
		seen[d.GetID()] = true
		dep := dora.Deployment{ID: r.deploymentID(d.GetID()), Environment: d.GetEnvironment(), SHA: d.GetSHA(),
			Repo: r.repo, StartedAt: d.GetCreatedAt().UTC(), Source: "github"}
		c, _, err := r.deploymentStatus(ctx, d.GetID(), dep, "")
		if err != nil {
			return nil, err
		}
		cands = append(cands, c)
	}
	for id, statusETag := range r.st.Pending {
		dep, ok := r.stored[r.deploymentID(id)]
		if seen[id] || !ok {
			continue
		}
		c, changed, err := r.deploymentStatus(ctx, id, dep, statusETag)
		if err != nil {
			return nil, err
		}
		if changed {
			cands = append(cands, c)
		}
	}
	return cands, nil
}

// deploymentStatus reads the statuses of a deployment and settles it on the newest that says how
// it went. "inactive" only says a later deployment replaced it, so it is passed over.
func (r *repoSync) deploymentStatus(ctx context.Context, id int64, dep dora.Deployment, etag string) (candidate, bool, error) {
	statuses, resp, err := r.s.client.Repositories.ListDeploymentStatuses(httpx.IfNoneMatch(ctx, etag), r.owner, r.name, id, &gh.ListOptions{PerPage: 100})
	if errors.Is(err, httpx.ErrNotModified) {
		return candidate{}, false, nil
	}
	if err != nil {
		return candidate{}, false, r.s.fail(fmt.Sprintf("list statuses of deployment %d of", id), r.repo, err)
	}
	c := candidate{key: id, dep: dep}
	c.dep.Status, c.dep.FinishedAt = dora.StatusInProgress, time.Time{}
	var latest *gh.DeploymentStatus
	inactive := false
	for _, st := range statuses {
		if st.GetState() == "inactive" {
			inactive = true
			continue
		}
		if latest == nil || st.GetID() > latest.GetID() {
			latest = st
		}
	}
	switch state := latest.GetState(); {
	case latest == nil && inactive:
		c.dep.Status, c.final = dora.StatusCancelled, true
	case state == "success":
		c.dep.Status, c.final = dora.StatusSuccess, true
	case state == "failure" || state == "error":
		c.dep.Status, c.final = dora.StatusFailure, true
	}
	if c.final {
		c.dep.FinishedAt = latest.GetCreatedAt().UTC()
		if latest == nil { // only inactive statuses: finished when it was set aside
			c.dep.FinishedAt = statuses[0].GetCreatedAt().UTC()
		}
	} else {
		c.etag = httpx.ETag(resp.Header)
		c.final = time.Since(dep.StartedAt) > abandonAfter
	}
	if latest != nil {
		c.dep.URL = firstOf(latest.GetLogURL(), latest.GetTargetURL(), latest.GetEnvironmentURL())
	}
	return c, true, nil
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
