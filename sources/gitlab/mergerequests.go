package gitlab

import (
	"context"
	"fmt"
	"slices"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/internal/batch"
)

// mergeRequestBatch is how many merge requests one transaction stores.
const mergeRequestBatch = 100

// syncMergeRequests stores the merge requests merged and updated since the last run, from the
// project's list of merged merge requests: one list serves every shipped commit, where asking
// per commit would cost a request per commit. It runs before the deployments, so that the
// commits they ship can be linked to the merge request that merged them.
func (p *projectSync) syncMergeRequests(ctx context.Context) error {
	cur := p.st.Lists[listMergeRequests]
	list, etag, err := listUpdated(ctx, cur.ETag, func(page int64, opts ...gl.RequestOptionFunc) ([]*gl.BasicMergeRequest, *gl.Response, error) {
		return p.s.client.MergeRequests.ListProjectMergeRequests(p.project, &gl.ListProjectMergeRequestsOptions{
			ListOptions: gl.ListOptions{PerPage: perPage, Page: page},
			State:       ptr("merged"), OrderBy: ptr("updated_at"), Sort: ptr("asc"), UpdatedAfter: after(cur, p.s.cfg.Since),
		}, opts...)
	}, func(m *gl.BasicMergeRequest) (int64, time.Time) { return m.IID, utc(m.UpdatedAt) })
	if err != nil {
		return p.s.fail("list merge requests of", p.project, err)
	}
	// A merge request without an iid can be neither stored nor referred to by its commits.
	list = slices.DeleteFunc(list, func(m *gl.BasicMergeRequest) bool { return m.IID <= 0 })
	newest := cur.Updated
	for _, m := range list {
		if u := utc(m.UpdatedAt); u.After(newest) {
			newest = u
		}
	}
	final := cursor{Updated: newest, ETag: etag}
	if len(list) == 0 && final.same(cur) {
		return nil
	}
	for start := 0; start < len(list) || start == 0; start += mergeRequestBatch {
		end := min(start+mergeRequestBatch, len(list))
		next := p.st.clone()
		var b batch.Batch
		for _, m := range list[start:end] {
			pr, err := p.mergeRequest(ctx, m)
			if err != nil {
				return err
			}
			if pr.CreatedAt.IsZero() {
				continue
			}
			b.Pulls = append(b.Pulls, pr)
			next.Lists[listMergeRequests] = cursor{Updated: utc(m.UpdatedAt)}
		}
		if end == len(list) {
			next.Lists[listMergeRequests] = final
		}
		if err := p.write(ctx, next, b.Store); err != nil {
			return err
		}
		for _, m := range list[start:end] {
			for _, sha := range []string{m.MergeCommitSHA, m.SquashCommitSHA} {
				if sha != "" {
					p.mergeSHAs[sha] = m.IID
				}
			}
		}
	}
	return nil
}

// mergeRequest maps a merged merge request. Its merge sha is the squash commit of a squash
// merge, else its merge commit (none for a fast-forward merge, whose own commits are shipped).
// A squash merge's lead time starts at its first commit, which costs one request, once.
func (p *projectSync) mergeRequest(ctx context.Context, m *gl.BasicMergeRequest) (dora.PullRequest, error) {
	pr := dora.PullRequest{Repo: p.path, Number: m.IID, Title: m.Title, CreatedAt: utc(m.CreatedAt), MergedAt: utc(m.MergedAt),
		MergeSHA: m.MergeCommitSHA, URL: m.WebURL}
	if len(m.Labels) > 0 {
		pr.Labels = append([]string(nil), m.Labels...)
	}
	if m.SquashCommitSHA == "" {
		return pr, nil
	}
	pr.MergeSHA = m.SquashCommitSHA
	first, ok := p.firstCommits[m.IID]
	if !ok {
		var err error
		if first, err = p.firstCommitAt(ctx, m.IID); err != nil {
			return pr, err
		}
		p.firstCommits[m.IID] = first
	}
	pr.FirstCommitAt = first
	return pr, nil
}

// firstCommitAt returns the earliest author time of a merge request's commits.
func (p *projectSync) firstCommitAt(ctx context.Context, iid int64) (time.Time, error) {
	var first time.Time
	_, err := walk(ctx, "", func(page int64, opts ...gl.RequestOptionFunc) ([]*commit, *gl.Response, error) {
		return p.mergeRequestCommits(iid, page, opts...)
	}, func(commits []*commit) error {
		for _, c := range commits {
			if at := firstTime(c.AuthoredDate, c.CreatedAt, c.CommittedDate); !at.IsZero() && (first.IsZero() || at.Before(first)) {
				first = at
			}
		}
		return nil
	})
	if err != nil {
		return time.Time{}, p.s.fail(fmt.Sprintf("list commits of merge request !%d of", iid), p.project, err)
	}
	return first, nil
}
