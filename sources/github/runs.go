package github

import (
	"context"
	"errors"
	"fmt"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/internal/httpx"
)

func (r *repoSync) runID(id int64) string { return fmt.Sprintf("%s/runs/%d", r.repo, id) }

// runCandidates lists the runs of the configured workflow files: the run's conclusion is the
// deployment's status and its environment is Config.Environment.
func (r *repoSync) runCandidates(ctx context.Context, lists map[string]string) ([]candidate, error) {
	var cands []candidate
	seen := map[int64]bool{}
	for _, file := range r.s.cfg.Workflows {
		key := "workflow:" + file
		etag, err := newest(ctx, r.st.Lists[key], func(ctx context.Context, page int) ([]*gh.WorkflowRun, *gh.Response, error) {
			runs, resp, err := r.s.client.Actions.ListWorkflowRunsByFileName(ctx, r.owner, r.name, file,
				&gh.ListWorkflowRunsOptions{ListOptions: gh.ListOptions{PerPage: 100, Page: page}})
			if runs == nil { // an error, or a body of null
				return nil, resp, err
			}
			return runs.WorkflowRuns, resp, err
		}, func(run *gh.WorkflowRun) bool {
			if run.GetID() <= r.st.Through || run.GetCreatedAt().Before(r.s.cfg.Since) {
				return false
			}
			if !seen[run.GetID()] {
				seen[run.GetID()] = true
				if c, ok := r.runCandidate(run); ok {
					cands = append(cands, c)
				}
			}
			return true
		})
		if err != nil {
			return nil, r.s.fail("list runs of workflow "+file+" of", r.repo, err)
		}
		lists[key] = etag
	}
	for id, etag := range r.st.Pending {
		if seen[id] {
			continue
		}
		run, resp, err := r.s.client.Actions.GetWorkflowRunByID(httpx.IfNoneMatch(ctx, etag), r.owner, r.name, id)
		if errors.Is(err, httpx.ErrNotModified) {
			continue
		}
		if err != nil {
			return nil, r.s.fail(fmt.Sprintf("get workflow run %d of", id), r.repo, err)
		}
		if c, ok := r.runCandidate(run); ok {
			c.etag = httpx.ETag(resp.Header)
			cands = append(cands, c)
		}
	}
	return cands, nil
}

// runCandidate maps a run; ok is false for runs that deployed nothing (skipped, neutral).
func (r *repoSync) runCandidate(run *gh.WorkflowRun) (candidate, bool) {
	c := candidate{key: run.GetID(), dep: dora.Deployment{ID: r.runID(run.GetID()), Environment: r.s.cfg.Environment,
		Status: dora.StatusInProgress, SHA: run.GetHeadSHA(), Repo: r.repo, URL: run.GetHTMLURL(), Source: "github",
		StartedAt: firstTime(run.GetRunStartedAt().Time, run.GetCreatedAt().Time)}}
	if run.GetStatus() != "completed" {
		c.final = time.Since(c.dep.StartedAt) > abandonAfter
		return c, true
	}
	c.final = true
	switch run.GetConclusion() {
	case "success":
		c.dep.Status = dora.StatusSuccess
	case "failure", "timed_out", "startup_failure":
		c.dep.Status = dora.StatusFailure
	case "cancelled":
		c.dep.Status = dora.StatusCancelled
	default:
		return c, false
	}
	c.dep.FinishedAt = run.GetUpdatedAt().UTC()
	return c, true
}

func firstTime(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t.UTC()
		}
	}
	return time.Time{}
}
