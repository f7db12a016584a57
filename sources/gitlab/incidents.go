package gitlab

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/internal/causedby"
	"github.com/dorareport/dorareport/sources/internal/stored"
)

// An issue as the incident list returns it. client-go's Issue has no severity, which GitLab
// sends for incidents, so the list is decoded here.
type issue struct {
	IID         int64      `json:"iid"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	State       string     `json:"state"`
	IssueType   string     `json:"issue_type"`
	Severity    string     `json:"severity"`
	Labels      []string   `json:"labels"`
	CreatedAt   *time.Time `json:"created_at"`
	UpdatedAt   *time.Time `json:"updated_at"`
	ClosedAt    *time.Time `json:"closed_at"`
	WebURL      string     `json:"web_url"`
}

// syncIncidents stores the incidents (issues of type incident) updated since the last run.
func (p *projectSync) syncIncidents(ctx context.Context) error {
	cur := p.st.Lists[listIncidents]
	list, etag, err := listUpdated(ctx, cur.ETag, func(page int64, opts ...gl.RequestOptionFunc) ([]*issue, *gl.Response, error) {
		opt := &gl.ListProjectIssuesOptions{ListOptions: gl.ListOptions{PerPage: perPage, Page: page}, IssueType: ptr("incident"),
			Scope: ptr("all"), OrderBy: ptr("updated_at"), Sort: ptr("asc"), UpdatedAfter: after(cur, p.s.cfg.Since)}
		req, err := p.s.client.NewRequest(http.MethodGet, "projects/"+gl.PathEscape(p.project)+"/issues", opt, opts)
		if err != nil {
			return nil, nil, err
		}
		var items []*issue
		resp, err := p.s.client.Do(req, &items)
		return items, resp, err
	}, func(is *issue) (int64, time.Time) { return is.IID, utc(is.UpdatedAt) })
	if err != nil {
		return p.s.fail("list incidents of", p.project, err)
	}
	newest := cur.Updated
	for _, is := range list {
		if u := utc(is.UpdatedAt); u.After(newest) {
			newest = u
		}
	}
	next := p.st.clone()
	next.Lists[listIncidents] = cursor{Updated: newest, ETag: etag}
	if len(list) == 0 && next.Lists[listIncidents].same(cur) {
		return nil
	}
	service, err := stored.ServiceOf(ctx, p.db, p.path)
	if err != nil {
		return err
	}
	return p.write(ctx, next, func(w *dora.Writer) error {
		for _, is := range list {
			if (is.IssueType != "" && is.IssueType != "incident") || is.CreatedAt == nil {
				continue
			}
			if err := w.Incident(p.incident(is, service)); err != nil {
				return err
			}
		}
		return nil
	})
}

// incident maps an incident: opened at created_at, resolved at closed_at when closed.
func (p *projectSync) incident(is *issue, service string) dora.Incident {
	i := dora.Incident{ID: fmt.Sprintf("%s/issues/%d", p.path, is.IID), Service: service, Title: is.Title,
		Severity: severity(is), StartedAt: utc(is.CreatedAt), URL: is.WebURL, Source: "gitlab"}
	if is.State == "closed" && is.ClosedAt != nil {
		i.ResolvedAt = is.ClosedAt.UTC()
		if i.ResolvedAt.Before(i.StartedAt) {
			i.ResolvedAt = i.StartedAt
		}
	}
	if ref, ok := causedby.Ref(is.Description); ok {
		i.CausedBy = p.deploymentRef(ref)
	}
	return i
}

// deploymentRef turns what a description names into a deployment id: an abbreviated sha is
// completed from the project's stored deployments when only one sha matches, a number is the iid
// of a deployment of this project (as the environment page shows it), anything else (a full sha,
// a full id) is kept as written.
func (p *projectSync) deploymentRef(ref string) string {
	if full, _ := causedby.CompleteSHA(ref, p.stored); full != "" { // an ambiguous one falls to the rules below
		return full
	}
	if n, err := strconv.ParseInt(ref, 10, 64); err == nil && n > 0 {
		return p.deploymentID(n)
	}
	return ref
}

// severity is GitLab's incident severity (critical, high, medium, low), else a scoped
// "severity::" label; GitLab's "unknown" says nothing.
func severity(is *issue) string {
	if s := strings.ToLower(is.Severity); s != "" && s != "unknown" {
		return s
	}
	for _, l := range is.Labels {
		if rest, ok := strings.CutPrefix(strings.ToLower(l), "severity::"); ok {
			return strings.TrimSpace(rest)
		}
	}
	return ""
}
