package github

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	gh "github.com/google/go-github/v60/github"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/internal/causedby"
	"github.com/dorareport/dorareport/sources/internal/stored"
)

// syncIncidents stores the issues carrying an incident label that changed since the last run,
// one list per label (GitHub's labels filter requires all the labels it is given). Pull
// requests, which the issues endpoint also returns, are skipped.
func (r *repoSync) syncIncidents(ctx context.Context) error {
	if len(r.s.cfg.IncidentLabels) == 0 {
		return nil
	}
	service, err := stored.ServiceOf(ctx, r.db, r.repo)
	if err != nil {
		return err
	}
	next := r.st.clone()
	var incidents []dora.Incident
	for _, label := range r.s.cfg.IncidentLabels {
		cur := r.st.Incidents[label]
		floor := cur.Updated
		if floor.IsZero() {
			floor = r.s.cfg.Since
		}
		updated := cur.Updated
		etag, err := newest(ctx, cur.ETag, func(ctx context.Context, page int) ([]*gh.Issue, *gh.Response, error) {
			return r.s.client.Issues.ListByRepo(ctx, r.owner, r.name, &gh.IssueListByRepoOptions{Labels: []string{label}, State: "all",
				Sort: "updated", Direction: "desc", ListOptions: gh.ListOptions{PerPage: 100, Page: page}})
		}, func(is *gh.Issue) bool {
			at := is.GetUpdatedAt().UTC()
			if at.Before(floor) {
				return false
			}
			if at.After(updated) {
				updated = at
			}
			if in := r.incident(is, service); !is.IsPullRequest() && r.storable("issues", &in) {
				incidents = append(incidents, in)
			}
			return true
		})
		if err != nil {
			return r.s.fail("list issues labelled "+label+" of", r.repo, err)
		}
		next.Incidents[label] = issueCursor{Updated: updated, ETag: etag}
	}
	if len(incidents) == 0 && fmt.Sprint(next.Incidents) == fmt.Sprint(r.st.Incidents) {
		return nil
	}
	return r.write(ctx, next, func(w *dora.Writer) error {
		for _, i := range incidents {
			if err := w.Incident(i); err != nil {
				return err
			}
		}
		return nil
	})
}

func (r *repoSync) incident(is *gh.Issue, service string) dora.Incident {
	i := dora.Incident{ID: fmt.Sprintf("%s/issues/%d", r.repo, is.GetNumber()), Service: service, Title: is.GetTitle(),
		StartedAt: is.GetCreatedAt().UTC(), URL: is.GetHTMLURL(), Source: "github"}
	if is.GetState() == "closed" && is.ClosedAt != nil {
		i.ResolvedAt = is.GetClosedAt().UTC()
		if i.ResolvedAt.Before(i.StartedAt) {
			i.ResolvedAt = i.StartedAt
		}
	}
	for _, l := range is.Labels {
		if sev, ok := severity(l.GetName()); ok {
			i.Severity = sev
		}
	}
	if ref, ok := causedby.Ref(is.GetBody()); ok {
		i.CausedBy = r.deploymentRef(ref)
	}
	return i
}

// deploymentRef turns what an issue names into a deployment id: a number is a deployment (run,
// release) of this repository, an abbreviated sha is completed from the deployments stored for
// the repository when only one matches, anything else (a full sha, a full id) is kept as written.
func (r *repoSync) deploymentRef(ref string) string {
	switch full, ambiguous := causedby.CompleteSHA(ref, r.stored); {
	case ambiguous:
		return ref // leave it as written
	case full != "":
		return full
	}
	if n, err := strconv.ParseInt(ref, 10, 64); err == nil && n > 0 {
		switch r.s.cfg.Deployments {
		case SignalWorkflowRuns:
			return r.runID(n)
		case SignalReleases:
			return r.releaseID(n)
		}
		return r.deploymentID(n)
	}
	return ref
}

// severity reads labels such as "sev1", "sev-2", "severity: high" or "P1".
func severity(label string) (string, bool) {
	l := strings.ToLower(strings.TrimSpace(label))
	for _, prefix := range []string{"severity:", "severity/", "severity-", "sev:", "sev/"} {
		if rest, ok := strings.CutPrefix(l, prefix); ok {
			return strings.TrimSpace(rest), true
		}
	}
	if rest, ok := strings.CutPrefix(l, "sev"); ok {
		rest = strings.TrimLeft(rest, "-_ ")
		if _, err := strconv.Atoi(rest); err == nil {
			return "sev" + rest, true
		}
	}
	return "", false
}
