package githubtest

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"time"
)

// SHA returns a stable, realistic sha for a name.
func SHA(name string) string {
	sum := sha1.Sum([]byte(name))
	return hex.EncodeToString(sum[:])
}

// Shape sizes a Synthetic repository.
type Shape struct {
	Deployments int // to production; every tenth fails
	Commits     int // on the default branch
	Pulls       int // squash-merged, each with two commits of its own
	Incidents   int // issues labelled "incident"; as many pull requests carry the label too
	Start       time.Time
}

// Synthetic builds a repository with a linear history of shape.Commits commits an hour apart,
// shape.Pulls of them the squash merges of pull requests, and shape.Deployments deployments
// spread evenly over the history.
func Synthetic(owner, name string, shape Shape) *Repo {
	r := &Repo{Owner: owner, Name: name}
	at := func(i int) time.Time { return shape.Start.Add(time.Duration(i) * time.Hour) }
	for i := range shape.Commits {
		c := Commit{SHA: SHA(fmt.Sprintf("%s/%s commit %d", owner, name, i)), Authored: at(i).Add(-20 * time.Minute), Committed: at(i)}
		if i > 0 {
			c.Parents = []string{r.Commits[i-1].SHA}
		}
		r.Commits = append(r.Commits, c)
	}
	for p := range shape.Pulls {
		i := (p+1)*shape.Commits/shape.Pulls - 1
		merge := r.Commits[i]
		own := []Commit{
			{SHA: SHA(fmt.Sprintf("%s/%s pull %d a", owner, name, p)), Authored: merge.Committed.Add(-30 * time.Hour), Committed: merge.Committed.Add(-30 * time.Hour)},
			{SHA: SHA(fmt.Sprintf("%s/%s pull %d b", owner, name, p)), Authored: merge.Committed.Add(-5 * time.Hour), Committed: merge.Committed.Add(-5 * time.Hour)},
		}
		own[1].Parents = []string{own[0].SHA}
		r.Pulls = append(r.Pulls, Pull{Number: p + 1, Title: fmt.Sprintf("Change %d", p+1), Labels: []string{"feature"},
			Created: merge.Committed.Add(-24 * time.Hour), Updated: merge.Committed.Add(time.Minute), Merged: merge.Committed,
			MergeSHA: merge.SHA, Commits: own})
	}
	for d := range shape.Deployments {
		i := (d+1)*shape.Commits/shape.Deployments - 1
		created := r.Commits[i].Committed.Add(10 * time.Minute)
		id := int64(1000 + d)
		final := Status{ID: id*10 + 2, State: "success", Created: created.Add(6 * time.Minute)}
		if d%10 == 9 {
			final.State = "failure"
		}
		r.Deployments = append(r.Deployments, Deployment{ID: id, SHA: r.Commits[i].SHA, Environment: "production", Created: created,
			Statuses: []Status{{ID: id*10 + 1, State: "in_progress", Created: created.Add(time.Minute)}, final}})
	}
	for n := range shape.Incidents {
		d := r.Deployments[(n*7)%len(r.Deployments)]
		started := d.Created.Add(2 * time.Hour)
		r.Issues = append(r.Issues,
			Issue{Number: 100_000 + n, Title: fmt.Sprintf("Errors after deploy %d", d.ID), Body: fmt.Sprintf("Customers see 500s.\n\ncaused by: %d\n", d.ID),
				Labels: []string{"incident", "sev2"}, Created: started, Updated: started.Add(3 * time.Hour), Closed: started.Add(3 * time.Hour)},
			Issue{Number: 200_000 + n, Title: "Fix for the incident", Labels: []string{"incident"}, Created: started, Updated: started.Add(time.Hour),
				Closed: started.Add(time.Hour), PullRequest: true})
	}
	return r
}
