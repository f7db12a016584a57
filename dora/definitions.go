package dora

import (
	"fmt"
	"path"
	"strings"
	"time"
)

// LeadTimeStart says which commit time starts the lead-time clock.
type LeadTimeStart string

// The lead-time start options of METRICS.md.
const (
	StartAuthored  LeadTimeStart = "authored"  // survives rebases and amends (the default)
	StartCommitted LeadTimeStart = "committed" // the last rewrite of the commit
)

// Definitions holds every switchable rule of METRICS.md. The zero value means "the defaults":
// each empty field takes the default of DefaultDefinitions, so callers set only what they change.
type Definitions struct {
	// ProductionEnvironments are glob patterns, matched case-insensitively, of the environment
	// names that count as production.
	ProductionEnvironments []string `json:"production_environments" yaml:"production_environments"`
	// IncidentWindow is how long after a deployment an incident of the same service is blamed on it.
	IncidentWindow time.Duration `json:"incident_window" yaml:"incident_window"`
	LeadTimeStart  LeadTimeStart `json:"lead_time_start" yaml:"lead_time_start"`
	// RemediationLabels and RemediationTitlePrefixes recognise the pull requests (reverts and
	// hotfixes) whose deployment remediates the one before it. Both match case-insensitively.
	RemediationLabels        []string `json:"remediation_labels" yaml:"remediation_labels"`
	RemediationTitlePrefixes []string `json:"remediation_title_prefixes" yaml:"remediation_title_prefixes"`
	// Benchmarks names the table of performance levels (see Benchmarks).
	Benchmarks string `json:"benchmarks" yaml:"benchmarks"`
	// Timezone is the IANA zone of calendar buckets: days, ISO weeks and months.
	Timezone string `json:"timezone" yaml:"timezone"`
	// MinSample is the fewest values a metric needs before it is given a performance level.
	MinSample int `json:"min_sample" yaml:"min_sample"`
}

// DefaultDefinitions returns the defaults of METRICS.md.
func DefaultDefinitions() Definitions {
	return Definitions{
		ProductionEnvironments:   []string{"production", "prod", "prod-*", "production-*", "live"},
		IncidentWindow:           48 * time.Hour,
		LeadTimeStart:            StartAuthored,
		RemediationLabels:        []string{"hotfix", "revert", "rollback", "incident"},
		RemediationTitlePrefixes: []string{`Revert "`, "hotfix", "[hotfix]"},
		Benchmarks:               "dora-2023",
		Timezone:                 "UTC",
		MinSample:                5,
	}
}

// WithDefaults returns d with every unset field filled from DefaultDefinitions.
func (d Definitions) WithDefaults() Definitions {
	def := DefaultDefinitions()
	if d.ProductionEnvironments == nil {
		d.ProductionEnvironments = def.ProductionEnvironments
	}
	if d.IncidentWindow == 0 {
		d.IncidentWindow = def.IncidentWindow
	}
	if d.LeadTimeStart == "" {
		d.LeadTimeStart = def.LeadTimeStart
	}
	if d.RemediationLabels == nil {
		d.RemediationLabels = def.RemediationLabels
	}
	if d.RemediationTitlePrefixes == nil {
		d.RemediationTitlePrefixes = def.RemediationTitlePrefixes
	}
	if d.Benchmarks == "" {
		d.Benchmarks = def.Benchmarks
	}
	if d.Timezone == "" {
		d.Timezone = def.Timezone
	}
	if d.MinSample == 0 {
		d.MinSample = def.MinSample
	}
	return d
}

// Validate reports the first setting that cannot be used, naming its configuration key.
func (d Definitions) Validate() error {
	for _, p := range d.ProductionEnvironments {
		if _, err := path.Match(strings.ToLower(p), ""); err != nil {
			return fmt.Errorf("definitions.production_environments: bad pattern %q: %w", p, err)
		}
	}
	if d.IncidentWindow < 0 {
		return fmt.Errorf("definitions.incident_window: must not be negative, got %s", d.IncidentWindow)
	}
	if d.LeadTimeStart != "" && d.LeadTimeStart != StartAuthored && d.LeadTimeStart != StartCommitted {
		return fmt.Errorf("definitions.lead_time_start: %q is neither %q nor %q", d.LeadTimeStart, StartAuthored, StartCommitted)
	}
	if d.Benchmarks != "" {
		if _, ok := benchmarkTables[d.Benchmarks]; !ok {
			return fmt.Errorf("definitions.benchmarks: unknown edition %q (known: %s)", d.Benchmarks, strings.Join(BenchmarkEditions(), ", "))
		}
	}
	if d.Timezone != "" {
		if _, err := time.LoadLocation(d.Timezone); err != nil {
			return fmt.Errorf("definitions.timezone: %w", err)
		}
	}
	if d.MinSample < 0 {
		return fmt.Errorf("definitions.min_sample: must not be negative, got %d", d.MinSample)
	}
	return nil
}

// IsProduction reports whether an environment name is classified as production.
func (d Definitions) IsProduction(environment string) bool {
	env := strings.ToLower(environment)
	for _, p := range d.WithDefaults().ProductionEnvironments {
		if ok, _ := path.Match(strings.ToLower(p), env); ok {
			return true
		}
	}
	return false
}
