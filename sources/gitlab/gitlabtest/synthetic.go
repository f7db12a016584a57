package gitlabtest

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"time"
)

// Size is how big a synthetic project is.
type Size struct {
	Deployments, Commits, MergeRequests int
}

// The environments of a synthetic project: two production ones (one recognised only by its
// tier) and a staging one.
var syntheticEnvironments = []Environment{{ID: 1, Name: "production", Tier: "production"}, {ID: 2, Name: "gprd", Tier: "production"},
	{ID: 3, Name: "staging", Tier: "staging"}}

// Synthetic returns a seeded project of about the given size, starting at start: a main line of
// direct commits, squash merges and merge commits of merge requests with their own commits;
// deployments to production, gprd and staging with failures, cancellations, rollbacks, some
// created through the API without a job, and the last one still running; and incidents, some
// naming the deployment that caused them.
func Synthetic(seed int64, id int64, path string, start time.Time, size Size) *Project {
	rng := rand.New(rand.NewPCG(uint64(seed), uint64(id)))
	p := &Project{ID: id, Path: path, Environments: syntheticEnvironments}
	n := 0
	sha := func() string {
		n++
		sum := sha1.Sum(fmt.Appendf(nil, "%d/%d/%d", seed, id, n))
		return hex.EncodeToString(sum[:])
	}
	start = start.UTC().Truncate(time.Second)
	at := start
	var main []Commit // the main line, oldest first
	add := func(c Commit) {
		p.Commits = append(p.Commits, c)
	}
	tip := func() []string {
		if len(main) == 0 {
			return []string{}
		}
		return []string{main[len(main)-1].SHA}
	}
	// An MR brings 1 main commit when squashed, 3 own commits and a merge commit otherwise.
	avgMR := 0.4*1 + 0.6*4
	direct := max(0, size.Commits-int(avgMR*float64(size.MergeRequests)))
	steps := direct + size.MergeRequests
	mrs := 0
	for step := 0; step < steps; step++ {
		at = at.Add(time.Duration(10+rng.IntN(40)) * time.Minute)
		if mrs < size.MergeRequests && rng.IntN(steps-step) < size.MergeRequests-mrs {
			mrs++
			m := MergeRequest{IID: int64(mrs), Title: fmt.Sprintf("Change %d", mrs), Merged: at, Updated: at.Add(time.Duration(rng.IntN(120)) * time.Minute)}
			switch r := rng.IntN(100); {
			case r < 3:
				m.Labels, m.Title = []string{"hotfix"}, "Hotfix: "+m.Title
			case r < 5:
				m.Title = fmt.Sprintf("Revert \"Change %d\"", max(1, mrs-1))
			case r < 40:
				m.Labels = []string{"feature"}
			}
			own := 1 + rng.IntN(5)
			parents := tip()
			for k := 0; k < own; k++ {
				authored := at.Add(-time.Duration(own-k) * time.Duration(1+rng.IntN(12)) * time.Hour)
				c := Commit{SHA: sha(), Parents: parents, Authored: authored, Committed: authored.Add(time.Duration(rng.IntN(30)) * time.Minute)}
				m.Commits = append(m.Commits, c)
				parents = []string{c.SHA}
			}
			m.Created = m.Commits[0].Authored.Add(time.Duration(rng.IntN(60)) * time.Minute)
			if rng.IntN(10) < 4 { // squash: one new commit on the main line
				c := Commit{SHA: sha(), Parents: tip(), Authored: m.Commits[0].Authored, Committed: at}
				m.SquashSHA = c.SHA
				add(c)
				main = append(main, c)
			} else { // merge commit over the merge request's own commits
				for _, c := range m.Commits {
					add(c)
				}
				c := Commit{SHA: sha(), Parents: append(tip(), m.Commits[len(m.Commits)-1].SHA), Authored: at, Committed: at}
				m.MergeSHA = c.SHA
				add(c)
				main = append(main, c)
			}
			p.MergeRequests = append(p.MergeRequests, m)
			continue
		}
		authored := at.Add(-time.Duration(rng.IntN(48)) * time.Hour)
		c := Commit{SHA: sha(), Parents: tip(), Authored: authored, Committed: at}
		add(c)
		main = append(main, c)
	}
	if len(main) == 0 {
		c := Commit{SHA: sha(), Parents: []string{}, Authored: at, Committed: at}
		add(c)
		main = append(main, c)
	}
	p.deploy(rng, start, at, main, size.Deployments)
	return p
}

// deploy spreads n deployments over [start, end], each of the newest main-line commit then.
func (p *Project) deploy(rng *rand.Rand, start, end time.Time, main []Commit, n int) {
	span := end.Sub(start)
	last := map[string][]string{} // successful shas by environment
	next := 0
	for j := 0; j < n; j++ {
		at := start.Add(time.Duration(float64(span) * float64(j+1) / float64(n+1))).Truncate(time.Second)
		for next < len(main)-1 && !main[next+1].Committed.After(at) {
			next++
		}
		env := p.Environments[[]int{0, 0, 0, 0, 0, 0, 1, 1, 2, 2}[rng.IntN(10)]].Name
		d := Deployment{ID: int64(9000 + j), IID: int64(j + 1), Environment: env, SHA: main[next].SHA, Created: at, Status: "success"}
		switch r := rng.IntN(100); {
		case r < 6:
			d.Status = "failed"
		case r < 9:
			d.Status = "canceled"
		case r < 12 && len(last[env]) >= 2: // a rollback to the one before the last
			d.SHA = last[env][len(last[env])-2]
		}
		finished := at.Add(time.Duration(2+rng.IntN(15)) * time.Minute)
		d.Updated = finished.Add(time.Duration(rng.IntN(90)) * time.Second)
		if rng.IntN(10) > 0 {
			d.JobID, d.JobFinished = int64(70000+j), finished
		}
		if j == n-1 && env != "staging" {
			d.Status, d.JobFinished, d.Updated = "running", time.Time{}, at.Add(time.Minute)
		}
		if d.Status == "success" {
			last[env] = append(last[env], d.SHA)
			if env != "staging" && rng.IntN(25) == 0 {
				p.incident(rng, d, finished, rng.IntN(2) == 0)
			}
		}
		p.Deployments = append(p.Deployments, d)
	}
}

// incident adds an incident that started after deployment d finished.
func (p *Project) incident(rng *rand.Rand, d Deployment, finished time.Time, named bool) {
	iid := int64(len(p.Issues) + 1)
	started := finished.Add(time.Duration(5+rng.IntN(120)) * time.Minute)
	is := Issue{IID: iid, Type: "incident", Title: fmt.Sprintf("Errors after deployment %d", d.IID), Created: started,
		Severity: []string{"CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"}[rng.IntN(5)], Labels: []string{"incident"}}
	if named {
		is.Description = fmt.Sprintf("Error rate up.\n\ncaused by: %d\n", d.IID)
	}
	if rng.IntN(8) > 0 {
		is.Closed = started.Add(time.Duration(10+rng.IntN(300)) * time.Minute)
		is.Updated = is.Closed
	} else {
		is.Updated = started.Add(time.Minute)
	}
	p.Issues = append(p.Issues, is)
	if rng.IntN(3) == 0 { // an ordinary issue, which is no incident
		p.Issues = append(p.Issues, Issue{IID: iid + 1, Type: "issue", Title: "Follow-up", Created: started, Updated: started})
	}
}
