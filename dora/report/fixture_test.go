package report

import (
	"time"

	"github.com/dorareport/dorareport/dora"
)

// Hostile strings the fixture carries, so that every test renders them.
const (
	xssTitle      = `<img src=x onerror=alert(1)>`
	javascriptURL = `javascript:alert(document.cookie)`
	pipeTitle     = "Fix | pipe\nand newline `code` [link](http://x)"
)

func f(x float64) *float64 { return &x }

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// values builds one scope's metrics from a handful of figures, the way the engine would.
func values(deploys, deployDays int, medianDays float64, leadMedian float64, leadN, failed int, recovery float64, recoveryN, rework int) dora.Values {
	weeks := 13.0
	v := dora.Values{
		DeploymentFrequency: dora.DeploymentFrequency{Deployments: deploys, PerDay: float64(deploys) / (weeks * 7), PerWeek: float64(deploys) / weeks,
			DeployDays: deployDays, MedianDeployDaysPerWeek: medianDays, Weeks: 13, Level: dora.LevelHigh},
		LeadTime:          dora.LeadTime{Quantiles: dora.Quantiles{N: leadN}, Level: dora.LevelHigh},
		ChangeFailureRate: dora.ChangeFailureRate{Deployments: deploys - rework/2, Failed: failed, Level: dora.LevelMedium},
		RecoveryTime:      dora.RecoveryTime{Quantiles: dora.Quantiles{N: recoveryN}, Level: dora.LevelHigh},
		ReworkRate:        dora.ReworkRate{Deployments: deploys, Rework: rework},
	}
	if medianDays >= 5 {
		v.DeploymentFrequency.Level = dora.LevelElite
	}
	if leadN > 0 {
		v.LeadTime.Median, v.LeadTime.P75, v.LeadTime.P90, v.LeadTime.Mean = f(leadMedian), f(leadMedian*2.1), f(leadMedian*4.3), f(leadMedian*1.7)
	} else {
		v.LeadTime.Level = dora.LevelInsufficient
	}
	if d := v.ChangeFailureRate.Deployments; d > 0 {
		v.ChangeFailureRate.Rate = f(float64(failed) / float64(d))
		v.ReworkRate.Rate = f(float64(rework) / float64(deploys))
	}
	if recoveryN > 0 {
		v.RecoveryTime.Median, v.RecoveryTime.P75, v.RecoveryTime.P90 = f(recovery), f(recovery*1.8), f(recovery*3)
	}
	if recoveryN < 5 {
		v.RecoveryTime.Level = dora.LevelInsufficient
	}
	return v
}

// fixture is a hand-built quarter of a small organisation with every section populated.
func fixture() Input {
	cur := &dora.Metrics{
		Since: day("2026-08-31"), Until: day("2026-11-30"), Benchmarks: "dora-2023",
		Overall:     values(212, 61, 5, 19*3600, 640, 14, 2.5*3600, 12, 9),
		Definitions: dora.DefaultDefinitions(),
	}
	cur.Overall.TimeToRestore = dora.TimeToRestore{Quantiles: dora.Quantiles{N: 15, Median: f(5400), P75: f(9000), P90: f(20000)}, Open: 1}
	cur.Overall.RecoveryTime.Open = 2
	cur.Overall.DataQuality = dora.DataQuality{DeploymentsWithoutCommits: 3, UnattributedIncidents: 2, UnresolvedIncidents: 1, FailedAttempts: 17, NonProductionDeployments: 430, ChangesWithoutPullRequest: 12}
	prev := &dora.Metrics{
		Since: day("2026-06-01"), Until: day("2026-08-31"), Benchmarks: "dora-2023",
		Overall: values(188, 58, 4, 27*3600, 560, 9, 4*3600, 8, 11),
	}
	services := []struct {
		key       string
		cur, prev dora.Values
	}{
		{"api", values(96, 55, 4, 11*3600, 300, 6, 3600, 6, 3), values(90, 52, 4, 9*3600, 280, 2, 3000, 2, 4)},
		{"web", values(81, 50, 4, 30*3600, 250, 3, 2*3600, 3, 2), values(70, 44, 3, 40*3600, 200, 5, 5*3600, 5, 4)},
		{"billing | ops\nteam", values(35, 24, 2, 70*3600, 90, 5, 9*3600, 3, 4), values(28, 20, 2, 50*3600, 80, 2, 3*3600, 1, 3)},
	}
	for _, s := range services {
		cur.Groups = append(cur.Groups, dora.Group{By: dora.ByService, Key: s.key, Values: s.cur})
		prev.Groups = append(prev.Groups, dora.Group{By: dora.ByService, Key: s.key, Values: s.prev})
	}
	for w := range 13 {
		period := cur.Since.AddDate(0, 0, 7*w).Format(time.DateOnly)
		deploys := 12 + (w*7)%9
		failed := []int{1, 0, 2, 1, 0, 1, 3, 0, 1, 2, 1, 1, 1}[w]
		v := values(deploys*13, 3+w%3, float64(3+w%3), float64(14+(w*5)%11)*3600, 40+w, failed*13, float64(1+(w%4))*3600, 1, w%2*13)
		// values() counts a quarter; a week's frequency is its own count.
		v.DeploymentFrequency.Deployments, v.DeploymentFrequency.PerWeek = deploys, float64(deploys)
		v.ChangeFailureRate.Deployments, v.ChangeFailureRate.Failed = deploys, failed
		v.ChangeFailureRate.Rate = f(float64(failed) / float64(deploys))
		v.ReworkRate.Deployments, v.ReworkRate.Rework = deploys, w%2
		v.ReworkRate.Rate = f(float64(w%2) / float64(deploys))
		if failed == 0 {
			v.RecoveryTime = dora.RecoveryTime{}
		}
		cur.Series = append(cur.Series, dora.Point{Key: dora.SeriesKeyAll, Period: period, Values: v})
	}
	details := &dora.Details{
		FailedDeployments: []dora.FailedDeployment{
			{ID: "d-412", Service: "api", Environment: "production", SHA: "9f2c4e1a77ab5e01", URL: "https://ci.example.com/deploys/412",
				FinishedAt: at("2026-11-24T14:02:00Z"), Reasons: []string{dora.ReasonIncident}, Incidents: []string{"inc-31"}, RestoredAt: ptime(at("2026-11-24T15:32:00Z")), Recovery: f(5400)},
			{ID: "d-398", Service: "billing | ops\nteam", Environment: "prod-eu", SHA: "77ab5e019f2c4e1a", URL: javascriptURL,
				FinishedAt: at("2026-11-18T09:40:00Z"), Reasons: []string{dora.ReasonRollback}, RemediatedBy: "d-399", RestoredAt: ptime(at("2026-11-18T10:05:00Z")), Recovery: f(1500)},
			{ID: "d-377", Service: "web", Environment: "production", SHA: "5e019f2c4e1a77ab",
				FinishedAt: at("2026-11-03T16:15:00Z"), Reasons: []string{dora.ReasonIncident, dora.ReasonRemediation}, Incidents: []string{"inc-27", "inc-28"}, RemediatedBy: "d-378"},
		},
		SlowestChanges: []dora.Change{
			{Service: "billing | ops\nteam", Repo: "acme/billing", SHA: "aa11bb22cc33dd44", DeploymentID: "d-390", DeployedAt: at("2026-11-12T10:00:00Z"), StartedAt: at("2026-10-01T08:30:00Z"),
				LeadTime: at("2026-11-12T10:00:00Z").Sub(at("2026-10-01T08:30:00Z")).Seconds(), PullRequest: 812, Title: pipeTitle, URL: javascriptURL},
			{Service: "web", Repo: "acme/web", SHA: "bb22cc33dd44ee55", DeploymentID: "d-371", DeployedAt: at("2026-10-30T12:00:00Z"), StartedAt: at("2026-10-14T09:00:00Z"),
				LeadTime: at("2026-10-30T12:00:00Z").Sub(at("2026-10-14T09:00:00Z")).Seconds(), PullRequest: 4410, Title: "Migrate checkout to the new payment API", URL: "https://github.com/acme/web/pull/4410"},
			{Service: "api", Repo: "acme/api", SHA: "cc33dd44ee55ff66", DeploymentID: "d-350", DeployedAt: at("2026-10-20T08:00:00Z"), StartedAt: at("2026-10-09T17:45:00Z"),
				LeadTime: at("2026-10-20T08:00:00Z").Sub(at("2026-10-09T17:45:00Z")).Seconds()},
		},
		Incidents: []dora.IncidentDetail{
			{ID: "inc-19", Service: "web", Title: "Checkout latency above SLO", Severity: "sev3", URL: "https://acme.pagerduty.com/incidents/19", StartedAt: at("2026-09-15T11:00:00Z"), ResolvedAt: ptime(at("2026-09-15T13:30:00Z"))},
			{ID: "inc-27", Service: "web", Title: xssTitle, Severity: "sev2", URL: javascriptURL, StartedAt: at("2026-11-03T16:40:00Z"), ResolvedAt: ptime(at("2026-11-03T18:10:00Z")), DeploymentID: "d-377", Attribution: dora.AttributedByWindow},
			{ID: "inc-28", Service: "web", Title: "5xx spike on /cart", Severity: "sev1", StartedAt: at("2026-11-03T17:05:00Z"), DeploymentID: "d-377", Attribution: dora.AttributedExplicitly},
			{ID: "inc-31", Service: "api", Title: "Token refresh failures", Severity: "sev2", URL: "https://acme.pagerduty.com/incidents/31", StartedAt: at("2026-11-24T14:20:00Z"), ResolvedAt: ptime(at("2026-11-24T15:32:00Z")), DeploymentID: "d-412", Attribution: dora.AttributedExplicitly},
		},
		LeadTimeHistogram: []dora.Bucket{
			{Label: "< 1 h", UpperSeconds: f(3600), Count: 41}, {Label: "1 h – 1 day", UpperSeconds: f(86400), Count: 322},
			{Label: "1 – 7 days", UpperSeconds: f(7 * 86400), Count: 231}, {Label: "7 – 30 days", UpperSeconds: f(30 * 86400), Count: 42},
			{Label: "≥ 30 days", Count: 4},
		},
		Stages: dora.Stages{
			Coding: dora.Quantiles{N: 610, Median: f(6 * 3600), P75: f(20 * 3600), P90: f(60 * 3600)},
			Review: dora.Quantiles{N: 610, Median: f(9 * 3600), P75: f(26 * 3600), P90: f(70 * 3600)},
			Deploy: dora.Quantiles{N: 628, Median: f(2 * 3600), P75: f(5 * 3600), P90: f(20 * 3600)},
		},
	}
	for d := cur.Since; d.Before(cur.Until); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday || d.YearDay()%11 == 0 {
			continue
		}
		details.DeployDays = append(details.DeployDays, dora.DayCount{Day: d.Format(time.DateOnly), Deployments: 1 + d.YearDay()%5})
	}
	return Input{
		Title: "Acme Engineering", Current: cur, Previous: prev, Details: details,
		GeneratedAt: at("2026-11-30T06:00:00Z"),
	}
}

func ptime(t time.Time) *time.Time { return &t }

// emptyFixture is a window with no data at all.
func emptyFixture() Input {
	ins := dora.Level(dora.LevelInsufficient)
	return Input{
		Title: "Empty org",
		Current: &dora.Metrics{Since: day("2026-11-23"), Until: day("2026-11-30"), Benchmarks: "dora-2023",
			Overall: dora.Values{
				DeploymentFrequency: dora.DeploymentFrequency{Weeks: 1, Level: ins},
				LeadTime:            dora.LeadTime{Level: ins}, ChangeFailureRate: dora.ChangeFailureRate{Level: ins},
				RecoveryTime: dora.RecoveryTime{Level: ins},
			},
			Series: []dora.Point{{Key: dora.SeriesKeyAll, Period: "2026-11-23"}},
		},
		GeneratedAt: at("2026-11-30T06:00:00Z"),
	}
}
