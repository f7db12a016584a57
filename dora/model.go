package dora

import (
	"errors"
	"fmt"
	"time"
)

// Status is the outcome of a deployment attempt.
type Status string

// The statuses a deployment can have. Only StatusSuccess counts as a deployment; the others are
// reported in data quality.
const (
	StatusSuccess    Status = "success"
	StatusFailure    Status = "failure"
	StatusCancelled  Status = "cancelled"
	StatusInProgress Status = "in_progress"
)

// Valid reports whether s is one of the known statuses.
func (s Status) Valid() bool {
	switch s {
	case StatusSuccess, StatusFailure, StatusCancelled, StatusInProgress:
		return true
	}
	return false
}

// TierProduction is the Deployment.Tier a source sets when the platform itself marks an
// environment as production (GitLab's deployment tier), whatever the environment is called.
const TierProduction = "production"

// A Deployment is one attempt to put a version of a service into an environment.
type Deployment struct {
	ID          string    `json:"id"`
	Service     string    `json:"service,omitempty"` // empty: the repository's service
	Environment string    `json:"environment"`
	Tier        string    `json:"tier,omitempty"` // TierProduction when the source marks it so
	Status      Status    `json:"status"`
	SHA         string    `json:"sha"`
	Repo        string    `json:"repo,omitempty"`
	StartedAt   time.Time `json:"started_at,omitzero"`
	FinishedAt  time.Time `json:"finished_at,omitzero"`
	// Commits lists the shas the source says this deployment shipped. Nil means unknown (the
	// commit graph decides); an empty, non-nil slice means known to ship nothing.
	Commits   []string `json:"commits,omitempty"`
	Unplanned bool     `json:"unplanned,omitempty"`
	URL       string   `json:"url,omitempty"`
	Source    string   `json:"source,omitempty"`
}

// A Commit is one commit of a repository.
type Commit struct {
	Repo        string    `json:"repo"`
	SHA         string    `json:"sha"`
	Parents     []string  `json:"parents,omitempty"`
	AuthoredAt  time.Time `json:"authored_at"`
	CommittedAt time.Time `json:"committed_at,omitzero"`
	PullRequest int64     `json:"pull_request,omitempty"` // 0: none known
	// Service narrows a commit of a monorepo to the one service it changes; empty: any service
	// that deploys the repository.
	Service string `json:"service,omitempty"`
}

// A PullRequest (GitLab: merge request) is a reviewed change proposal.
type PullRequest struct {
	Repo          string    `json:"repo"`
	Number        int64     `json:"number"`
	Title         string    `json:"title,omitempty"`
	Labels        []string  `json:"labels,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	MergedAt      time.Time `json:"merged_at,omitzero"`
	MergeSHA      string    `json:"merge_sha,omitempty"`
	FirstCommitAt time.Time `json:"first_commit_at,omitzero"`
	URL           string    `json:"url,omitempty"`
}

// An Incident is a degradation of service in production.
type Incident struct {
	ID          string    `json:"id"`
	Service     string    `json:"service,omitempty"`
	Environment string    `json:"environment,omitempty"`
	Title       string    `json:"title,omitempty"`
	Severity    string    `json:"severity,omitempty"`
	StartedAt   time.Time `json:"started_at"`
	ResolvedAt  time.Time `json:"resolved_at,omitzero"`
	// CausedBy names the deployment that caused the incident, by id (or, failing that, by sha).
	CausedBy string `json:"caused_by,omitempty"`
	URL      string `json:"url,omitempty"`
	Source   string `json:"source,omitempty"`
}

// A Service is the unit that is measured: it owns repositories, optionally narrowed to path
// globs in a monorepo, and belongs to at most one team.
type Service struct {
	Name  string   `json:"name" yaml:"name"`
	Team  string   `json:"team,omitempty" yaml:"team"`
	Repos []string `json:"repos,omitempty" yaml:"repos"`
	Paths []string `json:"paths,omitempty" yaml:"paths"`
}

// ErrInvalid is wrapped by every validation error, so callers can tell bad input (exit code 3)
// from failures of the machine.
var ErrInvalid = errors.New("invalid record")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// Validate reports the first missing or inconsistent field.
func (d *Deployment) Validate() error {
	switch {
	case d.ID == "":
		return invalid("deployment: missing id")
	case d.Environment == "":
		return invalid("deployment %s: missing environment", d.ID)
	case d.Status == "":
		return invalid("deployment %s: missing status", d.ID)
	case !d.Status.Valid():
		return invalid("deployment %s: unknown status %q (want success, failure, cancelled or in_progress)", d.ID, d.Status)
	case d.SHA == "":
		return invalid("deployment %s: missing sha", d.ID)
	case d.FinishedAt.IsZero() && d.Status != StatusInProgress:
		return invalid("deployment %s: missing finished_at (required unless status is in_progress)", d.ID)
	}
	return nil
}

// Validate reports the first missing field.
func (c *Commit) Validate() error {
	switch {
	case c.Repo == "":
		return invalid("commit: missing repo")
	case c.SHA == "":
		return invalid("commit in %s: missing sha", c.Repo)
	case c.AuthoredAt.IsZero():
		return invalid("commit %s: missing authored_at", c.SHA)
	}
	return nil
}

// Validate reports the first missing field.
func (p *PullRequest) Validate() error {
	switch {
	case p.Repo == "":
		return invalid("pull_request: missing repo")
	case p.Number <= 0:
		return invalid("pull_request in %s: missing or non-positive number", p.Repo)
	case p.CreatedAt.IsZero():
		return invalid("pull_request %s#%d: missing created_at", p.Repo, p.Number)
	}
	return nil
}

// Validate reports the first missing field.
func (i *Incident) Validate() error {
	switch {
	case i.ID == "":
		return invalid("incident: missing id")
	case i.StartedAt.IsZero():
		return invalid("incident %s: missing started_at", i.ID)
	case !i.ResolvedAt.IsZero() && i.ResolvedAt.Before(i.StartedAt):
		return invalid("incident %s: resolved_at is before started_at", i.ID)
	}
	return nil
}
