package dora

import (
	"fmt"
	"time"
)

// Dimension is what groups are keyed by.
type Dimension string

// The grouping dimensions; the zero value means no groups.
const (
	ByService     Dimension = "service"
	ByTeam        Dimension = "team"
	ByRepo        Dimension = "repo"
	ByEnvironment Dimension = "environment"
)

// Interval is the length of a series period.
type Interval string

// The series intervals; the zero value means no series. Weeks are ISO weeks starting Monday and
// months calendar months, both in Definitions.Timezone.
const (
	Week  Interval = "week"
	Month Interval = "month"
)

// A Query selects the window, the grouping and the definitions of a metrics computation.
type Query struct {
	Since, Until time.Time // the window [Since, Until)
	By           Dimension // "" for no groups
	Interval     Interval  // "" for no series
	Definitions  Definitions
}

// Validate reports the first unusable field of q.
func (q Query) Validate() error {
	if q.Since.IsZero() || q.Until.IsZero() {
		return fmt.Errorf("the window needs both since and until")
	}
	if !q.Since.Before(q.Until) {
		return fmt.Errorf("since (%s) must be before until (%s)", q.Since.Format(time.RFC3339), q.Until.Format(time.RFC3339))
	}
	switch q.By {
	case "", ByService, ByTeam, ByRepo, ByEnvironment:
	default:
		return fmt.Errorf("unknown grouping %q (want service, team, repo or environment)", q.By)
	}
	switch q.Interval {
	case "", Week, Month:
	default:
		return fmt.Errorf("unknown interval %q (want week or month)", q.Interval)
	}
	return q.Definitions.Validate()
}

// Metrics is the result of a computation, shaped as the metrics JSON of INTERFACES.md.
type Metrics struct {
	Since       time.Time   `json:"since"`
	Until       time.Time   `json:"until"`
	Benchmarks  string      `json:"benchmarks"`
	Overall     Values      `json:"overall"`
	Groups      []Group     `json:"groups,omitempty"`
	Series      []Point     `json:"series,omitempty"`
	Definitions Definitions `json:"-"`
}

// A Group holds the metrics of one key of the grouping dimension.
type Group struct {
	By  Dimension `json:"by"`
	Key string    `json:"key"`
	Values
}

// A Point holds the metrics of one period of the series, for one key (the group's key, or "all"
// when the query has no grouping).
type Point struct {
	Key    string `json:"key"`
	Period string `json:"period"` // the first day of the period, YYYY-MM-DD in the report's zone
	Values
}

// SeriesKeyAll is the key of series points when the query has no grouping.
const SeriesKeyAll = "all"

// Values are the five metrics, time to restore and data quality of one scope.
type Values struct {
	DeploymentFrequency DeploymentFrequency `json:"deployment_frequency"`
	LeadTime            LeadTime            `json:"lead_time"`
	ChangeFailureRate   ChangeFailureRate   `json:"change_failure_rate"`
	RecoveryTime        RecoveryTime        `json:"recovery_time"`
	ReworkRate          ReworkRate          `json:"rework_rate"`
	TimeToRestore       TimeToRestore       `json:"time_to_restore"`
	DataQuality         DataQuality         `json:"data_quality"`
}

// DeploymentFrequency counts successful production deployments.
type DeploymentFrequency struct {
	Deployments int     `json:"deployments"`
	PerDay      float64 `json:"per_day"`
	PerWeek     float64 `json:"per_week"`
	DeployDays  int     `json:"deploy_days"`
	// MedianDeployDaysPerWeek is the median over the window's ISO weeks (empty weeks count as 0)
	// of the days with a deployment; the level is taken from it.
	MedianDeployDaysPerWeek float64 `json:"median_deploy_days_per_week"`
	Weeks                   int     `json:"weeks"` // the sample size of the median
	Level                   Level   `json:"level"`
}

// Quantiles are continuous (interpolated) quantiles of durations in seconds; nil when there are
// no values.
type Quantiles struct {
	N      int      `json:"n"`
	Median *float64 `json:"median_seconds"`
	P75    *float64 `json:"p75_seconds"`
	P90    *float64 `json:"p90_seconds"`
}

// LeadTime is the change lead time: from a change's start to its first production deployment.
type LeadTime struct {
	Quantiles
	Mean  *float64 `json:"mean_seconds"`
	Level Level    `json:"level"`
}

// ChangeFailureRate is the share of deployments that failed; rollback deployments are in
// neither count.
type ChangeFailureRate struct {
	Deployments int      `json:"deployments"`
	Failed      int      `json:"failed"`
	Rate        *float64 `json:"rate"` // nil without deployments
	Level       Level    `json:"level"`
}

// RecoveryTime is the failed deployment recovery time.
type RecoveryTime struct {
	Quantiles
	Open  int   `json:"open"`
	Level Level `json:"level"`
}

// ReworkRate is the share of all successful production deployments that were unplanned.
type ReworkRate struct {
	Deployments int      `json:"deployments"`
	Rework      int      `json:"rework"`
	Rate        *float64 `json:"rate"` // nil without deployments
}

// TimeToRestore is the pre-2023 "MTTR": incident start to resolution.
type TimeToRestore struct {
	Quantiles
	Open int `json:"open"`
}

// DataQuality counts what the numbers above could not see or had to correct.
type DataQuality struct {
	DeploymentsWithoutCommits int `json:"deployments_without_commits"`
	NegativeLeadTimes         int `json:"negative_lead_times"`
	UnattributedIncidents     int `json:"unattributed_incidents"`
	UnresolvedIncidents       int `json:"unresolved_incidents"`
	FailedAttempts            int `json:"failed_attempts"`
	NonProductionDeployments  int `json:"non_production_deployments"`
	// ChangesWithoutCommitRecord are shipped shas with no commit record, so no lead time.
	ChangesWithoutCommitRecord int `json:"changes_without_commit_record"`
	// ChangesWithoutPullRequest are changes no pull request is known for.
	ChangesWithoutPullRequest int `json:"changes_without_pull_request"`
	// BrokenCausedBy are incidents whose caused_by names no known deployment.
	BrokenCausedBy int `json:"broken_caused_by"`
}
