package gitlab_test

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/gitlab"
	"github.com/dorareport/dorareport/sources/gitlab/gitlabtest"
)

// finish is when the collector must say a fake deployment finished.
func finish(d gitlabtest.Deployment) time.Time {
	if d.JobID != 0 {
		return d.JobFinished
	}
	return d.Updated
}

// wantRanges works out from the fake's history what every successful production deployment
// shipped: nil for the first of its environment, else the compare from its predecessor.
func wantRanges(p *gitlabtest.Project) map[string][]string {
	byEnv := map[string][]gitlabtest.Deployment{}
	for _, d := range p.Deployments {
		if d.Status == "success" && d.Environment != "staging" {
			byEnv[d.Environment] = append(byEnv[d.Environment], d)
		}
	}
	want := map[string][]string{}
	for _, ds := range byEnv {
		slices.SortFunc(ds, func(a, b gitlabtest.Deployment) int {
			return cmp.Or(finish(a).Compare(finish(b)), cmp.Compare(fmt.Sprint(a.IID), fmt.Sprint(b.IID)))
		})
		for i, d := range ds {
			id := fmt.Sprintf("%s/deployments/%d", p.Path, d.IID)
			switch {
			case i == 0:
				want[id] = nil
			case ds[i-1].SHA == d.SHA:
				want[id] = []string{}
			default:
				want[id] = p.Compare(ds[i-1].SHA, d.SHA)
			}
		}
	}
	return want
}

func TestCollect(t *testing.T) {
	ctx := context.Background()
	p := small()
	f := newFake(t, p)
	db := openDB(t)
	collect(t, ctx, source(f, p.Path), db)
	got := deployments(t, db)
	_, by := f.Requests()

	t.Run("pages_without_totals", func(t *testing.T) {
		if len(got) != len(p.Deployments) {
			t.Fatalf("stored %d deployments, want %d", len(got), len(p.Deployments))
		}
		if by["deployments"] != 3 {
			t.Errorf("deployment list requests = %d, want 3 pages of 100", by["deployments"])
		}
	})

	t.Run("finish_time_from_job_else_updated_at", func(t *testing.T) {
		var job, api int
		for _, d := range p.Deployments {
			g := got[fmt.Sprintf("%s/deployments/%d", p.Path, d.IID)]
			if d.Status == "running" {
				if g.Status != dora.StatusInProgress || !g.FinishedAt.IsZero() {
					t.Errorf("running deployment %d stored as %s finished %v", d.IID, g.Status, g.FinishedAt)
				}
				continue
			}
			wantSource := "gitlab"
			if d.JobID == 0 {
				wantSource = "gitlab:updated_at"
				api++
			} else {
				job++
			}
			if !g.FinishedAt.Equal(finish(d)) || g.Source != wantSource {
				t.Errorf("deployment %d (job %d): finished %v source %q, want %v %q", d.IID, d.JobID, g.FinishedAt, g.Source, finish(d), wantSource)
			}
		}
		if job == 0 || api == 0 {
			t.Fatalf("the fixture needs both kinds: %d with a job, %d without", job, api)
		}
	})

	t.Run("statuses_map_to_dora", func(t *testing.T) {
		want := map[string]dora.Status{"success": dora.StatusSuccess, "failed": dora.StatusFailure, "canceled": dora.StatusCancelled, "running": dora.StatusInProgress}
		seen := map[string]bool{}
		for _, d := range p.Deployments {
			seen[d.Status] = true
			if g := got[fmt.Sprintf("%s/deployments/%d", p.Path, d.IID)]; g.Status != want[d.Status] {
				t.Errorf("deployment %d: GitLab %q stored as %q, want %q", d.IID, d.Status, g.Status, want[d.Status])
			}
		}
		if len(seen) != len(want) {
			t.Fatalf("the fixture covers statuses %v, want all of %v", seen, want)
		}
	})

	t.Run("production_tier_marks_any_name", func(t *testing.T) {
		for _, d := range got {
			wantTier := ""
			if d.Environment == "production" || d.Environment == "gprd" {
				wantTier = dora.TierProduction
			}
			if d.Tier != wantTier {
				t.Fatalf("%s in %s: tier %q, want %q", d.ID, d.Environment, d.Tier, wantTier)
			}
		}
	})

	t.Run("ranges_between_consecutive_successes_first_unknown", func(t *testing.T) {
		want := wantRanges(p)
		firsts := 0
		for id, w := range want {
			g := got[id]
			if w == nil {
				firsts++
			}
			if (w == nil) != (g.Commits == nil) || !slices.Equal(w, g.Commits) {
				t.Errorf("%s shipped %v, want %v", id, g.Commits, w)
			}
		}
		if firsts != 2 {
			t.Errorf("%d deployments with an unknown range, want the first of each production environment", firsts)
		}
		for _, d := range got {
			if d.Environment == "staging" && d.Commits != nil {
				t.Errorf("%s in staging has a range; only production ranges are fetched", d.ID)
			}
		}
		if n := distinctRanges(p); by["compare"] != n {
			t.Errorf("compare requests = %d, want one per distinct range: %d", by["compare"], n)
		}
	})

	t.Run("squash_merge_uses_squash_commit_and_first_commit_time", func(t *testing.T) {
		stored := pulls(t, db)
		squashes := 0
		for _, m := range p.MergeRequests {
			g := stored[m.IID]
			if m.SquashSHA != "" {
				squashes++
				first := m.Commits[0].Authored
				for _, c := range m.Commits {
					if c.Authored.Before(first) {
						first = c.Authored
					}
				}
				if g.MergeSHA != m.SquashSHA || !g.FirstCommitAt.Equal(first) {
					t.Errorf("squash !%d: merge_sha %s first %v, want %s %v", m.IID, g.MergeSHA, g.FirstCommitAt, m.SquashSHA, first)
				}
			} else if g.MergeSHA != m.MergeSHA || !g.FirstCommitAt.IsZero() {
				t.Errorf("merge !%d: merge_sha %s first %v, want %s and no first commit time", m.IID, g.MergeSHA, g.FirstCommitAt, m.MergeSHA)
			}
			if !g.MergedAt.Equal(m.Merged) || !g.CreatedAt.Equal(m.Created) || !slices.Equal(g.Labels, m.Labels) {
				t.Errorf("!%d stored as %+v", m.IID, g)
			}
		}
		if by["commits"] != squashes {
			t.Errorf("merge request commit requests = %d, want one per squash merge (%d)", by["commits"], squashes)
		}
	})

	t.Run("commits_carry_times_and_parents", func(t *testing.T) {
		byShA := map[string]gitlabtest.Commit{}
		for _, c := range p.Commits {
			byShA[c.SHA] = c
		}
		n := 0
		rows(t, db, `SELECT sha, to_json(parents)::VARCHAR, authored_at, committed_at FROM commits`, func(r *sql.Rows) error {
			var sha string
			var parents sql.NullString
			var authored, committed time.Time
			if err := r.Scan(&sha, &parents, &authored, &committed); err != nil {
				return err
			}
			n++
			c := byShA[sha]
			if !slices.Equal(strs(parents), c.Parents) || !authored.Equal(c.Authored) || !committed.Equal(c.Committed) {
				t.Errorf("commit %s stored with parents %v, times %v %v; want %v %v %v", sha, strs(parents), authored, committed, c.Parents, c.Authored, c.Committed)
			}
			return nil
		})
		if n == 0 {
			t.Fatal("no commits stored")
		}
	})

	t.Run("incidents_with_cause_and_severity", func(t *testing.T) {
		stored := incidents(t, db)
		n := 0
		for _, is := range p.Issues {
			id := fmt.Sprintf("%s/issues/%d", p.Path, is.IID)
			g, ok := stored[id]
			if is.Type != "incident" {
				if ok {
					t.Errorf("issue %s is no incident but was stored", id)
				}
				continue
			}
			n++
			wantCause := ""
			if _, cause, ok := strings.Cut(is.Description, "caused by: "); ok {
				wantCause = p.Path + "/deployments/" + strings.TrimSpace(cause)
			}
			wantSev := strings.ToLower(is.Severity)
			if wantSev == "unknown" {
				wantSev = ""
			}
			if !g.StartedAt.Equal(is.Created) || !g.ResolvedAt.Equal(is.Closed) || g.CausedBy != wantCause || g.Severity != wantSev || g.Service != p.Path {
				t.Errorf("incident %s stored as %+v; want started %v resolved %v caused by %q severity %q service %s", id, g, is.Created, is.Closed, wantCause, wantSev, p.Path)
			}
		}
		if n == 0 || len(stored) != n {
			t.Errorf("stored %d incidents, want %d", len(stored), n)
		}
	})
}

// distinctRanges counts the compares a frugal collector makes: one per distinct pair of
// consecutive successful production shas that differ.
func distinctRanges(p *gitlabtest.Project) int {
	byEnv := map[string][]gitlabtest.Deployment{}
	for _, d := range p.Deployments {
		if d.Status == "success" && d.Environment != "staging" {
			byEnv[d.Environment] = append(byEnv[d.Environment], d)
		}
	}
	pairs := map[string]bool{}
	for _, ds := range byEnv {
		slices.SortFunc(ds, func(a, b gitlabtest.Deployment) int { return finish(a).Compare(finish(b)) })
		for i := 1; i < len(ds); i++ {
			if ds[i-1].SHA != ds[i].SHA {
				pairs[ds[i-1].SHA+ds[i].SHA] = true
			}
		}
	}
	return len(pairs)
}

func TestRateLimitRetryAfterIsWaited(t *testing.T) {
	p := small()
	f := newFake(t, p)
	limited := 0
	f.Fail = func(r *http.Request, n int) (gitlabtest.Fault, bool) {
		if n == 3 {
			limited++
			return gitlabtest.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"1"}}, Body: `{"message":"Retry later"}`}, true
		}
		return gitlabtest.Fault{}, false
	}
	db := openDB(t)
	start := time.Now()
	collect(t, context.Background(), source(f, p.Path), db)
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("collection took %v; the 429 asked for a wait of 1s", waited)
	}
	if limited != 1 || len(deployments(t, db)) != len(p.Deployments) {
		t.Errorf("429s %d, deployments %d of %d", limited, len(deployments(t, db)), len(p.Deployments))
	}
}

func TestRefusedTokenIsAnAuthErrorNamingTheVariable(t *testing.T) {
	p := small()
	f := gitlabtest.New(p) // refusing is the point: no check for requests without the token
	defer f.Close()
	f.Token = "another-token"
	err := gitlab.New(gitlab.Config{BaseURL: f.APIURL(), Token: token, TokenEnv: "GITLAB_TOKEN", Projects: []string{p.Path}}).Collect(context.Background(), openDB(t))
	if !errors.Is(err, dora.ErrAuth) {
		t.Fatalf("error %v does not wrap dora.ErrAuth", err)
	}
	var ae *dora.AuthError
	if !errors.As(err, &ae) || ae.Status != http.StatusUnauthorized || ae.Source != "gitlab" {
		t.Errorf("auth error %+v", ae)
	}
	msg := err.Error()
	if !strings.Contains(msg, "GITLAB_TOKEN") || strings.Contains(msg, token) || !strings.Contains(msg, "401") {
		t.Errorf("message %q must name $GITLAB_TOKEN and the status, never the token", msg)
	}
}

func TestInterruptedRunResumesWithoutDuplicates(t *testing.T) {
	p := small()
	ref := openDB(t)
	rf := newFake(t, p)
	collect(t, context.Background(), source(rf, p.Path), ref)
	want := strings.ReplaceAll(dumpDB(t, ref), rf.URL, "FAKE")
	full, _ := rf.Requests()

	for _, stopAt := range []int{5, 60, 150} {
		t.Run(fmt.Sprintf("stopped_at_request_%d", stopAt), func(t *testing.T) {
			f := newFake(t, p)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			f.Fail = func(r *http.Request, n int) (gitlabtest.Fault, bool) {
				if n == stopAt {
					cancel()
				}
				return gitlabtest.Fault{}, false
			}
			db := openDB(t)
			if err := source(f, p.Path).Collect(ctx, db); !errors.Is(err, context.Canceled) {
				t.Fatalf("interrupted collection returned %v, want context.Canceled", err)
			}
			interrupted := dumpDB(t, db)
			f.Fail = nil
			collect(t, context.Background(), source(f, p.Path), db)
			if got := strings.ReplaceAll(dumpDB(t, db), f.URL, "FAKE"); got != want {
				t.Errorf("resumed run differs from one uninterrupted run (%d vs %d bytes; interrupted run had stored %d bytes)", len(got), len(want), len(interrupted))
			}
			total, _ := f.Requests()
			// the resumed run lists again and repeats at most the batch in flight
			if total > full+stopAt+30 {
				t.Errorf("interrupted and resumed runs made %d requests, one full run %d; the resumed run started over", total, full)
			}
		})
	}
}

func TestNoChangeResyncIsCheap(t *testing.T) {
	p := small()
	f := newFake(t, p)
	db := openDB(t)
	collect(t, context.Background(), source(f, p.Path), db)
	want := dumpDB(t, db)
	for run := 2; run <= 3; run++ {
		before, _ := f.Requests()
		src := source(f, p.Path)
		collect(t, context.Background(), src, db)
		after, by := f.Requests()
		if after-before > 4 {
			t.Errorf("run %d with nothing new made %d requests (%v), want one per list: environments, merge requests, deployments, incidents", run, after-before, by)
		}
		// the second run stores the ETags of lists that now fit on one page; the third sends them
		if st := src.Stats(); run == 3 && st.NotModified != st.Requests {
			t.Errorf("run 3: %d of %d requests answered 304 Not Modified; every list was unchanged", st.NotModified, st.Requests)
		}
		if got := dumpDB(t, db); got != want {
			t.Errorf("run %d with nothing new changed the stored rows", run)
		}
	}
}

func TestNewDeploymentIsCollectedIncrementally(t *testing.T) {
	p := small()
	f := newFake(t, p)
	db := openDB(t)
	collect(t, context.Background(), source(f, p.Path), db)
	_, by0 := f.Requests()
	var added gitlabtest.Deployment
	f.Update(func(ps []*gitlabtest.Project) {
		q := ps[0]
		last := q.Deployments[len(q.Deployments)-1]
		// the running deployment succeeds, and a new one ships the same sha to gprd
		last.Status, last.JobFinished, last.Updated = "success", last.Created.Add(20*time.Minute), last.Created.Add(21*time.Minute)
		q.Deployments[len(q.Deployments)-1] = last
		added = gitlabtest.Deployment{ID: 99999, IID: int64(len(q.Deployments) + 1), Environment: "gprd", SHA: last.SHA, Status: "success",
			Created: last.Created.Add(time.Hour), Updated: last.Created.Add(2 * time.Hour), JobID: 123456, JobFinished: last.Created.Add(90 * time.Minute)}
		q.Deployments = append(q.Deployments, added)
	})
	collect(t, context.Background(), source(f, p.Path), db)
	_, by1 := f.Requests()
	got := deployments(t, db)
	for id, w := range wantRanges(p) {
		if g := got[id]; !slices.Equal(g.Commits, w) || (g.Commits == nil) != (w == nil) {
			t.Errorf("%s shipped %v, want %v", id, g.Commits, w)
		}
	}
	if n := by1["deployments"] - by0["deployments"]; n != 1 {
		t.Errorf("second run listed %d pages of deployments, want 1", n)
	}
	if n := by1["compare"] - by0["compare"]; n > 2 {
		t.Errorf("second run made %d compares, want at most one per new successful deployment", n)
	}
}

func TestLateFinishingDeploymentTakesItsPlaceInTheHistory(t *testing.T) {
	p := small()
	f := newFake(t, p)
	db := openDB(t)
	// hold back one successful production deployment in the middle, as if it were still running
	var held gitlabtest.Deployment
	f.Update(func(ps []*gitlabtest.Project) {
		q := ps[0]
		for i, d := range q.Deployments {
			if i > len(q.Deployments)/2 && d.Status == "success" && d.Environment == "production" {
				held = d
				q.Deployments[i].Status, q.Deployments[i].JobFinished, q.Deployments[i].Updated = "running", time.Time{}, d.Created
				break
			}
		}
	})
	collect(t, context.Background(), source(f, p.Path), db)
	// it finishes when it should have, but is only reported now
	f.Update(func(ps []*gitlabtest.Project) {
		q := ps[0]
		for i, d := range q.Deployments {
			if d.ID == held.ID {
				held.Updated = q.Deployments[len(q.Deployments)-1].Updated.Add(time.Hour)
				q.Deployments[i] = held
			}
		}
	})
	collect(t, context.Background(), source(f, p.Path), db)
	got := deployments(t, db)
	for id, w := range wantRanges(p) {
		if g := got[id]; !slices.Equal(g.Commits, w) || (g.Commits == nil) != (w == nil) {
			t.Errorf("%s shipped %v, want %v", id, g.Commits, w)
		}
	}
}

func TestProjectByIDIsResolvedOnce(t *testing.T) {
	p := small()
	f := newFake(t, p)
	db := openDB(t)
	collect(t, context.Background(), source(f, "42"), db)
	collect(t, context.Background(), source(f, "42"), db)
	_, by := f.Requests()
	if by["project"] != 1 {
		t.Errorf("project looked up %d times, want once", by["project"])
	}
	if _, ok := deployments(t, db)[p.Path+"/deployments/1"]; !ok {
		t.Error("records of a project configured by id must name it by path")
	}
}

func TestConfigurationErrorsNameTheKey(t *testing.T) {
	for name, cfg := range map[string]gitlab.Config{
		"base_url":                {BaseURL: "gitlab.example.com", Projects: []string{"a/b"}},
		"projects":                {Projects: []string{"a//b"}},
		"production_environments": {Projects: []string{"a/b"}, Definitions: dora.Definitions{ProductionEnvironments: []string{"[prod"}}},
	} {
		err := gitlab.New(cfg).Collect(context.Background(), openDB(t))
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: error %v does not name the key", name, err)
		}
	}
}

func TestPagesFollowTheLinkHeaderWithoutXNextPage(t *testing.T) {
	p := small()
	f := newFake(t, p)
	f.LinkOnly = map[string]bool{"deployments": true, "merge_requests": true}
	db := openDB(t)
	collect(t, context.Background(), source(f, p.Path), db)
	_, by := f.Requests()
	if got := len(deployments(t, db)); got != len(p.Deployments) || by["deployments"] != 3 {
		t.Errorf("stored %d of %d deployments in %d requests, want all in 3", got, len(p.Deployments), by["deployments"])
	}
	if got := len(pulls(t, db)); got != len(p.MergeRequests) {
		t.Errorf("stored %d of %d merge requests", got, len(p.MergeRequests))
	}
}

func TestSelfManagedBaseURLWithoutAPIPath(t *testing.T) {
	p := small()
	f := newFake(t, p)
	db := openDB(t)
	collect(t, context.Background(), gitlab.New(gitlab.Config{BaseURL: f.URL + "/", Token: token, Projects: []string{p.Path}}), db)
	d := deployments(t, db)[p.Path+"/deployments/1"]
	if d.ID == "" || !strings.HasPrefix(d.URL, f.URL+"/"+p.Path+"/-/") {
		t.Errorf("deployment 1 stored as %+v, want a web URL under %s/%s", d, f.URL, p.Path)
	}
}

func TestSinceBoundsTheFirstCollection(t *testing.T) {
	p := small()
	f := newFake(t, p)
	db := openDB(t)
	since := p.Deployments[len(p.Deployments)/2].Updated
	collect(t, context.Background(), gitlab.New(gitlab.Config{BaseURL: f.APIURL(), Token: token, Projects: []string{p.Path}, Since: since}), db)
	got := deployments(t, db)
	for _, d := range p.Deployments {
		_, ok := got[fmt.Sprintf("%s/deployments/%d", p.Path, d.IID)]
		if ok != !d.Updated.Before(since) {
			t.Fatalf("deployment %d updated %v: stored %v with since %v", d.IID, d.Updated, ok, since)
		}
	}
}

func TestUnknownShaLeavesTheRangeUnknown(t *testing.T) {
	p := small()
	var lost, after string
	for i, d := range p.Deployments {
		if i > 20 && d.Environment == "production" && d.Status == "success" {
			if lost == "" {
				p.Deployments[i].SHA = strings.Repeat("f", 40) // force-pushed away
				lost = fmt.Sprintf("%s/deployments/%d", p.Path, d.IID)
				continue
			}
			after = fmt.Sprintf("%s/deployments/%d", p.Path, d.IID)
			break
		}
	}
	f := newFake(t, p)
	db := openDB(t)
	collect(t, context.Background(), source(f, p.Path), db)
	got := deployments(t, db)
	if got[lost].Commits != nil || got[after].Commits != nil {
		t.Errorf("ranges into and out of a sha GitLab no longer has: %v and %v, want both unknown", got[lost].Commits, got[after].Commits)
	}
}

func TestProgressLine(t *testing.T) {
	p := small()
	f := newFake(t, p)
	var out strings.Builder
	collect(t, context.Background(), gitlab.New(gitlab.Config{BaseURL: f.APIURL(), Token: token, Projects: []string{p.Path}, Progress: &out}), openDB(t))
	if !strings.Contains(out.String(), "gitlab: 1/1 projects") || !strings.Contains(out.String(), "rate limit") {
		t.Errorf("progress %q", out.String())
	}
}

func TestCausedByAbbreviatedSHA(t *testing.T) {
	p := small()
	d := p.Deployments[10]
	p.Issues = append(p.Issues, gitlabtest.Issue{IID: 900, Type: "incident", Title: "Cache misses", Description: "> caused by: `" + d.SHA[:8] + "`",
		Created: d.Created.Add(time.Hour), Updated: d.Created.Add(time.Hour)})
	f := newFake(t, p)
	db := openDB(t)
	collect(t, context.Background(), source(f, p.Path), db)
	if got := incidents(t, db)[p.Path+"/issues/900"].CausedBy; got != d.SHA {
		t.Errorf("caused_by = %q, want the full sha %s", got, d.SHA)
	}
}

func TestEnvironmentTierChangeReclassifiesStoredDeployments(t *testing.T) {
	p := small()
	f := newFake(t, p)
	db := openDB(t)
	collect(t, context.Background(), source(f, p.Path), db)
	f.Update(func(ps []*gitlabtest.Project) {
		ps[0].Environments = []gitlabtest.Environment{{ID: 1, Name: "production", Tier: "production"}, {ID: 2, Name: "gprd", Tier: "production"},
			{ID: 3, Name: "staging", Tier: "production"}}
	})
	collect(t, context.Background(), source(f, p.Path), db)
	got := deployments(t, db)
	staged, ranged := 0, 0
	for _, d := range got {
		if d.Environment != "staging" {
			continue
		}
		staged++
		if d.Tier != dora.TierProduction {
			t.Fatalf("%s still has tier %q after staging became production", d.ID, d.Tier)
		}
		if d.Commits != nil {
			ranged++
		}
	}
	if staged == 0 || ranged == 0 {
		t.Errorf("%d staging deployments, %d with a range after the tier change", staged, ranged)
	}
}

func TestProjectsInParallelWithConfiguredServices(t *testing.T) {
	a := small()
	b := gitlabtest.Synthetic(2, 43, "acme/web/frontend", t0, gitlabtest.Size{Deployments: 120, Commits: 400, MergeRequests: 60})
	f := newFake(t, a, b)
	db := openDB(t)
	if err := db.SetServices(context.Background(), []dora.Service{{Name: "platform", Team: "core", Repos: []string{a.Path}}}); err != nil {
		t.Fatal(err)
	}
	collect(t, context.Background(), gitlab.New(gitlab.Config{BaseURL: f.APIURL(), Token: token, Projects: []string{a.Path, "43"}, Parallel: 2}), db)
	perRepo := map[string]int{}
	rows(t, db, `SELECT repo, count(*) FROM deployments GROUP BY repo`, func(r *sql.Rows) error {
		var repo string
		var n int
		err := r.Scan(&repo, &n)
		perRepo[repo] = n
		return err
	})
	if perRepo[a.Path] != len(a.Deployments) || perRepo[b.Path] != len(b.Deployments) {
		t.Errorf("deployments per project %v, want %d and %d", perRepo, len(a.Deployments), len(b.Deployments))
	}
	for id, i := range incidents(t, db) {
		want := "platform" // the service that lists acme/platform
		if strings.HasPrefix(id, b.Path+"/") {
			want = b.Path // listed by no service: its own
		}
		if i.Service != want {
			t.Errorf("incident %s has service %q, want %q", id, i.Service, want)
		}
	}
}

func TestRateLimitResetIsWaitedWithoutRetryAfter(t *testing.T) {
	p := small()
	f := newFake(t, p)
	var reset time.Time
	f.Fail = func(r *http.Request, n int) (gitlabtest.Fault, bool) {
		if n != 4 {
			return gitlabtest.Fault{}, false
		}
		// GitLab's throttle: RateLimit-Reset is epoch seconds, and no Retry-After
		reset = time.Now().Add(time.Second).Truncate(time.Second).Add(time.Second)
		return gitlabtest.Fault{Status: http.StatusTooManyRequests, Header: http.Header{
			"Ratelimit-Limit": {"600"}, "Ratelimit-Remaining": {"0"}, "Ratelimit-Reset": {fmt.Sprint(reset.Unix())},
		}, Body: `{"message":"Retry later"}`}, true
	}
	db := openDB(t)
	src := source(f, p.Path)
	collect(t, context.Background(), src, db)
	if time.Now().Before(reset) {
		t.Errorf("collection ended before the rate limit's reset at %v", reset)
	}
	if st := src.Stats(); st.Retries != 1 {
		t.Errorf("%d retries, want the throttled request sent once more", st.Retries)
	}
}
