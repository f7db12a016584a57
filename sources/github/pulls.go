package github

import (
	"context"
	"fmt"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/dorareport/dorareport/dora"
)

// pullsMargin reaches back before Config.Since for pull requests, which are merged some time
// before the deployment that ships them.
const pullsMargin = 30 * 24 * time.Hour

// syncPulls stores the pull requests merged since the last run, newest update first, from the
// repository's closed pull requests: one list serves every shipped commit, where asking per
// commit would cost a request per commit. What is known of a stored pull request (its first
// commit time) is kept when it is listed again.
func (r *repoSync) syncPulls(ctx context.Context) error {
	var fresh []dora.PullRequest
	updated := r.st.PullsUpdated
	etag, err := r.listMerged(ctx, &fresh, &updated)
	if err != nil {
		return r.s.fail("list pull requests", r.repo, err)
	}
	if len(fresh) == 0 && etag == r.st.PullsETag && updated.Equal(r.st.PullsUpdated) {
		return nil
	}
	next := r.st.clone()
	next.PullsETag, next.PullsUpdated = etag, updated
	if err := r.write(ctx, next, func(w *dora.Writer) error {
		for _, p := range fresh {
			if err := w.PullRequest(p); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	for _, p := range fresh {
		r.pulls[p.MergeSHA] = p
	}
	return nil
}

// listMerged appends to fresh the merged pull requests updated since the last run and raises
// updated to the newest update seen; it returns the first page's ETag.
func (r *repoSync) listMerged(ctx context.Context, fresh *[]dora.PullRequest, updated *time.Time) (string, error) {
	floor := r.st.PullsUpdated
	if floor.IsZero() && !r.s.cfg.Since.IsZero() {
		floor = r.s.cfg.Since.Add(-pullsMargin)
	}
	return newest(ctx, r.st.PullsETag, func(ctx context.Context, page int) ([]*gh.PullRequest, *gh.Response, error) {
		return r.s.client.PullRequests.List(ctx, r.owner, r.name, &gh.PullRequestListOptions{State: "closed", Sort: "updated",
			Direction: "desc", ListOptions: gh.ListOptions{PerPage: 100, Page: page}})
	}, func(p *gh.PullRequest) bool {
		at := p.GetUpdatedAt().UTC()
		if at.Before(floor) {
			return false
		}
		if at.After(*updated) {
			*updated = at
		}
		if p.MergedAt == nil || p.GetMergeCommitSHA() == "" {
			return true
		}
		pr := dora.PullRequest{Repo: r.repo, Number: int64(p.GetNumber()), Title: p.GetTitle(),
			CreatedAt: p.GetCreatedAt().UTC(), MergedAt: p.GetMergedAt().UTC(), MergeSHA: p.GetMergeCommitSHA(), URL: p.GetHTMLURL()}
		for _, l := range p.Labels {
			pr.Labels = append(pr.Labels, l.GetName())
		}
		if old, ok := r.pulls[pr.MergeSHA]; ok && old.Number == pr.Number {
			pr.FirstCommitAt = old.FirstCommitAt
		}
		if r.storable("pulls", &pr) {
			*fresh = append(*fresh, pr)
		}
		return true
	})
}

// firstCommitAt returns the earliest author time of a pull request's commits, from its first
// page of commits (GitHub lists them oldest first).
func (r *repoSync) firstCommitAt(ctx context.Context, number int64) (time.Time, error) {
	commits, _, err := r.s.client.PullRequests.ListCommits(ctx, r.owner, r.name, int(number), &gh.ListOptions{PerPage: 100})
	if gone(err) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, r.s.fail(fmt.Sprintf("list commits of pull request #%d of", number), r.repo, err)
	}
	var first time.Time
	for _, c := range commits {
		at := firstTime(c.GetCommit().GetAuthor().GetDate().Time, c.GetCommit().GetCommitter().GetDate().Time)
		if !at.IsZero() && (first.IsZero() || at.Before(first)) {
			first = at
		}
	}
	return first, nil
}
