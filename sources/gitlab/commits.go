package gitlab

import (
	"fmt"
	"net/http"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"
)

// A commit as GitLab's compares and merge request commit lists return it, decoded here rather
// than into client-go's Commit: that declares extended_trailers as a map of strings, while GitLab
// sends a list of values per trailer, so one commit with two Co-authored-by lines would fail a
// whole compare.
type commit struct {
	ID            string     `json:"id"`
	ParentIDs     []string   `json:"parent_ids"`
	AuthoredDate  *time.Time `json:"authored_date"`
	CommittedDate *time.Time `json:"committed_date"`
	CreatedAt     *time.Time `json:"created_at"`
}

type comparison struct {
	Commits        []*commit `json:"commits"`
	CompareTimeout bool      `json:"compare_timeout"`
}

// compare asks for the commits reachable from to and not from from.
func (p *projectSync) compare(from, to string, opts ...gl.RequestOptionFunc) (*comparison, error) {
	req, err := p.s.client.NewRequest(http.MethodGet, "projects/"+gl.PathEscape(p.project)+"/repository/compare",
		&gl.CompareOptions{From: ptr(from), To: ptr(to)}, opts)
	if err != nil {
		return nil, err
	}
	var c comparison
	_, err = p.s.client.Do(req, &c)
	return &c, err
}

// mergeRequestCommits asks for one page of a merge request's own commits.
func (p *projectSync) mergeRequestCommits(iid, page int64, opts ...gl.RequestOptionFunc) ([]*commit, *gl.Response, error) {
	req, err := p.s.client.NewRequest(http.MethodGet, fmt.Sprintf("projects/%s/merge_requests/%d/commits", gl.PathEscape(p.project), iid),
		&gl.GetMergeRequestCommitsOptions{ListOptions: gl.ListOptions{PerPage: perPage, Page: page}}, opts)
	if err != nil {
		return nil, nil, err
	}
	var commits []*commit
	resp, err := p.s.client.Do(req, &commits)
	return commits, resp, err
}
