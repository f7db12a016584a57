package file

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/dorareport/dorareport/dora"
)

// A kind is one type of event record: how it is named and how a record of it is written.
type kind struct {
	name, plural string
	// columns a CSV file of this kind must have; other required fields (like finished_at,
	// required unless a deployment is in progress) are checked per record.
	columns []string
	write   func(w sink, r *record, n *Counts) error
}

// sink receives the records of a file: a *dora.Writer, or in fuzzing something that only
// validates, so that millions of inputs can be tried without a database.
type sink interface {
	Deployment(dora.Deployment) error
	Commit(dora.Commit) error
	PullRequest(dora.PullRequest) error
	Incident(dora.Incident) error
}

var kinds = []*kind{
	{"deployment", "deployments", []string{"id", "environment", "status", "sha"}, writeDeployment},
	{"commit", "commits", []string{"repo", "sha", "authored_at"}, writeCommit},
	{"pull_request", "pull_requests", []string{"repo", "number", "created_at"}, writePullRequest},
	{"incident", "incidents", []string{"id", "started_at"}, writeIncident},
}

// kindNamed finds a kind by its singular name, as the kind field of a JSONL record spells it.
func kindNamed(name string) *kind {
	for _, k := range kinds {
		if k.name == name {
			return k
		}
	}
	return nil
}

// lookupKind finds a kind by its singular or plural name, as Options.Kind may spell it.
func lookupKind(name string) (*kind, error) {
	for _, k := range kinds {
		if name == k.name || name == k.plural {
			return k, nil
		}
	}
	return nil, fmt.Errorf("unknown kind %q (want deployment, commit, pull_request or incident)", name)
}

// kindOfCSV infers the kind of a CSV file from its base name: deployments.csv, commit.csv, ...
func kindOfCSV(name string) *kind {
	base := strings.TrimSuffix(strings.ToLower(filepath.Base(name)), ".csv")
	k, _ := lookupKind(base)
	return k
}

func writeDeployment(w sink, r *record, n *Counts) error {
	d := dora.Deployment{
		ID:          r.str("id"),
		Environment: r.str("environment"),
		Status:      dora.Status(r.str("status")),
		FinishedAt:  r.time("finished_at"),
		SHA:         r.str("sha"),
		Service:     r.str("service"),
		Repo:        r.str("repo"),
		StartedAt:   r.time("started_at"),
		Commits:     r.strs("commits"),
		Unplanned:   r.bool("unplanned"),
		URL:         r.str("url"),
		Source:      r.str("source"),
		Tier:        r.str("tier"),
	}
	if r.err != nil {
		return r.err
	}
	if err := w.Deployment(d); err != nil {
		return err
	}
	n.Deployments++
	return nil
}

func writeCommit(w sink, r *record, n *Counts) error {
	c := dora.Commit{
		Repo:        r.str("repo"),
		SHA:         r.str("sha"),
		AuthoredAt:  r.time("authored_at"),
		Parents:     r.strs("parents"),
		CommittedAt: r.time("committed_at"),
		PullRequest: r.int("pull_request"),
		Service:     r.str("service"),
	}
	if r.err != nil {
		return r.err
	}
	if c.PullRequest < 0 {
		return invalid("pull_request: %d is not a pull request number (want a positive number)", c.PullRequest)
	}
	if err := w.Commit(c); err != nil {
		return err
	}
	n.Commits++
	return nil
}

func writePullRequest(w sink, r *record, n *Counts) error {
	p := dora.PullRequest{
		Repo:          r.str("repo"),
		Number:        r.int("number"),
		CreatedAt:     r.time("created_at"),
		Title:         r.str("title"),
		Labels:        r.strs("labels"),
		MergedAt:      r.time("merged_at"),
		MergeSHA:      r.str("merge_sha"),
		FirstCommitAt: r.time("first_commit_at"),
		URL:           r.str("url"),
	}
	if r.err != nil {
		return r.err
	}
	if err := w.PullRequest(p); err != nil {
		return err
	}
	n.PullRequests++
	return nil
}

func writeIncident(w sink, r *record, n *Counts) error {
	i := dora.Incident{
		ID:          r.str("id"),
		StartedAt:   r.time("started_at"),
		Service:     r.str("service"),
		Environment: r.str("environment"),
		Title:       r.str("title"),
		Severity:    r.str("severity"),
		ResolvedAt:  r.time("resolved_at"),
		CausedBy:    r.str("caused_by"),
		URL:         r.str("url"),
		Source:      r.str("source"),
	}
	if r.err != nil {
		return r.err
	}
	if err := w.Incident(i); err != nil {
		return err
	}
	n.Incidents++
	return nil
}
