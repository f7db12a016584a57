package gitlab_test

import (
	"context"
	"testing"

	"github.com/dorareport/dorareport/sources/gitlab/gitlabtest"
)

// minimalRequests is the fewest requests any collector needs for a full sync of p: every page
// of the environment, deployment, merged merge request and incident lists, one compare per
// distinct shipped range, and one commit list per squash merge (for its first commit time).
func minimalRequests(p *gitlabtest.Project) int {
	pages := func(n int) int { return max(1, (n+99)/100) }
	merged, squashes, incidents := 0, 0, 0
	for _, m := range p.MergeRequests {
		if !m.Merged.IsZero() {
			merged++
		}
		if m.SquashSHA != "" {
			squashes++
		}
	}
	for _, is := range p.Issues {
		if is.Type == "incident" {
			incidents++
		}
	}
	return pages(len(p.Environments)) + pages(len(p.Deployments)) + pages(merged) + pages(incidents) + distinctRanges(p) + squashes
}

// budget collects p twice (full, then with nothing new) and reports the requests of each.
func budget(t testing.TB, p *gitlabtest.Project) (full, unchanged int) {
	f := newFake(t, p)
	db := openDB(t)
	collect(t, context.Background(), source(f, p.Path), db)
	full, _ = f.Requests()
	collect(t, context.Background(), source(f, p.Path), db)
	total, _ := f.Requests()
	return full, total - full
}

func TestRequestBudget(t *testing.T) {
	p := gitlabtest.Synthetic(7, 7, "acme/budget", t0, gitlabtest.Size{Deployments: 300, Commits: 4000, MergeRequests: 600})
	full, unchanged := budget(t, p)
	minimal := minimalRequests(p)
	if float64(full) > 1.2*float64(minimal) {
		t.Errorf("full sync made %d requests, more than 1.2 × the minimal %d", full, minimal)
	}
	if unchanged > 4 {
		t.Errorf("a sync with nothing new made %d requests, want at most 4 (one per list)", unchanged)
	}
}

func TestComparesOfABatchOverlap(t *testing.T) {
	p := small()
	f := newFake(t, p)
	collect(t, context.Background(), source(f, p.Path), openDB(t))
	if n := f.MaxInFlight(); n < 2 {
		t.Errorf("at most %d request in flight; the compares of a batch should overlap", n)
	}
}

// BenchmarkSync reports the requests of a full and a no-change sync of a synthetic project of
// 1,000 deployments, 20,000 commits and 3,000 merge requests, against the minimal count.
func BenchmarkSync(b *testing.B) {
	p := gitlabtest.Synthetic(3, 3, "acme/large", t0, gitlabtest.Size{Deployments: 1000, Commits: 20000, MergeRequests: 3000})
	minimal := minimalRequests(p)
	var full, unchanged int
	for b.Loop() {
		full, unchanged = budget(b, p)
	}
	b.ReportMetric(float64(full), "full-requests")
	b.ReportMetric(float64(minimal), "minimal-requests")
	b.ReportMetric(float64(full)/float64(minimal), "full/minimal")
	b.ReportMetric(float64(unchanged), "no-change-requests")
	if float64(full) > 1.2*float64(minimal) {
		b.Errorf("full sync made %d requests, more than 1.2 × the minimal %d", full, minimal)
	}
}
