package gitlab

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/internal/batch"
)

// The Source of a deployment record says where its finish time came from.
const (
	sourceJob       = "gitlab"            // the deployable job's finished_at
	sourceUpdatedAt = "gitlab:updated_at" // no job (created through the API): the deployment's updated_at
)

// batchSize is how many deployments are committed together: small enough that an interrupted
// run loses little, large enough that transactions do not dominate.
const batchSize = 25

// A listed deployment with the update time that orders it in its list.
type listed struct {
	dep     dora.Deployment
	updated time.Time
}

// syncDeployments stores the deployments updated since the last run, oldest update first, in
// batches that each carry the cursor up to their last deployment; each successful production
// deployment is stored with the range it shipped.
func (p *projectSync) syncDeployments(ctx context.Context) error {
	cur := p.st.Lists[listDeployments]
	list, etag, err := listUpdated(ctx, cur.ETag, func(page int64, opts ...gl.RequestOptionFunc) ([]*deployment, *gl.Response, error) {
		req, err := p.s.client.NewRequest(http.MethodGet, "projects/"+gl.PathEscape(p.project)+"/deployments", &gl.ListProjectDeploymentsOptions{
			ListOptions: gl.ListOptions{PerPage: perPage, Page: page},
			OrderBy:     ptr("updated_at"), Sort: ptr("asc"), UpdatedAfter: after(cur, p.s.cfg.Since),
		}, opts)
		if err != nil {
			return nil, nil, err
		}
		var items []*deployment
		resp, err := p.s.client.Do(req, &items)
		return items, resp, err
	}, func(d *deployment) (int64, time.Time) { return d.ID, utc(d.UpdatedAt) })
	if err != nil {
		return p.s.fail("list deployments of", p.project, err)
	}
	newest := cur.Updated
	var changed []listed
	for _, d := range list {
		l := listed{dep: p.deployment(d), updated: utc(d.UpdatedAt)}
		if l.updated.After(newest) {
			newest = l.updated
		}
		if old, ok := p.stored[l.dep.ID]; ok && sameDeployment(old, l.dep) {
			continue
		}
		if err := l.dep.Validate(); err != nil {
			p.s.log.Warn("gitlab: deployment skipped", "project", p.path, "error", err)
			continue
		}
		changed = append(changed, l)
	}
	final := cursor{Updated: newest, ETag: etag}
	if len(changed) == 0 && final.same(cur) {
		return nil
	}
	for start := 0; start < len(changed) || start == 0; start += batchSize {
		end := min(start+batchSize, len(changed))
		next := p.st.clone()
		var b batch.Batch
		if err := p.prefetch(ctx, changed[start:end]); err != nil {
			return err
		}
		for _, l := range changed[start:end] {
			if err := p.ship(ctx, l.dep, &b); err != nil {
				return err
			}
			next.Lists[listDeployments] = cursor{Updated: l.updated}
		}
		if end == len(changed) {
			next.Lists[listDeployments] = final
		}
		if err := p.write(ctx, next, b.Store); err != nil {
			return err
		}
		for _, d := range b.Deployments {
			p.stored[d.ID] = d
		}
	}
	return nil
}

// A deployment as GitLab lists it, with the fields the collector reads. It is decoded here
// rather than into client-go's Deployment, whose deployable job carries a commit with
// extended_trailers (see commit).
type deployment struct {
	ID          int64      `json:"id"`
	IID         int64      `json:"iid"`
	SHA         string     `json:"sha"`
	Status      string     `json:"status"`
	CreatedAt   *time.Time `json:"created_at"`
	UpdatedAt   *time.Time `json:"updated_at"`
	Environment *struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
		Tier string `json:"tier"`
	} `json:"environment"`
	Deployable *struct {
		ID         int64      `json:"id"`
		StartedAt  *time.Time `json:"started_at"`
		FinishedAt *time.Time `json:"finished_at"`
	} `json:"deployable"`
}

// deployment maps a GitLab deployment.
func (p *projectSync) deployment(d *deployment) dora.Deployment {
	dep := dora.Deployment{ID: p.deploymentID(d.IID), SHA: d.SHA, Repo: p.path, StartedAt: utc(d.CreatedAt),
		Status: mapStatus(d.Status), Source: sourceJob}
	tier := ""
	if e := d.Environment; e != nil {
		dep.Environment, tier = e.Name, e.Tier
		dep.URL = p.webURL("-/environments/%d", e.ID)
	}
	if tier == "" {
		tier = p.st.Tiers[dep.Environment]
	}
	if tier == "production" {
		dep.Tier = dora.TierProduction
	}
	job := d.Deployable
	if job != nil && job.ID != 0 {
		dep.URL = p.webURL("-/jobs/%d", job.ID)
		if job.StartedAt != nil {
			dep.StartedAt = job.StartedAt.UTC()
		}
	}
	if dep.Status != dora.StatusInProgress {
		if job != nil && job.FinishedAt != nil {
			dep.FinishedAt = job.FinishedAt.UTC()
		} else {
			dep.FinishedAt, dep.Source = utc(d.UpdatedAt), sourceUpdatedAt
		}
	}
	return dep
}

func (p *projectSync) deploymentID(iid int64) string {
	return fmt.Sprintf("%s/deployments/%d", p.path, iid)
}

// webURL is a page of the project on GitLab's web interface.
func (p *projectSync) webURL(format string, args ...any) string {
	root := strings.TrimSuffix(strings.TrimSuffix(p.s.client.BaseURL().String(), "/"), "/api/v4")
	return root + "/" + p.path + "/" + fmt.Sprintf(format, args...)
}

// mapStatus maps GitLab's deployment statuses. A skipped deployment never ran: it counts as
// cancelled.
func mapStatus(s string) dora.Status {
	switch s {
	case "success":
		return dora.StatusSuccess
	case "failed":
		return dora.StatusFailure
	case "canceled", "skipped":
		return dora.StatusCancelled
	}
	return dora.StatusInProgress // created, running, blocked
}

// sameDeployment reports whether a listed deployment is stored already as it is now.
func sameDeployment(a, b dora.Deployment) bool {
	return a.ID == b.ID && a.Environment == b.Environment && a.Tier == b.Tier && a.Status == b.Status && a.SHA == b.SHA &&
		a.StartedAt.Equal(b.StartedAt) && a.FinishedAt.Equal(b.FinishedAt) && a.URL == b.URL && a.Source == b.Source
}
