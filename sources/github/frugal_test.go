package github_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/dorareport/dorareport/sources/github/githubtest"
)

// minimalRequests counts the pages a repository's data needs, worked out from the data alone:
// each list once at 100 per page, one statuses request per deployment (the REST API has no bulk
// form), each range between consecutive successful deployments once, and one commit list per
// squash-merged pull request that ships.
func minimalRequests(r *githubtest.Repo) int {
	pages := func(n int) int { return max((n+99)/100, 1) }
	index := map[string]int{}
	for i, c := range r.Commits {
		index[c.SHA] = i
	}
	type success struct {
		at  time.Time
		sha string
	}
	var ok []success
	for _, d := range r.Deployments {
		if d.Statuses[len(d.Statuses)-1].State == "success" {
			ok = append(ok, success{d.Statuses[len(d.Statuses)-1].Created, d.SHA})
		}
	}
	slices.SortFunc(ok, func(a, b success) int { return a.at.Compare(b.at) })
	n := pages(len(r.Deployments)) + len(r.Deployments) + pages(len(r.Pulls)) + pages(len(r.Issues))
	shipped := map[string]bool{}
	for i := 1; i < len(ok); i++ {
		lo, hi := index[ok[i-1].sha], index[ok[i].sha]
		if hi > lo {
			n += pages(hi - lo)
			for _, c := range r.Commits[lo+1 : hi+1] {
				shipped[c.SHA] = true
			}
		}
	}
	for _, p := range r.Pulls {
		if shipped[p.MergeSHA] && len(r.Commits[index[p.MergeSHA]].Parents) == 1 {
			n++
		}
	}
	return n
}

type frugality struct {
	full, minimal, resync, resync304 int
}

func measure(t testing.TB, shape githubtest.Shape) frugality {
	repo := githubtest.Synthetic("acme", "big", shape)
	f := newFake(t, repo)
	f.RateLimit = 1_000_000
	db := openDB(t)
	collect(t, context.Background(), source(f, "acme/big"), db)
	m := frugality{full: f.Requests(), minimal: minimalRequests(repo)}
	f.ResetCounts()
	collect(t, context.Background(), source(f, "acme/big"), db)
	m.resync, m.resync304 = f.Requests(), f.NotModified()
	return m
}

func (m frugality) check(t testing.TB) {
	t.Helper()
	if ratio := float64(m.full) / float64(m.minimal); ratio > 1.2 {
		t.Errorf("a full sync sent %d requests for %d minimal pages (%.2fx); want at most 1.2x", m.full, m.minimal, ratio)
	}
	if m.resync > 3 || m.resync304 != m.resync {
		t.Errorf("a re-sync without changes sent %d requests, %d answered 304; want at most 3, all 304", m.resync, m.resync304)
	}
}

func TestRequestsStayNearTheMinimum(t *testing.T) {
	m := measure(t, githubtest.Shape{Deployments: 100, Commits: 2000, Pulls: 300, Incidents: 10, Start: t0})
	t.Logf("full sync: %d requests, minimum %d; re-sync: %d requests, %d answered 304", m.full, m.minimal, m.resync, m.resync304)
	m.check(t)
}

// BenchmarkSync collects a large synthetic repository (1,000 deployments, 20,000 commits, 3,000
// pull requests) from the fake and reports the requests of a full sync against the minimum the
// data needs, and those of a re-sync without changes.
func BenchmarkSync(b *testing.B) {
	for b.Loop() {
		m := measure(b, githubtest.Shape{Deployments: 1000, Commits: 20000, Pulls: 3000, Incidents: 50, Start: t0})
		b.ReportMetric(float64(m.full), "requests/full-sync")
		b.ReportMetric(float64(m.minimal), "minimal-pages")
		b.ReportMetric(float64(m.full)/float64(m.minimal), "ratio")
		b.ReportMetric(float64(m.resync), "requests/re-sync")
		b.ReportMetric(float64(m.resync304), "304s/re-sync")
		m.check(b)
	}
}
