package dora_test

import (
	"context"
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
)

// A world is a small, hand-made history: each test of this file states a rule of METRICS.md,
// builds the least data that exercises it, and checks the number the rule implies.
type world struct {
	t           *testing.T
	deployments []dora.Deployment
	commits     []dora.Commit
	prs         []dora.PullRequest
	incidents   []dora.Incident
	services    []dora.Service
}

// monday is the start of the default window [monday, monday+28d): exactly four ISO weeks.
var monday = time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC)

// at returns monday + day days + hour hours.
func at(day int, hour float64) time.Time {
	return monday.Add(time.Duration(day)*24*time.Hour + time.Duration(hour*float64(time.Hour)))
}

func newWorld(t *testing.T) *world { return &world{t: t} }

// deploy adds a successful production deployment of service api from repo acme/api; change
// edits the defaults.
func (w *world) deploy(id, sha string, finished time.Time, change ...func(*dora.Deployment)) {
	d := dora.Deployment{ID: id, Service: "api", Repo: "acme/api", Environment: "production", Status: dora.StatusSuccess, SHA: sha, FinishedAt: finished}
	for _, c := range change {
		c(&d)
	}
	w.deployments = append(w.deployments, d)
}

func ships(shas ...string) func(*dora.Deployment) {
	return func(d *dora.Deployment) { d.Commits = append([]string{}, shas...) }
}
func env(e string) func(*dora.Deployment)         { return func(d *dora.Deployment) { d.Environment = e } }
func status(s dora.Status) func(*dora.Deployment) { return func(d *dora.Deployment) { d.Status = s } }
func service(s string) func(*dora.Deployment)     { return func(d *dora.Deployment) { d.Service = s } }
func unplanned() func(*dora.Deployment)           { return func(d *dora.Deployment) { d.Unplanned = true } }
func commit(repo, sha string, authored time.Time, parents ...string) dora.Commit {
	return dora.Commit{Repo: repo, SHA: sha, AuthoredAt: authored, Parents: parents}
}

func (w *world) commit(sha string, authored time.Time, parents ...string) {
	if parents == nil {
		parents = []string{}
	}
	w.commits = append(w.commits, commit("acme/api", sha, authored, parents...))
}

func (w *world) incident(id string, started, resolved time.Time, causedBy string) {
	w.incidents = append(w.incidents, dora.Incident{ID: id, Service: "api", StartedAt: started, ResolvedAt: resolved, CausedBy: causedBy})
}

// open writes the world into a new warehouse file.
func (w *world) open() *dora.DB {
	w.t.Helper()
	ctx := context.Background()
	db, err := dora.Open(ctx, filepath.Join(w.t.TempDir(), "world.duckdb"))
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { db.Close() })
	if err := db.SetServices(ctx, w.services); err != nil {
		w.t.Fatal(err)
	}
	err = db.Write(ctx, func(wr *dora.Writer) error {
		for _, d := range w.deployments {
			if err := wr.Deployment(d); err != nil {
				return err
			}
		}
		for _, c := range w.commits {
			if err := wr.Commit(c); err != nil {
				return err
			}
		}
		for _, p := range w.prs {
			if err := wr.PullRequest(p); err != nil {
				return err
			}
		}
		for _, i := range w.incidents {
			if err := wr.Incident(i); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return db
}

// metrics computes q over the world; the window defaults to the four weeks from monday and the
// minimum sample to 1, so that levels show on tiny worlds.
func (w *world) metrics(q dora.Query) *dora.Metrics {
	w.t.Helper()
	if q.Since.IsZero() {
		q.Since, q.Until = monday, monday.AddDate(0, 0, 28)
	}
	if q.Definitions.MinSample == 0 {
		q.Definitions.MinSample = 1
	}
	m, err := w.open().Metrics(context.Background(), q)
	if err != nil {
		w.t.Fatal(err)
	}
	return m
}

func (w *world) overall() dora.Values { w.t.Helper(); return w.metrics(dora.Query{}).Overall }

func eq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func deref(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

func eqf(t *testing.T, what string, got *float64, want float64) {
	t.Helper()
	if got == nil {
		t.Errorf("%s = null, want %v", what, want)
		return
	}
	if math.Abs(*got-want) > 1e-9*math.Max(1, math.Abs(want)) {
		t.Errorf("%s = %v, want %v", what, *got, want)
	}
}

func isNull(t *testing.T, what string, got *float64) {
	t.Helper()
	if got != nil {
		t.Errorf("%s = %v, want null", what, *got)
	}
}

const hourS, dayS = 3600.0, 86400.0

func TestProductionDeployments(t *testing.T) {
	t.Run("environment_globs_match_case_insensitively", func(t *testing.T) {
		w := newWorld(t)
		w.deploy("a", "s1", at(0, 1), env("Production"))
		w.deploy("b", "s2", at(0, 2), env("prod-EU"))
		w.deploy("c", "s3", at(0, 3), env("live"))
		w.deploy("d", "s4", at(0, 4), env("staging"))
		w.deploy("e", "s5", at(0, 5), env("preprod"))
		v := w.overall()
		eq(t, "deployments", v.DeploymentFrequency.Deployments, 3)
		eq(t, "non_production_deployments", v.DataQuality.NonProductionDeployments, 2)
	})
	t.Run("production_environments_option_replaces_defaults", func(t *testing.T) {
		w := newWorld(t)
		w.deploy("a", "s1", at(0, 1), env("production"))
		w.deploy("b", "s2", at(0, 2), env("main-cluster"))
		m := w.metrics(dora.Query{Definitions: dora.Definitions{ProductionEnvironments: []string{"main-*"}}})
		eq(t, "deployments", m.Overall.DeploymentFrequency.Deployments, 1)
	})
	t.Run("source_production_tier_counts_whatever_the_name", func(t *testing.T) {
		w := newWorld(t)
		w.deploy("a", "s1", at(0, 1), env("gke-main"), func(d *dora.Deployment) { d.Tier = dora.TierProduction })
		eq(t, "deployments", w.overall().DeploymentFrequency.Deployments, 1)
	})
	t.Run("only_successful_deployments_count_failed_attempts_are_reported", func(t *testing.T) {
		w := newWorld(t)
		w.deploy("a", "s1", at(0, 1))
		w.deploy("b", "s2", at(0, 2), status(dora.StatusFailure))
		w.deploy("c", "s2", at(0, 3), status(dora.StatusCancelled))
		w.deploy("d", "s2", time.Time{}, status(dora.StatusInProgress))
		v := w.overall()
		eq(t, "deployments", v.DeploymentFrequency.Deployments, 1)
		eq(t, "failed_attempts", v.DataQuality.FailedAttempts, 2)
		eq(t, "change_failure_rate.deployments", v.ChangeFailureRate.Deployments, 1)
	})
	t.Run("window_is_half_open_on_finished_at", func(t *testing.T) {
		w := newWorld(t)
		w.deploy("before", "s0", monday.Add(-time.Nanosecond*1000))
		w.deploy("first", "s1", monday)
		w.deploy("last", "s2", monday.AddDate(0, 0, 28).Add(-time.Microsecond))
		w.deploy("after", "s3", monday.AddDate(0, 0, 28))
		eq(t, "deployments", w.overall().DeploymentFrequency.Deployments, 2)
	})
	t.Run("service_falls_back_to_the_one_service_listing_the_repo_else_the_repo", func(t *testing.T) {
		w := newWorld(t)
		w.services = []dora.Service{{Name: "payments", Team: "money", Repos: []string{"acme/pay"}}}
		w.deploy("a", "s1", at(0, 1), service(""), func(d *dora.Deployment) { d.Repo = "acme/pay" })
		w.deploy("b", "s2", at(0, 2), service(""), func(d *dora.Deployment) { d.Repo = "acme/web" })
		m := w.metrics(dora.Query{By: dora.ByService})
		if len(m.Groups) != 2 || m.Groups[0].Key != "acme/web" || m.Groups[1].Key != "payments" {
			t.Fatalf("groups = %+v, want acme/web and payments", keys(m.Groups))
		}
		m = w.metrics(dora.Query{By: dora.ByTeam})
		if len(m.Groups) != 2 || m.Groups[0].Key != "money" || m.Groups[1].Key != "unassigned" {
			t.Fatalf("groups = %+v, want money and unassigned", keys(m.Groups))
		}
	})
}

func keys(gs []dora.Group) []string {
	var out []string
	for _, g := range gs {
		out = append(out, g.Key)
	}
	return out
}

func TestDeploymentFrequency(t *testing.T) {
	t.Run("per_day_and_per_week_over_the_window_length", func(t *testing.T) {
		w := newWorld(t)
		for i := range 14 {
			w.deploy(string(rune('a'+i)), "s", at(i, 10))
		}
		v := w.overall().DeploymentFrequency
		eq(t, "deployments", v.Deployments, 14)
		eq(t, "per_day", v.PerDay, 0.5)
		eq(t, "per_week", v.PerWeek, 3.5)
	})
	t.Run("deploy_days_count_distinct_days_not_deployments", func(t *testing.T) {
		w := newWorld(t)
		w.deploy("a", "s1", at(0, 9))
		w.deploy("b", "s2", at(0, 10))
		w.deploy("c", "s3", at(0, 11))
		w.deploy("d", "s4", at(1, 9))
		eq(t, "deploy_days", w.overall().DeploymentFrequency.DeployDays, 2)
	})
	t.Run("median_deploy_days_per_week_counts_empty_weeks_as_zero", func(t *testing.T) {
		// week 1: 5 days, week 2: 3 days, weeks 3 and 4: none -> median of [0 0 3 5] = 1.5.
		w := newWorld(t)
		for i := range 5 {
			w.deploy("w1"+string(rune('a'+i)), "s", at(i, 10))
		}
		for i := range 3 {
			w.deploy("w2"+string(rune('a'+i)), "s", at(7+i, 10))
			w.deploy("w2x"+string(rune('a'+i)), "s", at(7+i, 11)) // a burst adds no deploy day
		}
		v := w.overall().DeploymentFrequency
		eq(t, "weeks", v.Weeks, 4)
		eq(t, "median_deploy_days_per_week", v.MedianDeployDaysPerWeek, 1.5)
		eq(t, "level", v.Level, dora.LevelHigh)
	})
	t.Run("partial_first_and_last_weeks_count_as_weeks", func(t *testing.T) {
		// Wednesday to the Tuesday 13 days later touches three ISO weeks.
		w := newWorld(t)
		w.deploy("a", "s", at(2, 10))
		m := w.metrics(dora.Query{Since: at(2, 0), Until: at(15, 0)})
		eq(t, "weeks", m.Overall.DeploymentFrequency.Weeks, 3)
		eq(t, "median_deploy_days_per_week", m.Overall.DeploymentFrequency.MedianDeployDaysPerWeek, 0.0)
	})
	t.Run("calendar_days_are_taken_in_the_report_time_zone", func(t *testing.T) {
		// 23:30 and 00:30 UTC are two UTC days but one day in Europe/Berlin (00:30 and 01:30).
		w := newWorld(t)
		w.deploy("a", "s1", at(1, -0.5))
		w.deploy("b", "s2", at(1, 0.5))
		eq(t, "deploy_days (UTC)", w.overall().DeploymentFrequency.DeployDays, 2)
		m := w.metrics(dora.Query{Definitions: dora.Definitions{Timezone: "Europe/Berlin"}})
		eq(t, "deploy_days (Berlin)", m.Overall.DeploymentFrequency.DeployDays, 1)
	})
}

func TestShippedCommits(t *testing.T) {
	t.Run("explicit_list_is_what_a_deployment_shipped", func(t *testing.T) {
		w := newWorld(t)
		w.commit("c1", at(0, 0))
		w.commit("c2", at(0, 1))
		w.deploy("d1", "c2", at(0, 5), ships("c1", "c2"))
		lt := w.overall().LeadTime
		eq(t, "n", lt.N, 2)
		eqf(t, "median", lt.Median, 4.5*hourS)
	})
	t.Run("commit_graph_gives_the_range_between_consecutive_deployments", func(t *testing.T) {
		v := mergedBranch(t).overall()
		eq(t, "n", v.LeadTime.N, 2)                    // f1 and f2
		eqf(t, "median", v.LeadTime.Median, 7.5*hourS) // (8h + 7h) / 2
		eq(t, "deployments_without_commits", v.DataQuality.DeploymentsWithoutCommits, 0)
	})
	t.Run("first_deployment_without_a_list_ships_nothing_not_all_history", func(t *testing.T) {
		w := newWorld(t)
		w.commit("c0", at(0, 0))
		w.commit("c1", at(0, 1), "c0")
		w.deploy("d1", "c1", at(0, 5))
		v := w.overall()
		eq(t, "lead time n", v.LeadTime.N, 0)
		isNull(t, "median", v.LeadTime.Median)
		eq(t, "deployments_without_commits", v.DataQuality.DeploymentsWithoutCommits, 1)
	})
	t.Run("an_empty_known_range_is_not_missing_data", func(t *testing.T) {
		w := newWorld(t)
		w.deploy("d1", "c1", at(0, 5), ships())
		eq(t, "deployments_without_commits", w.overall().DataQuality.DeploymentsWithoutCommits, 0)
	})
	t.Run("a_change_counts_once_per_service_at_its_first_production_deployment", func(t *testing.T) {
		w := newWorld(t)
		w.commit("c1", at(0, 0))
		w.deploy("eu", "c1", at(0, 2), env("prod-eu"), ships("c1"))
		w.deploy("us", "c1", at(0, 3), env("prod-us"), ships("c1"))
		v := w.overall()
		eq(t, "deployments", v.DeploymentFrequency.Deployments, 2)
		eq(t, "lead time n", v.LeadTime.N, 1)
		eqf(t, "median", v.LeadTime.Median, 2*hourS)
	})
	t.Run("monorepo_commit_naming_a_service_is_a_change_of_that_service_only", func(t *testing.T) {
		w := newWorld(t)
		w.commits = append(w.commits,
			dora.Commit{Repo: "acme/api", SHA: "web1", AuthoredAt: at(0, 0), Service: "web"},
			dora.Commit{Repo: "acme/api", SHA: "api1", AuthoredAt: at(0, 1), Service: "api"})
		w.deploy("d1", "api1", at(0, 5), ships("web1", "api1"))
		eq(t, "lead time n", w.overall().LeadTime.N, 1)
	})
	t.Run("shipped_shas_without_a_commit_record_are_reported", func(t *testing.T) {
		w := newWorld(t)
		w.commit("c1", at(0, 0))
		w.deploy("d1", "c2", at(0, 5), ships("c1", "c2"))
		v := w.overall()
		eq(t, "lead time n", v.LeadTime.N, 1)
		eq(t, "changes_without_commit_record", v.DataQuality.ChangesWithoutCommitRecord, 1)
	})
}

// mergedBranch is main c0 <- c1 <- m (merge of c1 and f2), with a branch from c0: f1 <- f2.
// d1 deploys c1 with an empty list, d2 deploys m without one: by the graph it ships m, f2 and f1
// (not c1 or c0); m is a merge, not a change.
func mergedBranch(t *testing.T) *world {
	w := newWorld(t)
	w.commit("c0", at(0, 0))
	w.commit("c1", at(0, 1), "c0")
	w.commit("f1", at(0, 2), "c0")
	w.commit("f2", at(0, 3), "f1")
	w.commit("m", at(0, 4), "c1", "f2")
	w.deploy("d1", "c1", at(0, 6), ships())
	w.deploy("d2", "m", at(0, 10))
	return w
}

func TestLeadTime(t *testing.T) {
	t.Run("starts_at_author_time_by_default_and_committer_time_as_option", func(t *testing.T) {
		w := newWorld(t)
		w.commits = append(w.commits, dora.Commit{Repo: "acme/api", SHA: "c1", AuthoredAt: at(0, 0), CommittedAt: at(0, 3)})
		w.deploy("d1", "c1", at(0, 5), ships("c1"))
		eqf(t, "authored", w.overall().LeadTime.Median, 5*hourS)
		m := w.metrics(dora.Query{Definitions: dora.Definitions{LeadTimeStart: dora.StartCommitted}})
		eqf(t, "committed", m.Overall.LeadTime.Median, 2*hourS)
	})
	t.Run("squash_merge_starts_at_first_PR_commit", func(t *testing.T) {
		w := newWorld(t)
		w.commit("sq", at(2, 0), "base") // the squash commit, authored at merge time
		w.prs = append(w.prs, dora.PullRequest{Repo: "acme/api", Number: 7, CreatedAt: at(1, 0), MergedAt: at(2, 0), MergeSHA: "sq", FirstCommitAt: at(0, 0)})
		w.deploy("d1", "sq", at(2, 6), ships("sq"))
		eqf(t, "median", w.overall().LeadTime.Median, 2*dayS+6*hourS)
	})
	t.Run("squash_merge_without_first_commit_at_uses_earliest_PR_commit", func(t *testing.T) {
		w := newWorld(t)
		w.commit("sq", at(2, 0), "base")
		w.commits = append(w.commits,
			dora.Commit{Repo: "acme/api", SHA: "p1", AuthoredAt: at(0, 12), PullRequest: 7},
			dora.Commit{Repo: "acme/api", SHA: "p2", AuthoredAt: at(1, 0), PullRequest: 7})
		w.prs = append(w.prs, dora.PullRequest{Repo: "acme/api", Number: 7, CreatedAt: at(1, 0), MergedAt: at(2, 0), MergeSHA: "sq"})
		w.deploy("d1", "sq", at(2, 0), ships("sq"))
		eqf(t, "median", w.overall().LeadTime.Median, 1.5*dayS)
	})
	t.Run("merge_commit_PR_uses_its_own_commits_not_first_commit_at", func(t *testing.T) {
		// The PR's own commits were shipped, so its merge_sha is not a squash: each commit
		// keeps its own author time, and the merge commit itself is no change.
		w := newWorld(t)
		w.commits = append(w.commits,
			dora.Commit{Repo: "acme/api", SHA: "p1", AuthoredAt: at(1, 0), PullRequest: 7, Parents: []string{"base"}},
			dora.Commit{Repo: "acme/api", SHA: "m", AuthoredAt: at(2, 0), Parents: []string{"base", "p1"}})
		w.prs = append(w.prs, dora.PullRequest{Repo: "acme/api", Number: 7, CreatedAt: at(1, 0), MergedAt: at(2, 0), MergeSHA: "m", FirstCommitAt: at(0, 0)})
		w.deploy("d1", "m", at(2, 0), ships("p1", "m"))
		lt := w.overall().LeadTime
		eq(t, "n", lt.N, 1)
		eqf(t, "median", lt.Median, dayS)
	})
	t.Run("merge_commits_are_not_changes", func(t *testing.T) {
		w := newWorld(t)
		w.commit("m", at(0, 0), "a", "b")
		w.deploy("d1", "m", at(0, 5), ships("m"))
		eq(t, "n", w.overall().LeadTime.N, 0)
	})
	t.Run("negative_lead_times_are_clamped_to_zero_and_counted", func(t *testing.T) {
		w := newWorld(t)
		w.commit("c1", at(0, 8)) // authored after the deployment: clock skew
		w.commit("c2", at(0, 0))
		w.deploy("d1", "c1", at(0, 4), ships("c1", "c2"))
		v := w.overall()
		eqf(t, "median", v.LeadTime.Median, 2*hourS) // quantile of [0, 4h]
		eq(t, "negative_lead_times", v.DataQuality.NegativeLeadTimes, 1)
	})
	t.Run("a_lead_time_of_zero_is_not_negative_and_one_a_microsecond_shorter_is", func(t *testing.T) {
		w := newWorld(t)
		w.commit("c1", at(0, 4))
		w.commit("c2", at(0, 4).Add(time.Microsecond))
		w.deploy("d1", "c2", at(0, 4), ships("c1", "c2"))
		v := w.overall()
		eq(t, "n", v.LeadTime.N, 2)
		eqf(t, "median", v.LeadTime.Median, 0)
		eq(t, "negative_lead_times", v.DataQuality.NegativeLeadTimes, 1)
	})
	t.Run("durations_are_exact_to_the_microsecond", func(t *testing.T) {
		// Taken as epoch(deployed) - epoch(authored), each instant rounded to seconds in a DOUBLE
		// first, these came out up to a quarter of a microsecond off.
		for _, us := range []int64{1, 3, 7, 123457} {
			w := newWorld(t)
			w.commit("c1", at(0, 0))
			w.deploy("d1", "c1", at(0, 1).Add(time.Duration(us)*time.Microsecond), ships("c1"))
			w.incident("i1", at(0, 0), at(0, 1).Add(time.Duration(us)*time.Microsecond), "")
			v := w.overall()
			want := float64(3600_000_000+us) / 1e6
			if got := v.LeadTime.Median; got == nil || *got != want {
				t.Errorf("lead time of 1h and %dµs: median %v, want exactly %v", us, deref(got), want)
			}
			if got := v.TimeToRestore.Median; got == nil || *got != want {
				t.Errorf("time to restore of 1h and %dµs: median %v, want exactly %v", us, deref(got), want)
			}
		}
	})
	t.Run("quantiles_are_continuous_and_the_mean_is_reported", func(t *testing.T) {
		// Lead times 1h, 2h, 3h, 10h: median 2.5h, p75 4.75h, p90 7.9h, mean 4h.
		w := newWorld(t)
		for i, h := range []float64{1, 2, 3, 10} {
			sha := string(rune('a' + i))
			w.commit(sha, at(0, 20-h))
		}
		w.deploy("d1", "d", at(0, 20), ships("a", "b", "c", "d"))
		lt := w.overall().LeadTime
		eq(t, "n", lt.N, 4)
		eqf(t, "median", lt.Median, 2.5*hourS)
		eqf(t, "p75", lt.P75, 4.75*hourS)
		eqf(t, "p90", lt.P90, 7.9*hourS)
		eqf(t, "mean", lt.Mean, 4*hourS)
	})
	t.Run("the_mean_is_exact_to_the_microsecond", func(t *testing.T) {
		// Summed as floating point, seven lead times of 100051200.000007 s average to
		// 100051200.00000691; summed in parallel, the last digits also change from run to run.
		w := newWorld(t)
		authored := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
		var shas []string
		for i := range 7 {
			sha := string(rune('a' + i))
			w.commits = append(w.commits, dora.Commit{Repo: "acme/api", SHA: sha, AuthoredAt: authored})
			shas = append(shas, sha)
		}
		w.deploy("d1", "g", monday.Add(7*time.Microsecond), ships(shas...))
		lt := w.overall().LeadTime
		eq(t, "n", lt.N, 7)
		if eqf(t, "mean", lt.Mean, 100051200.000007); lt.Mean != nil && *lt.Mean != 100051200.000007 {
			t.Errorf("mean = %.17g, want exactly 100051200.000007", *lt.Mean)
		}
	})
	t.Run("changes_without_pull_request_are_reported", func(t *testing.T) {
		w := newWorld(t)
		w.commit("c1", at(0, 0))
		w.deploy("d1", "c1", at(0, 5), ships("c1"))
		eq(t, "changes_without_pull_request", w.overall().DataQuality.ChangesWithoutPullRequest, 1)
	})
}

func TestChangeFailureRate(t *testing.T) {
	t.Run("rollback_fails_the_deployment_rolled_back_from_and_leaves_the_denominator", func(t *testing.T) {
		w := newWorld(t)
		w.deploy("d1", "A", at(0, 1))
		w.deploy("d2", "B", at(1, 1))
		w.deploy("d3", "A", at(1, 2)) // rollback to d1's sha
		v := w.overall()
		eq(t, "deployments", v.ChangeFailureRate.Deployments, 2)
		eq(t, "failed", v.ChangeFailureRate.Failed, 1)
		eqf(t, "rate", v.ChangeFailureRate.Rate, 0.5)
		eq(t, "deployment frequency counts the rollback", v.DeploymentFrequency.Deployments, 3)
	})
	t.Run("redeploying_the_same_sha_is_not_a_rollback", func(t *testing.T) {
		w := newWorld(t)
		w.deploy("d1", "A", at(0, 1))
		w.deploy("d2", "A", at(0, 2))
		v := w.overall()
		eq(t, "failed", v.ChangeFailureRate.Failed, 0)
		eq(t, "rework", v.ReworkRate.Rework, 0)
	})
	t.Run("rollback_is_per_service_and_environment", func(t *testing.T) {
		w := newWorld(t)
		w.deploy("d1", "A", at(0, 1), env("prod-eu"))
		w.deploy("d2", "B", at(0, 2), env("prod-us"))
		w.deploy("d3", "A", at(0, 3), env("prod-us"))
		eq(t, "failed", w.overall().ChangeFailureRate.Failed, 0)
	})
	t.Run("unplanned_deployment_remediates_the_previous_one", func(t *testing.T) {
		w := newWorld(t)
		w.deploy("d1", "A", at(0, 1))
		w.deploy("d2", "B", at(0, 2), unplanned())
		v := w.overall()
		eq(t, "deployments", v.ChangeFailureRate.Deployments, 2) // a remediation is a change
		eq(t, "failed", v.ChangeFailureRate.Failed, 1)
	})
	for _, tc := range []struct {
		name   string
		pr     dora.PullRequest
		failed int
	}{
		{"revert_title_remediates", dora.PullRequest{Title: `Revert "Add cache"`}, 1},
		{"hotfix_title_prefix_remediates", dora.PullRequest{Title: "[HOTFIX] null pointer"}, 1},
		{"hotfix_label_remediates", dora.PullRequest{Title: "Fix it", Labels: []string{"Hotfix"}}, 1},
		{"ordinary_pull_request_does_not", dora.PullRequest{Title: "Add feature", Labels: []string{"feature"}}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			pr := tc.pr
			pr.Repo, pr.Number, pr.CreatedAt, pr.MergeSHA = "acme/api", 9, at(0, 0), "fix"
			w.prs = append(w.prs, pr)
			w.commit("fix", at(0, 1), "A")
			w.deploy("d1", "A", at(0, 1), ships())
			w.deploy("d2", "fix", at(0, 3), ships("fix"))
			eq(t, "failed", w.overall().ChangeFailureRate.Failed, tc.failed)
		})
	}
	t.Run("monorepo_fix_of_another_service_does_not_remediate", func(t *testing.T) {
		w := newWorld(t)
		w.prs = append(w.prs, dora.PullRequest{Repo: "acme/api", Number: 9, Title: "Hotfix web", CreatedAt: at(0, 0), MergeSHA: "fix"})
		w.commits = append(w.commits, dora.Commit{Repo: "acme/api", SHA: "fix", AuthoredAt: at(0, 1), Parents: []string{"A"}, Service: "web"})
		w.deploy("d1", "A", at(0, 1), ships())
		w.deploy("d2", "fix", at(0, 3), ships("fix"))
		eq(t, "failed", w.overall().ChangeFailureRate.Failed, 0)
	})
	t.Run("incident_with_caused_by_fails_that_deployment", func(t *testing.T) {
		w := newWorld(t)
		w.deploy("d1", "A", at(0, 1))
		w.deploy("d2", "B", at(5, 1))
		w.incident("i1", at(6, 0), at(6, 1), "d1") // long after d1, but named explicitly
		v := w.overall()
		eq(t, "failed", v.ChangeFailureRate.Failed, 1)
		eq(t, "unattributed", v.DataQuality.UnattributedIncidents, 0)
		eqf(t, "recovery median", v.RecoveryTime.Median, 6*dayS)
	})
	t.Run("caused_by_may_name_a_sha", func(t *testing.T) {
		w := newWorld(t)
		w.deploy("d1", "A", at(0, 1))
		w.deploy("d2", "B", at(5, 1))
		w.incident("i1", at(6, 0), at(6, 1), "A")
		m := w.metrics(dora.Query{})
		eq(t, "failed", m.Overall.ChangeFailureRate.Failed, 1)
		eqf(t, "recovery median", m.Overall.RecoveryTime.Median, 6*dayS)
	})
	t.Run("caused_by_may_name_an_abbreviated_sha", func(t *testing.T) {
		w := newWorld(t)
		w.deploy("d1", "9f2c4e1aa0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5", at(0, 1))
		w.deploy("d2", "77ab000000000000000000000000000000000000", at(0, 2))
		w.incident("i1", at(3, 0), at(3, 1), "9f2c4e1")
		eq(t, "failed", w.overall().ChangeFailureRate.Failed, 1)
	})
	t.Run("caused_by_naming_nothing_leaves_the_incident_unattributed", func(t *testing.T) {
		w := newWorld(t)
		w.deploy("d1", "A", at(0, 1))
		w.incident("i1", at(0, 2), at(0, 3), "d-unknown")
		v := w.overall()
		eq(t, "failed", v.ChangeFailureRate.Failed, 0)
		eq(t, "unattributed", v.DataQuality.UnattributedIncidents, 1)
		eq(t, "broken_caused_by", v.DataQuality.BrokenCausedBy, 1)
		eq(t, "time to restore n", v.TimeToRestore.N, 1)
	})
	t.Run("incident_is_attributed_to_the_latest_deployment_of_its_service_within_the_window", func(t *testing.T) {
		w := newWorld(t)
		w.deploy("d1", "A", at(0, 1))
		w.deploy("d2", "B", at(0, 5))
		w.deploy("w1", "W", at(0, 7), service("web"))
		w.incident("i1", at(1, 0), at(1, 2), "") // 19h after d2: blames d2, not d1, not web's w1
		m := w.metrics(dora.Query{By: dora.ByService})
		eq(t, "failed", m.Overall.ChangeFailureRate.Failed, 1)
		for _, g := range m.Groups {
			want := map[string]int{"api": 1, "web": 0}[g.Key]
			eq(t, "failed of "+g.Key, g.ChangeFailureRate.Failed, want)
		}
		eqf(t, "recovery median", m.Overall.RecoveryTime.Median, 21*hourS) // d2 at 05:00 to resolved at 02:00 next day
	})
	t.Run("incident_starting_as_a_deployment_finishes_is_blamed_on_the_one_before", func(t *testing.T) {
		w := newWorld(t)
		w.deploy("d1", "A", at(0, 1))
		w.deploy("d2", "B", at(0, 5))
		w.incident("i1", at(0, 5), at(0, 6), "") // d2 finished at that instant, not before
		w.deploy("d3", "C", at(0, 8))
		w.incident("i2", at(0, 9), at(0, 10), "")
		d := w.details()
		blamed := map[string]string{}
		for _, i := range d.Incidents {
			blamed[i.ID] = i.DeploymentID
		}
		eq(t, "i1 blames", blamed["i1"], "d1")
		eq(t, "i2 blames", blamed["i2"], "d3")
	})
	t.Run("incident_beyond_the_incident_window_is_unattributed", func(t *testing.T) {
		w := newWorld(t)
		w.deploy("d1", "A", at(0, 1))
		w.incident("i1", at(2, 2), at(2, 3), "") // 49h later
		v := w.overall()
		eq(t, "failed", v.ChangeFailureRate.Failed, 0)
		eq(t, "unattributed", v.DataQuality.UnattributedIncidents, 1)
		m := w.metrics(dora.Query{Definitions: dora.Definitions{IncidentWindow: 72 * time.Hour}})
		eq(t, "failed with 72h window", m.Overall.ChangeFailureRate.Failed, 1)
	})
	t.Run("incident_exactly_the_incident_window_after_a_deployment_is_blamed_on_it", func(t *testing.T) {
		w := newWorld(t)
		w.deploy("d1", "A", at(0, 1))
		w.incident("i1", at(2, 1), at(2, 2), "") // 48h later: no more than the window
		eq(t, "failed", w.overall().ChangeFailureRate.Failed, 1)
	})
	t.Run("deployments_finished_at_one_instant_the_greatest_id_is_blamed", func(t *testing.T) {
		w := newWorld(t)
		w.deploy("d1", "A", at(0, 1))
		w.deploy("d3", "C", at(0, 1))
		w.deploy("d2", "B", at(0, 1))
		w.incident("i1", at(0, 2), at(0, 3), "")
		d := w.details()
		eq(t, "incidents", len(d.Incidents), 1)
		eq(t, "i1 blames", d.Incidents[0].DeploymentID, "d3")
	})
	t.Run("incident_after_the_window_fails_the_windows_last_deployment", func(t *testing.T) {
		w := newWorld(t)
		w.deploy("d1", "A", at(27, 22))
		w.incident("i1", at(28, 2), at(28, 3), "") // after until, 4h after d1
		v := w.overall()
		eq(t, "failed", v.ChangeFailureRate.Failed, 1)
		eq(t, "time to restore n: the incident is not the window's", v.TimeToRestore.N, 0)
		eqf(t, "recovery median", v.RecoveryTime.Median, 5*hourS)
	})
	t.Run("incident_early_in_the_window_blames_a_deployment_before_it", func(t *testing.T) {
		w := newWorld(t)
		w.deploy("d0", "A", at(-1, 20))
		w.deploy("d1", "B", at(3, 0))
		w.incident("i1", at(0, 2), at(0, 3), "") // 6h after d0, which is not the window's
		m := w.metrics(dora.Query{By: dora.ByRepo})
		eq(t, "unattributed", m.Overall.DataQuality.UnattributedIncidents, 0)
		eq(t, "failed: d0 is not the window's", m.Overall.ChangeFailureRate.Failed, 0)
		eq(t, "the incident's group is d0's repo", m.Groups[0].Key, "acme/api")
		eq(t, "time to restore n of acme/api", m.Groups[0].TimeToRestore.N, 1)
	})
	t.Run("a_deployment_with_several_incidents_fails_once", func(t *testing.T) {
		w := newWorld(t)
		w.deploy("d1", "A", at(0, 1))
		w.deploy("d2", "B", at(3, 1))
		w.incident("i1", at(0, 2), at(0, 3), "")
		w.incident("i2", at(0, 4), at(0, 9), "")
		w.incident("i3", at(0, 5), at(0, 6), "d1")
		v := w.overall()
		eq(t, "failed", v.ChangeFailureRate.Failed, 1)
		eqf(t, "rate", v.ChangeFailureRate.Rate, 0.5)
		eq(t, "recovery n", v.RecoveryTime.N, 1)
		eqf(t, "recovery is to the latest resolution", v.RecoveryTime.Median, 8*hourS)
	})
	t.Run("rate_never_exceeds_one", func(t *testing.T) {
		w := newWorld(t)
		w.deploy("d1", "A", at(0, 1))
		for i := range 5 {
			w.incident(string(rune('a'+i)), at(0, 2+float64(i)), at(0, 8), "")
		}
		eqf(t, "rate", w.overall().ChangeFailureRate.Rate, 1)
	})
	t.Run("no_deployments_gives_no_rate_not_zero", func(t *testing.T) {
		w := newWorld(t)
		w.incident("i1", at(0, 2), at(0, 3), "")
		v := w.overall()
		isNull(t, "rate", v.ChangeFailureRate.Rate)
		eq(t, "level", v.ChangeFailureRate.Level, dora.LevelInsufficient)
	})
}

func TestRecoveryTime(t *testing.T) {
	t.Run("restored_by_the_rollback_when_no_incident", func(t *testing.T) {
		w := newWorld(t)
		w.deploy("d1", "A", at(0, 1))
		w.deploy("d2", "B", at(0, 2))
		w.deploy("d3", "A", at(0, 2.5))
		v := w.overall().RecoveryTime
		eq(t, "n", v.N, 1)
		eqf(t, "median", v.Median, 0.5*hourS)
	})
	t.Run("rolled_back_after_the_window_still_fails_in_it", func(t *testing.T) {
		w := newWorld(t)
		w.deploy("d1", "A", at(27, 20))
		w.deploy("d2", "B", at(27, 22))
		w.deploy("d3", "A", at(28, 1)) // after until
		v := w.overall()
		eq(t, "failed", v.ChangeFailureRate.Failed, 1)
		eqf(t, "recovery median", v.RecoveryTime.Median, 3*hourS)
	})
	t.Run("incident_resolution_wins_over_the_remediation", func(t *testing.T) {
		w := newWorld(t)
		w.deploy("d1", "A", at(0, 1))
		w.deploy("d2", "B", at(0, 2))
		w.deploy("d3", "A", at(0, 3))
		w.incident("i1", at(0, 2.5), at(0, 6), "d2")
		eqf(t, "median", w.overall().RecoveryTime.Median, 4*hourS)
	})
	t.Run("unresolved_incident_leaves_the_failure_open", func(t *testing.T) {
		w := newWorld(t)
		w.deploy("d1", "A", at(0, 1))
		w.incident("i1", at(0, 2), time.Time{}, "")
		v := w.overall()
		eq(t, "n", v.RecoveryTime.N, 0)
		eq(t, "open", v.RecoveryTime.Open, 1)
		isNull(t, "median", v.RecoveryTime.Median)
		eq(t, "unresolved_incidents", v.DataQuality.UnresolvedIncidents, 1)
	})
}

func TestReworkRate(t *testing.T) {
	t.Run("rollbacks_remediations_and_unplanned_over_all_deployments", func(t *testing.T) {
		w := newWorld(t)
		w.deploy("d1", "A", at(0, 1))
		w.deploy("d2", "B", at(0, 2))
		w.deploy("d3", "A", at(0, 3)) // rollback
		w.deploy("d4", "C", at(0, 4))
		w.deploy("d5", "D", at(0, 5), unplanned())
		v := w.overall().ReworkRate
		eq(t, "deployments", v.Deployments, 5)
		eq(t, "rework", v.Rework, 2)
		eqf(t, "rate", v.Rate, 0.4)
	})
}

func TestTimeToRestore(t *testing.T) {
	t.Run("incidents_started_in_the_window_including_unattributed", func(t *testing.T) {
		w := newWorld(t)
		w.incident("i1", at(0, 0), at(0, 1), "")
		w.incident("i2", at(1, 0), at(1, 3), "")
		w.incident("i3", at(2, 0), time.Time{}, "")
		w.incident("old", monday.Add(-time.Hour), at(0, 5), "")
		v := w.overall().TimeToRestore
		eq(t, "n", v.N, 2)
		eq(t, "open", v.Open, 1)
		eqf(t, "median", v.Median, 2*hourS)
	})
	t.Run("non_production_incidents_are_left_out", func(t *testing.T) {
		w := newWorld(t)
		w.incidents = append(w.incidents, dora.Incident{ID: "s", Service: "api", Environment: "staging", StartedAt: at(0, 0), ResolvedAt: at(0, 1)})
		eq(t, "n", w.overall().TimeToRestore.N, 0)
	})
}

func TestLevels(t *testing.T) {
	t.Run("below_min_sample_is_insufficient_data_never_a_guess", func(t *testing.T) {
		w := newWorld(t)
		w.commit("c1", at(0, 0))
		w.deploy("d1", "c1", at(0, 1), ships("c1"))
		m := w.metrics(dora.Query{Definitions: dora.Definitions{MinSample: 2}})
		eq(t, "lead time level", m.Overall.LeadTime.Level, dora.LevelInsufficient)
		m = w.metrics(dora.Query{Definitions: dora.Definitions{MinSample: 1}})
		eq(t, "lead time level", m.Overall.LeadTime.Level, dora.LevelElite)
	})
	b, _ := dora.LookupBenchmark("dora-2023")
	for _, tc := range []struct {
		name   string
		ladder dora.Ladder
		value  float64
		want   dora.Level
	}{
		{"cfr_of_exactly_5_percent_is_elite", b.ChangeFailureRate, 0.05, dora.LevelElite},
		{"cfr_above_15_percent_is_low", b.ChangeFailureRate, 0.1501, dora.LevelLow},
		{"lead_time_of_exactly_one_day_is_high", b.LeadTime, dayS, dora.LevelHigh},
		{"lead_time_of_30_days_is_low", b.LeadTime, 30 * dayS, dora.LevelLow},
		{"five_deploy_days_a_week_is_elite", b.DeployDaysPerWeek, 5, dora.LevelElite},
		{"monthly_deploy_days_is_medium", b.DeployDaysPerWeek, 12.0 / 52, dora.LevelMedium},
		{"less_than_monthly_is_low", b.DeployDaysPerWeek, 0.2, dora.LevelLow},
		{"recovery_under_an_hour_is_elite", b.RecoveryTime, 3599, dora.LevelElite},
		{"recovery_of_a_week_is_low", b.RecoveryTime, 7 * dayS, dora.LevelLow},
	} {
		t.Run(tc.name, func(t *testing.T) { eq(t, "level", tc.ladder.Classify(tc.value), tc.want) })
	}
	old, _ := dora.LookupBenchmark("dora-2021")
	t.Run("dora_2021_has_no_medium_change_fail_rate", func(t *testing.T) {
		eq(t, "25% in 2021", old.ChangeFailureRate.Classify(0.25), dora.LevelHigh)
		eq(t, "31% in 2021", old.ChangeFailureRate.Classify(0.31), dora.LevelLow)
	})
}

func TestGroupsAndSeries(t *testing.T) {
	t.Run("series_are_zero_filled_per_key_and_period", func(t *testing.T) {
		w := newWorld(t)
		w.deploy("a1", "A", at(0, 1))
		w.deploy("w1", "W", at(8, 1), service("web"))
		m := w.metrics(dora.Query{By: dora.ByService, Interval: dora.Week})
		if len(m.Series) != 8 {
			t.Fatalf("series points = %d, want 2 services x 4 weeks", len(m.Series))
		}
		var points []string
		for _, p := range m.Series {
			points = append(points, p.Key+" "+p.Period)
		}
		eq(t, "points", strings.Join(points, ", "), "api 2024-03-04, api 2024-03-11, api 2024-03-18, api 2024-03-25, "+
			"web 2024-03-04, web 2024-03-11, web 2024-03-18, web 2024-03-25")
		eq(t, "api week 1 deployments", m.Series[0].DeploymentFrequency.Deployments, 1)
		eq(t, "api week 2 deployments", m.Series[1].DeploymentFrequency.Deployments, 0)
		eq(t, "web week 2 deployments", m.Series[5].DeploymentFrequency.Deployments, 1)
		eq(t, "per_day uses the period length", m.Series[5].DeploymentFrequency.PerDay, 1.0/7)
	})
	t.Run("series_without_grouping_are_keyed_all", func(t *testing.T) {
		w := newWorld(t)
		w.deploy("a1", "A", at(0, 1))
		m := w.metrics(dora.Query{Interval: dora.Month})
		if len(m.Series) != 1 || m.Series[0].Key != dora.SeriesKeyAll || m.Series[0].Period != "2024-03-01" {
			t.Fatalf("series = %+v", m.Series)
		}
		eq(t, "month period clipped to the window: per_day", m.Series[0].DeploymentFrequency.PerDay, 1.0/28)
		if m.Groups != nil {
			t.Errorf("groups = %v, want none without By", keys(m.Groups))
		}
	})
}

func TestCompare(t *testing.T) {
	w := newWorld(t)
	w.services = []dora.Service{{Name: "api", Team: "platform"}, {Name: "web", Team: "frontend"}}
	w.deploy("old", "A", at(-3, 1))
	w.deploy("a1", "B", at(0, 1))
	w.deploy("w1", "W", at(8, 1), service("web"))
	cur, prev, err := w.open().Compare(context.Background(), dora.Query{Since: monday, Until: monday.AddDate(0, 0, 28), Interval: dora.Week}, dora.ByService, dora.ByTeam)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "series keyed all", len(cur.Series), 4)
	eq(t, "series key", cur.Series[0].Key, dora.SeriesKeyAll)
	var got []string
	for _, g := range cur.Groups {
		got = append(got, string(g.By)+":"+g.Key)
	}
	eq(t, "groups", strings.Join(got, ","), "service:api,service:web,team:frontend,team:platform")
	eq(t, "previous window deployments", prev.Overall.DeploymentFrequency.Deployments, 1)
	eq(t, "previous window has no series", len(prev.Series), 0)
	eq(t, "previous window since", prev.Since, monday.AddDate(0, 0, -28))
}

// UTC's local time is taken from the instants' microseconds rather than from ICU's time zones
// (prepare/01_calendar.sql): the metrics must be those of a zone ICU resolves that never leaves
// UTC, with every day and week in place.
func TestUTCIsReadLikeAnyZoneOfTheSameClock(t *testing.T) {
	ctx := context.Background()
	db := demoWarehouse(t, "")
	q := dora.Query{Since: demoEnd.AddDate(0, -6, 0), Until: demoEnd, By: dora.ByService, Interval: dora.Week}
	utc, err := db.Metrics(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	q.Definitions.Timezone = "Etc/GMT"
	gmt, err := db.Metrics(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(utc.Series) == 0 || utc.Overall.DeploymentFrequency.DeployDays == 0 {
		t.Fatalf("no series or no deploy days: the demo organisation should have both")
	}
	if !reflect.DeepEqual(utc.Overall, gmt.Overall) || !reflect.DeepEqual(utc.Groups, gmt.Groups) || !reflect.DeepEqual(utc.Series, gmt.Series) {
		t.Errorf("the metrics in UTC differ from those in Etc/GMT")
	}
}
