package github

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"

	gh "github.com/google/go-github/v60/github"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/internal/batch"
	"github.com/dorareport/dorareport/sources/internal/httpx"
)

// ship stores the candidates oldest first, in batches, each successful one with the range it
// shipped: the compare from the previous successful deployment of its environment. The state
// advances with each batch; the list ETags are kept only with the last one, so that a run
// interrupted in between lists the rest again.
func (r *repoSync) ship(ctx context.Context, cands []candidate, lists map[string]string) error {
	if len(cands) == 0 && maps.Equal(lists, r.st.Lists) {
		return nil
	}
	for start := 0; start < len(cands) || start == 0; start += batchSize {
		end := min(start+batchSize, len(cands))
		next := r.st.clone()
		var b batch.Batch
		for _, c := range cands[start:end] {
			d := c.dep
			if d.Status == dora.StatusSuccess {
				if err := r.shipped(ctx, &d, &b); err != nil {
					return err
				}
			}
			b.Deployments = append(b.Deployments, d)
			next.Through = max(next.Through, c.key)
			if c.final {
				delete(next.Pending, c.key)
			} else {
				next.Pending[c.key] = c.etag
			}
		}
		if end == len(cands) {
			maps.Copy(next.Lists, lists)
		}
		if err := r.write(ctx, next, b.Store); err != nil {
			return err
		}
		for _, d := range b.Deployments {
			r.stored[d.ID] = d
		}
	}
	return nil
}

// flushCommits bounds the commits a batch holds in memory: a range of a hundred thousand commits
// is written in parts.
var flushCommits = 5000

// flushCommits stores the commits gathered so far ahead of their deployment. That is safe: a
// commit row counts only through a deployment that lists it, and a run interrupted before the
// deployment is stored fetches the range again and rewrites the same rows.
func (r *repoSync) flushCommits(ctx context.Context, b *batch.Batch) error {
	err := r.write(ctx, r.st.clone(), func(w *dora.Writer) error {
		for _, c := range b.Commits {
			if err := w.Commit(c); err != nil {
				return err
			}
		}
		return nil
	})
	b.Commits = b.Commits[:0]
	return err
}

// shipped sets d.Commits to the range d shipped, fetching it (with its commits and the first
// commit times of squash-merged pull requests) unless it is stored already. The first deployment
// of an environment has no previous one: its range stays unknown.
func (r *repoSync) shipped(ctx context.Context, d *dora.Deployment, b *batch.Batch) error {
	defer func() { r.remember(*d) }()
	if old, ok := r.stored[d.ID]; ok && old.Commits != nil && old.SHA == d.SHA && old.Status == dora.StatusSuccess {
		d.Commits = old.Commits
		return nil
	}
	prev, ok := r.previous(*d)
	if !ok {
		return nil
	}
	if prev.SHA == d.SHA {
		d.Commits = []string{}
		return nil
	}
	key := rangeKey(prev.SHA, d.SHA)
	if shas, ok := r.ranges[key]; ok {
		d.Commits = shas
		return nil
	}
	shas := []string{}
	for page := 1; page != 0; {
		cmp, resp, err := r.s.client.Repositories.CompareCommits(ctx, r.owner, r.name, prev.SHA, d.SHA, &gh.ListOptions{PerPage: 100, Page: page})
		if gone(err) {
			// A sha rewritten away by a force push cannot be compared; the range stays unknown
			// (and is counted in data quality) rather than stopping the collection for good.
			r.s.log.Warn("compare range unavailable; the deployment's commits stay unknown", "repo", r.repo,
				"deployment", d.ID, "base", prev.SHA, "head", d.SHA, "err", httpx.Clean(err))
			return nil
		}
		if err != nil {
			return r.s.fail(fmt.Sprintf("compare %.12s...%.12s of", prev.SHA, d.SHA), r.repo, err)
		}
		for _, rc := range cmp.Commits {
			if rc == nil { // a null item says nothing; GitHub never sends one
				continue
			}
			c, err := r.commit(ctx, rc, b)
			if err != nil {
				return err
			}
			if c.SHA != "" {
				shas = append(shas, c.SHA)
			}
			if r.storable("compare", &c) {
				b.Commits = append(b.Commits, c)
			}
		}
		if len(b.Commits) >= flushCommits {
			if err := r.flushCommits(ctx, b); err != nil {
				return err
			}
		}
		page = resp.NextPage
	}
	r.ranges[key] = shas
	d.Commits = shas
	return nil
}

// commit maps a commit of a compare, linking it to the pull request it merged. A commit with one
// parent that is a pull request's merge sha is a squash or rebase merge: its lead time starts at
// the pull request's first commit, which costs one request, once per pull request.
func (r *repoSync) commit(ctx context.Context, rc *gh.RepositoryCommit, b *batch.Batch) (dora.Commit, error) {
	c := dora.Commit{Repo: r.repo, SHA: rc.GetSHA(), Parents: []string{},
		AuthoredAt:  firstTime(rc.GetCommit().GetAuthor().GetDate().Time, rc.GetCommit().GetCommitter().GetDate().Time),
		CommittedAt: rc.GetCommit().GetCommitter().GetDate().UTC()}
	for _, p := range rc.Parents {
		c.Parents = append(c.Parents, p.GetSHA())
	}
	pr, ok := r.pulls[c.SHA]
	if !ok {
		return c, nil
	}
	c.PullRequest = pr.Number
	if len(c.Parents) == 1 && pr.FirstCommitAt.IsZero() {
		first, err := r.firstCommitAt(ctx, pr.Number)
		if err != nil {
			return c, err
		}
		if !first.IsZero() {
			pr.FirstCommitAt = first
			r.pulls[c.SHA] = pr
			b.Pulls = append(b.Pulls, pr)
		}
	}
	return c, nil
}

// gone reports an answer saying the thing asked for does not exist (404) or cannot be computed
// (422), as GitHub says of commits that are no longer in the repository.
func gone(err error) bool {
	var se *httpx.StatusError
	return errors.As(err, &se) && (se.Status == http.StatusNotFound || se.Status == http.StatusUnprocessableEntity)
}
