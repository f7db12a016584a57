package gitlab_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/gitlab/gitlabtest"
)

// truth writes what the fake holds straight into db, as the events a user would import: every
// deployment without a commit list (the warehouse walks the commit graph instead of GitLab's
// compares), every commit of the history with its parents, the merged merge requests and the
// incidents. It shares no code with the collector.
func truth(t *testing.T, db *dora.DB, p *gitlabtest.Project) {
	t.Helper()
	tiers := map[string]string{}
	for _, e := range p.Environments {
		tiers[e.Name] = e.Tier
	}
	status := map[string]dora.Status{"success": dora.StatusSuccess, "failed": dora.StatusFailure, "canceled": dora.StatusCancelled}
	err := db.Write(context.Background(), func(w *dora.Writer) error {
		for _, d := range p.Deployments {
			dep := dora.Deployment{ID: fmt.Sprintf("%s/deployments/%d", p.Path, d.IID), Environment: d.Environment, SHA: d.SHA, Repo: p.Path,
				Status: dora.StatusInProgress}
			if s, ok := status[d.Status]; ok {
				dep.Status, dep.FinishedAt = s, finish(d)
			}
			if tiers[d.Environment] == "production" {
				dep.Tier = dora.TierProduction
			}
			if err := w.Deployment(dep); err != nil {
				return err
			}
		}
		for _, c := range p.Commits {
			if err := w.Commit(dora.Commit{Repo: p.Path, SHA: c.SHA, Parents: c.Parents, AuthoredAt: c.Authored, CommittedAt: c.Committed}); err != nil {
				return err
			}
		}
		for _, m := range p.MergeRequests {
			pr := dora.PullRequest{Repo: p.Path, Number: m.IID, Title: m.Title, Labels: m.Labels, CreatedAt: m.Created, MergedAt: m.Merged, MergeSHA: m.MergeSHA}
			if m.SquashSHA != "" {
				pr.MergeSHA, pr.FirstCommitAt = m.SquashSHA, m.Commits[0].Authored
				for _, c := range m.Commits {
					if c.Authored.Before(pr.FirstCommitAt) {
						pr.FirstCommitAt = c.Authored
					}
				}
			}
			if err := w.PullRequest(pr); err != nil {
				return err
			}
		}
		for _, is := range p.Issues {
			if is.Type != "incident" {
				continue
			}
			i := dora.Incident{ID: fmt.Sprintf("%s/issues/%d", p.Path, is.IID), Service: p.Path, StartedAt: is.Created, ResolvedAt: is.Closed}
			if _, cause, ok := strings.Cut(is.Description, "caused by: "); ok {
				i.CausedBy = p.Path + "/deployments/" + strings.TrimSpace(cause)
			}
			if err := w.Incident(i); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCollectedMetricsEqualTheSameEventsWrittenDirectly(t *testing.T) {
	ctx := context.Background()
	p := gitlabtest.Synthetic(11, 11, "acme/checkout", t0, gitlabtest.Size{Deployments: 400, Commits: 3000, MergeRequests: 500})
	f := newFake(t, p)
	collected, err := dora.Open(ctx, filepath.Join(t.TempDir(), "dora.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer collected.Close()
	collect(t, ctx, source(f, p.Path), collected)
	direct := openDB(t)
	truth(t, direct, p)

	end := p.Deployments[len(p.Deployments)-1].Created.Add(30 * 24 * time.Hour)
	for _, q := range []dora.Query{
		{Since: t0.Add(-24 * time.Hour), Until: end},
		{Since: t0.Add(-24 * time.Hour), Until: end, By: dora.ByEnvironment, Interval: dora.Month},
		{Since: p.Deployments[len(p.Deployments)/3].Created, Until: p.Deployments[2*len(p.Deployments)/3].Created, By: dora.ByService, Interval: dora.Week},
	} {
		t.Run(fmt.Sprintf("by_%s_%s", q.By, q.Interval), func(t *testing.T) {
			got, err := collected.Metrics(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			want, err := direct.Metrics(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			g, _ := json.MarshalIndent(got, "", " ")
			w, _ := json.MarshalIndent(want, "", " ")
			if string(g) != string(w) {
				t.Errorf("metrics of the collected records differ from those of the same events written directly:\ncollected: %s\ndirect:    %s", g, w)
			}
			if got.Overall.DeploymentFrequency.Deployments == 0 || got.Overall.LeadTime.N == 0 {
				t.Errorf("the scenario measures nothing: %s", g)
			}
		})
	}
}
