package dora

import "time"

// Details are the records behind the metrics of one window, for drill-down tables and charts.
// Lists are ordered so that the same data always gives the same output.
type Details struct {
	// FailedDeployments are the window's failed deployments, newest first.
	FailedDeployments []FailedDeployment `json:"failed_deployments"`
	// SlowestChanges are the changes with the longest lead time, slowest first (at most 20).
	SlowestChanges []Change `json:"slowest_changes"`
	// Incidents are the incidents that started in the window, oldest first.
	Incidents []IncidentDetail `json:"incidents"`
	// LeadTimeHistogram buckets the window's lead times on a fixed human scale.
	LeadTimeHistogram []Bucket `json:"lead_time_histogram"`
	// Stages break the lead time of changes that came through a pull request into coding (first
	// commit to PR opened), review (opened to merged) and deploy (merged to deployed).
	Stages Stages `json:"stages"`
	// DeployDays counts successful production deployments per calendar day (report zone).
	DeployDays []DayCount `json:"deploy_days"`
}

// Failure reasons of a deployment.
const (
	ReasonIncident    = "incident"
	ReasonRollback    = "rollback"
	ReasonRemediation = "remediation"
)

// A FailedDeployment is a deployment that required immediate intervention.
type FailedDeployment struct {
	ID          string    `json:"id"`
	Service     string    `json:"service"`
	Environment string    `json:"environment"`
	SHA         string    `json:"sha"`
	URL         string    `json:"url,omitempty"`
	FinishedAt  time.Time `json:"finished_at"`
	Reasons     []string  `json:"reasons"`   // ReasonIncident, ReasonRollback, ReasonRemediation
	Incidents   []string  `json:"incidents"` // ids of the attributed incidents
	// RemediatedBy is the rollback or remediation deployment that followed, if any.
	RemediatedBy string     `json:"remediated_by,omitempty"`
	RestoredAt   *time.Time `json:"restored_at"`      // nil while open
	Recovery     *float64   `json:"recovery_seconds"` // nil while open
}

// A Change is a commit shipped to production with its lead time.
type Change struct {
	Service      string    `json:"service"`
	Repo         string    `json:"repo"`
	SHA          string    `json:"sha"`
	DeploymentID string    `json:"deployment_id"`
	DeployedAt   time.Time `json:"deployed_at"`
	StartedAt    time.Time `json:"started_at"`
	LeadTime     float64   `json:"lead_time_seconds"`
	PullRequest  int64     `json:"pull_request,omitempty"`
	Title        string    `json:"title,omitempty"`
	URL          string    `json:"url,omitempty"`
}

// Attribution says how an incident was tied to a deployment.
const (
	AttributedExplicitly = "caused_by" // the incident named the deployment
	AttributedByWindow   = "window"    // the latest deployment within the incident window
)

// An IncidentDetail is an incident with the deployment it was attributed to.
type IncidentDetail struct {
	ID           string     `json:"id"`
	Service      string     `json:"service"`
	Title        string     `json:"title"`
	Severity     string     `json:"severity,omitempty"`
	URL          string     `json:"url,omitempty"`
	StartedAt    time.Time  `json:"started_at"`
	ResolvedAt   *time.Time `json:"resolved_at"`
	DeploymentID string     `json:"deployment_id,omitempty"` // empty: unattributed
	Attribution  string     `json:"attribution,omitempty"`
}

// A Bucket counts values up to and excluding UpperSeconds (nil: no upper bound).
type Bucket struct {
	Label        string   `json:"label"`
	UpperSeconds *float64 `json:"upper_seconds"`
	Count        int      `json:"count"`
}

// Stages holds the quantiles of each lead-time stage.
type Stages struct {
	Coding Quantiles `json:"coding"`
	Review Quantiles `json:"review"`
	Deploy Quantiles `json:"deploy"`
}

// A DayCount is the number of deployments on one calendar day.
type DayCount struct {
	Day         string `json:"day"` // YYYY-MM-DD
	Deployments int    `json:"deployments"`
}
