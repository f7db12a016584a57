package github

import (
	"context"
	"errors"
	"fmt"

	gh "github.com/google/go-github/v60/github"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/internal/httpx"
)

func (r *repoSync) releaseID(id int64) string { return fmt.Sprintf("%s/releases/%d", r.repo, id) }

// releaseCandidates lists published releases: each is a successful deployment of its tag's
// commit to Config.Environment at its publication time. Drafts stay pending until published;
// prereleases are not deployments.
func (r *repoSync) releaseCandidates(ctx context.Context, lists map[string]string) ([]candidate, error) {
	var releases []*gh.RepositoryRelease
	seen := map[int64]bool{}
	etag, err := newest(ctx, r.st.Lists[SignalReleases], func(ctx context.Context, page int) ([]*gh.RepositoryRelease, *gh.Response, error) {
		return r.s.client.Repositories.ListReleases(ctx, r.owner, r.name, &gh.ListOptions{PerPage: 100, Page: page})
	}, func(rel *gh.RepositoryRelease) bool {
		if rel.GetID() <= r.st.Through || rel.GetCreatedAt().Before(r.s.cfg.Since) {
			return false
		}
		seen[rel.GetID()] = true
		releases = append(releases, rel)
		return true
	})
	if err != nil {
		return nil, r.s.fail("list releases", r.repo, err)
	}
	lists[SignalReleases] = etag
	for id, etag := range r.st.Pending {
		if seen[id] {
			continue
		}
		rel, _, err := r.s.client.Repositories.GetRelease(httpx.IfNoneMatch(ctx, etag), r.owner, r.name, id)
		if errors.Is(err, httpx.ErrNotModified) {
			continue
		}
		if err != nil {
			return nil, r.s.fail(fmt.Sprintf("get release %d of", id), r.repo, err)
		}
		releases = append(releases, rel)
	}
	var cands []candidate
	for _, rel := range releases {
		c := candidate{key: rel.GetID(), final: true}
		switch {
		case rel.GetDraft():
			c.final = false
			c.dep = dora.Deployment{ID: r.releaseID(rel.GetID()), Environment: r.s.cfg.Environment, Status: dora.StatusInProgress,
				SHA: firstOf(rel.GetTargetCommitish(), rel.GetTagName()), Repo: r.repo, Source: "github", StartedAt: rel.GetCreatedAt().UTC()}
		case rel.GetPrerelease():
			continue
		default:
			sha, _, err := r.s.client.Repositories.GetCommitSHA1(ctx, r.owner, r.name, "tags/"+rel.GetTagName(), "")
			if err != nil {
				return nil, r.s.fail("resolve tag "+rel.GetTagName()+" of", r.repo, err)
			}
			c.dep = dora.Deployment{ID: r.releaseID(rel.GetID()), Environment: r.s.cfg.Environment, Status: dora.StatusSuccess,
				SHA: sha, Repo: r.repo, URL: rel.GetHTMLURL(), Source: "github",
				StartedAt: rel.GetCreatedAt().UTC(), FinishedAt: rel.GetPublishedAt().UTC()}
		}
		cands = append(cands, c)
	}
	return cands, nil
}
