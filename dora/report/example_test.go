package report_test

import (
	"os"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/dora/report"
)

// A week's digest from metrics computed elsewhere (db.Metrics and db.Details in practice).
func ExampleMarkdown() {
	rate, median := 0.1, 5400.0
	m := &dora.Metrics{
		Since: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), Until: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC),
		Benchmarks: "dora-2023",
		Overall: dora.Values{
			DeploymentFrequency: dora.DeploymentFrequency{Deployments: 10, PerDay: 10.0 / 7, PerWeek: 10, DeployDays: 5, MedianDeployDaysPerWeek: 5, Level: dora.LevelElite},
			LeadTime:            dora.LeadTime{Quantiles: dora.Quantiles{N: 3, Median: &median}, Level: dora.LevelInsufficient},
			ChangeFailureRate:   dora.ChangeFailureRate{Deployments: 10, Failed: 1, Rate: &rate, Level: dora.LevelHigh},
		},
	}
	err := report.Markdown(os.Stdout, report.Input{Title: "Platform team", Current: m, GeneratedAt: m.Until})
	if err != nil {
		panic(err)
	}
	// Output:
	// # Platform team
	//
	// **23–29 Nov 2026** (7 days) · benchmarks **dora-2023** · default definitions · generated 30 Nov 2026 00:00 UTC
	//
	// ## Headline
	//
	// | Metric | Value | n | Level | vs previous |
	// | --- | --: | --: | --- | --- |
	// | Deployment frequency | **1.4 / day** | 10 deployments | Elite | no previous period |
	// | Change lead time | **1.5 h** | 3 changes | Insufficient data | no previous period |
	// | Change fail rate | **10%** | 10 deployments | High | no previous period |
	// | Failed deployment recovery time | _no failures_ | 0 recoveries | — | no previous period |
	// | Deployment rework rate | _no deployments_ | 0 deployments | not benchmarked | no previous period |
	// | Time to restore service | _no resolved incidents_ | 0 incidents | — | — |
	//
	// ## Failed deployments
	//
	// _1 deployment failed; this report was made without the details to list them._
	//
	// ## Data quality
	//
	// No gaps found: every deployment has its commits and every incident its place.
	//
	// ## Methodology
	//
	// Deployments are successful deployments to production (environments matching `production`, `prod`, `prod-*`, `production-*`, `live`). Lead time runs from each commit's authored time (a squash merge's from its pull request's first commit) to its first production deployment. A deployment failed when an incident is attributed to it (explicitly, or the latest deployment of the service within 48 h before the incident), it was rolled back, or a hotfix or revert (labels `hotfix`, `revert`, `rollback`, `incident`; title prefixes `Revert "`, `hotfix`, `[hotfix]`) remediated it. Levels follow the dora-2023 benchmarks (State of DevOps 2023 cluster medians) and need at least 5 values. Medians and percentiles are interpolated; calendar days and weeks are in UTC.
}
