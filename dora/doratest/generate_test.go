package doratest_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/dora/doratest"
)

var demoNow = time.Date(2025, 6, 2, 12, 0, 0, 0, time.UTC)

func generate(t *testing.T, org doratest.Org) (*dora.DB, doratest.Stats) {
	t.Helper()
	ctx := context.Background()
	db, err := dora.Open(ctx, filepath.Join(t.TempDir(), "dora.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	stats, err := doratest.Generate(ctx, db, org)
	if err != nil {
		t.Fatal(err)
	}
	return db, stats
}

func count(t *testing.T, db *dora.DB, query string) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// checksums fingerprints every table by its rows in a fixed order.
func checksums(t *testing.T, db *dora.DB) map[string]string {
	t.Helper()
	sums := map[string]string{}
	for table, order := range map[string]string{
		"deployments": "id", "commits": "repo, sha", "pull_requests": "repo, number", "incidents": "id", "services": "name",
	} {
		var sum string
		q := `SELECT md5(string_agg(t::VARCHAR, '|' ORDER BY ` + order + `)) FROM ` + table + ` t`
		if err := db.SQL().QueryRow(q).Scan(&sum); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		sums[table] = sum
	}
	return sums
}

func TestGenerateIsDeterministic(t *testing.T) {
	org := doratest.DemoOrg(demoNow)
	org.ChunkDeployments = 500 // several transactions must not change the rows
	a, statsA := generate(t, org)
	b, statsB := generate(t, doratest.DemoOrg(demoNow))
	if statsA != statsB {
		t.Errorf("stats differ: %+v vs %+v", statsA, statsB)
	}
	sumA, sumB := checksums(t, a), checksums(t, b)
	for table, sum := range sumA {
		if sumB[table] != sum {
			t.Errorf("%s differs between two runs with the same seed", table)
		}
	}
	org.Seed++
	c, _ := generate(t, org)
	if checksums(t, c)["commits"] == sumA["commits"] {
		t.Error("another seed gave the same commits")
	}
}

func TestGenerateStatsMatchTheWarehouse(t *testing.T) {
	db, stats := generate(t, doratest.DemoOrg(demoNow))
	for table, want := range map[string]int{
		"deployments": stats.Deployments, "commits": stats.Commits, "pull_requests": stats.PullRequests,
		"incidents": stats.Incidents, "services": stats.Services,
	} {
		if got := count(t, db, `SELECT count(*) FROM `+table); got != want {
			t.Errorf("%s: %d rows, stats say %d", table, got, want)
		}
	}
}

// TestDemoOrgContainsEveryPhenomenon pins that the demo exercises every rule of METRICS.md.
func TestDemoOrgContainsEveryPhenomenon(t *testing.T) {
	db, _ := generate(t, doratest.DemoOrg(demoNow))
	const prod = `environment <> 'staging' AND status = 'success'`
	// Successful production deployments with their predecessor in the same service and environment.
	const ordered = `WITH d AS (SELECT *, lag(sha) OVER w AS prev_sha, lag(sha, 2) OVER w AS prev2_sha,
		row_number() OVER w AS k FROM deployments WHERE ` + prod + `
		WINDOW w AS (PARTITION BY service, environment ORDER BY finished_at))`
	for name, query := range map[string]string{
		"squash_merge_single_parent_not_among_pr_commits": `SELECT count(*) FROM pull_requests p JOIN commits c ON c.repo = p.repo AND c.sha = p.merge_sha
			WHERE len(c.parents) = 1 AND p.first_commit_at < p.merged_at
			AND NOT EXISTS (SELECT 1 FROM commits o WHERE o.repo = p.repo AND o.pull_request = p.number AND o.sha = p.merge_sha)`,
		"merge_commits_with_two_parents": `SELECT count(*) FROM pull_requests p JOIN commits c ON c.repo = p.repo AND c.sha = p.merge_sha WHERE len(c.parents) = 2`,
		"direct_pushes":                  `SELECT count(*) FROM commits WHERE pull_request IS NULL AND len(parents) = 1 AND sha NOT IN (SELECT merge_sha FROM pull_requests)`,
		"monorepo_commits_name_service":  `SELECT count(DISTINCT service) FROM commits WHERE repo = 'acme/platform' AND service IS NOT NULL`,
		"two_regions_deploy_same_shas": `SELECT count(*) FROM deployments eu JOIN deployments us ON eu.service = us.service AND eu.sha = us.sha
			WHERE eu.environment = 'prod-eu' AND us.environment = 'prod-us' AND eu.status = 'success' AND us.status = 'success'`,
		"rollbacks":                      ordered + ` SELECT count(*) FROM d a WHERE sha <> prev_sha AND EXISTS (SELECT 1 FROM d b WHERE b.service = a.service AND b.environment = a.environment AND b.k < a.k - 1 AND b.sha = a.sha)`,
		"rollbacks_list_no_commits":      ordered + ` SELECT count(*) FROM d WHERE sha = prev2_sha AND sha <> prev_sha AND commits = []`,
		"hotfix_prs":                     `SELECT count(*) FROM pull_requests WHERE list_contains(labels, 'hotfix')`,
		"revert_prs":                     `SELECT count(*) FROM pull_requests WHERE title LIKE 'Revert "%'`,
		"unplanned":                      `SELECT count(*) FROM deployments WHERE unplanned AND ` + prod,
		"incidents_caused_by_deployment": `SELECT count(*) FROM incidents i JOIN deployments d ON d.id = i.caused_by`,
		"incidents_in_window_without_caused_by": `SELECT count(*) FROM incidents i WHERE caused_by IS NULL AND EXISTS (SELECT 1 FROM deployments d
			WHERE d.service = i.service AND ` + prod + ` AND d.finished_at < i.started_at AND d.finished_at >= i.started_at - INTERVAL 48 HOUR)`,
		"incidents_no_deployment_caused": `SELECT count(*) FROM incidents i WHERE caused_by IS NULL AND NOT EXISTS (SELECT 1 FROM deployments d
			WHERE d.service = i.service AND ` + prod + ` AND d.finished_at < i.started_at AND d.finished_at >= i.started_at - INTERVAL 48 HOUR)`,
		"unresolved_incidents":                `SELECT count(*) FROM incidents WHERE resolved_at IS NULL`,
		"severities":                          `SELECT count(DISTINCT severity) - 2 FROM incidents`,
		"first_deployments_list_nothing":      ordered + ` SELECT count(*) FROM d WHERE k = 1 AND commits IS NULL`,
		"unknown_commit_lists_later":          ordered + ` SELECT count(*) FROM d WHERE k > 1 AND commits IS NULL`,
		"explicit_commit_lists":               `SELECT count(*) FROM deployments WHERE len(commits) > 0`,
		"non_production_deployments":          `SELECT count(*) FROM deployments WHERE environment = 'staging'`,
		"failed_attempts":                     `SELECT count(*) FROM deployments WHERE status = 'failure'`,
		"cancelled_attempts":                  `SELECT count(*) FROM deployments WHERE status = 'cancelled'`,
		"review_delays_over_a_day":            `SELECT count(*) FROM pull_requests WHERE merged_at - created_at > INTERVAL 1 DAY`,
		"review_delays_under_an_hour":         `SELECT count(*) FROM pull_requests WHERE merged_at - created_at < INTERVAL 1 HOUR`,
		"coding_before_pr_opened":             `SELECT count(*) FROM pull_requests WHERE first_commit_at < created_at`,
		"rebased_commits_committed_later":     `SELECT count(*) FROM commits WHERE committed_at - authored_at > INTERVAL 1 HOUR`,
		"several_deployments_a_day_somewhere": `SELECT count(*) FROM (SELECT service FROM deployments WHERE ` + prod + ` GROUP BY service, finished_at::DATE HAVING count(*) >= 3)`,
	} {
		if n := count(t, db, query); n <= 0 {
			t.Errorf("%s: none in the demo org", name)
		}
	}
	for name, query := range map[string]string{
		"authored_after_committed": `SELECT count(*) FROM commits WHERE authored_at > committed_at`,
		"deployment_sha_unknown":   `SELECT count(*) FROM deployments d WHERE NOT EXISTS (SELECT 1 FROM commits c WHERE c.repo = d.repo AND c.sha = d.sha)`,
		"parent_unknown":           `SELECT count(*) FROM (SELECT repo, unnest(parents) AS p FROM commits) x WHERE NOT EXISTS (SELECT 1 FROM commits c WHERE c.repo = x.repo AND c.sha = x.p)`,
		"listed_commit_unknown":    `SELECT count(*) FROM (SELECT repo, unnest(commits) AS s FROM deployments) x WHERE NOT EXISTS (SELECT 1 FROM commits c WHERE c.repo = x.repo AND c.sha = x.s)`,
		"merged_before_created":    `SELECT count(*) FROM pull_requests WHERE merged_at < created_at OR first_commit_at > created_at`,
		"records_after_end": `SELECT (SELECT count(*) FROM deployments WHERE finished_at >= TIMESTAMPTZ '2025-06-02 12:00:00+00')
			+ (SELECT count(*) FROM incidents WHERE started_at >= TIMESTAMPTZ '2025-06-02 12:00:00+00' OR resolved_at >= TIMESTAMPTZ '2025-06-02 12:00:00+00')
			+ (SELECT count(*) FROM commits WHERE committed_at >= TIMESTAMPTZ '2025-06-02 12:00:00+00')`,
		"resolved_before_started":       `SELECT count(*) FROM incidents WHERE resolved_at < started_at`,
		"caused_by_names_no_deployment": `SELECT count(*) FROM incidents WHERE caused_by IS NOT NULL AND caused_by NOT IN (SELECT id FROM deployments)`,
		"weekend_busier_than_a_weekday": `SELECT (count(*) FILTER (WHERE dayofweek(finished_at) IN (0, 6)) > count(*) FILTER (WHERE dayofweek(finished_at) = 2))::INT FROM deployments`,
		"url_not_on_acme":               `SELECT count(*) FROM pull_requests WHERE url NOT LIKE 'https://github.com/acme/%/pull/%'`,
	} {
		if n := count(t, db, query); n != 0 {
			t.Errorf("%s: %d", name, n)
		}
	}
}

func TestDemoOrgLayout(t *testing.T) {
	services := doratest.Services(doratest.DemoOrg(demoNow))
	teams := map[string]bool{}
	repos := map[string]int{}
	for _, s := range services {
		teams[s.Team] = true
		repos[s.Repos[0]]++
	}
	if len(services) != 8 || len(teams) != 4 {
		t.Errorf("%d services in %d teams, want 8 in 4", len(services), len(teams))
	}
	if repos["acme/platform"] != 3 {
		t.Errorf("the monorepo holds %d services, want 3", repos["acme/platform"])
	}
}

func TestScaledHitsTheDeploymentTarget(t *testing.T) {
	for _, n := range []int{2000, 20000} {
		db, stats := generate(t, doratest.Scaled(n))
		got := count(t, db, `SELECT count(*) FROM deployments WHERE status = 'success' AND environment <> 'staging'`)
		if got != stats.ProductionDeployments {
			t.Errorf("Scaled(%d): warehouse holds %d successful production deployments, stats say %d", n, got, stats.ProductionDeployments)
		}
		if got < n*95/100 || got > n*105/100 {
			t.Errorf("Scaled(%d): %d successful production deployments, want within 5%%", n, got)
		}
		if perDeploy := float64(stats.Commits) / float64(got); perDeploy < 8 || perDeploy > 12 {
			t.Errorf("Scaled(%d): %.1f commits per deployment, want about 10", n, perDeploy)
		}
	}
}

func TestGenerateStopsWhenCancelled(t *testing.T) {
	db, err := dora.Open(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := doratest.Generate(ctx, db, doratest.DemoOrg(demoNow)); err == nil {
		t.Fatal("Generate succeeded with a cancelled context")
	}
}
