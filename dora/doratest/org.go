package doratest

import (
	"fmt"
	"math"
	"time"

	"github.com/dorareport/dorareport/dora"
)

// An Org describes a synthetic organisation. Every record Generate writes is derived from these
// fields alone, so the same Org always yields the same rows. A zero knob takes the default named
// in its comment; a negative rate turns the phenomenon off.
type Org struct {
	Seed       int64
	Start, End time.Time // the history covers [Start, End); zero End: Start plus a year

	Teams    int // default 4
	Services int // default 8
	// MonorepoServices services share one repository (acme/platform) and mark their commits with
	// Commit.Service; default 3 when there are at least 6 services, else none.
	MonorepoServices int
	// MultiRegionServices services deploy every production rollout to prod-eu and then prod-us
	// with the same sha; the others deploy to "production". Default 1.
	MultiRegionServices int

	// DeploysPerServicePerWeek is the mean number of successful production deployments per
	// service per week (counting every region); teams spread around it from several a day to
	// weekly. Default 5.
	DeploysPerServicePerWeek float64
	PullRequestsPerDeploy    float64 // mean merges shipped by a planned deployment; default 2.8
	CommitsPerPR             float64 // mean commits on a pull request's branch; default 3
	SquashShare              float64 // share of teams whose repositories squash-merge; default 0.5
	DirectPushRate           float64 // share of changes pushed to main without a pull request; default 0.05

	StagingRate        float64 // share of rollouts first deployed to staging; default 1
	FailedAttemptRate  float64 // production attempts that fail or are cancelled before a success; default 0.05
	UnknownCommitsRate float64 // deployments whose source lists no commits (the graph decides); default 0.05

	// BadDeployRate is the share of planned deployments that need intervention; each bad one is
	// followed by a remediation picked by the weights below and, sometimes, an incident.
	BadDeployRate float64 // default 0.1
	RollbackRate  float64 // weight of rollbacks to the previous sha; default 0.3
	HotfixRate    float64 // weight of hotfix pull requests (label hotfix); default 0.25
	RevertRate    float64 // weight of revert pull requests (title Revert "…"); default 0.2
	UnplannedRate float64 // weight of early redeploys marked unplanned; default 0.15
	// IncidentRate is the share of bad deployments that open an incident; half of those name the
	// deployment in caused_by, the others start within the attribution window. Default 0.5.
	IncidentRate float64
	// QuietIncidentRate is the chance that a gap of more than two days between deployments of a
	// service holds an incident no deployment caused. Default 0.1.
	QuietIncidentRate float64

	// ChunkDeployments bounds one Write transaction: Generate commits after about this many
	// deployments (and everything they shipped). Default 500000: each transaction looks up the
	// records it replaces among all stored ones, and fewer, larger ones ingest a million
	// deployments a fifth faster in the same memory.
	ChunkDeployments int
}

// DemoOrg is a year of history ending at now (truncated to the minute): four teams, eight
// services including a monorepo of three services and one service deployed to two regions.
func DemoOrg(now time.Time) Org {
	end := now.UTC().Truncate(time.Minute)
	return Org{Seed: 2024, Start: end.AddDate(-1, 0, 0), End: end, Teams: 4, Services: 8, MonorepoServices: 3, MultiRegionServices: 1}
}

// ScaledEnd is the end of the history of a Scaled org, fixed so that benchmarks are repeatable.
var ScaledEnd = time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)

// Scaled is an org of one year with about deployments successful production deployments and
// about ten commits per deployment, spread over as many services as a cadence of five
// deployments a week needs.
func Scaled(deployments int) Org {
	o := Org{Seed: 1, Start: ScaledEnd.AddDate(-1, 0, 0), End: ScaledEnd}
	weeks := o.End.Sub(o.Start).Hours() / (24 * 7)
	o.Services = max(1, int(math.Round(float64(deployments)/(5*weeks))))
	o.Teams = max(1, (o.Services+4)/5)
	o.DeploysPerServicePerWeek = float64(deployments) / (float64(o.Services) * weeks)
	if o.Services < 6 {
		o.MonorepoServices = -1
	}
	return o
}

// withDefaults fills every zero knob.
func (o Org) withDefaults() Org {
	if o.Start.IsZero() {
		o.Start = ScaledEnd.AddDate(-1, 0, 0)
	}
	o.Start = o.Start.UTC()
	if o.End.IsZero() {
		o.End = o.Start.AddDate(1, 0, 0)
	}
	o.End = o.End.UTC()
	def := func(v *float64, d float64) {
		switch {
		case *v == 0:
			*v = d
		case *v < 0:
			*v = 0
		}
	}
	defInt := func(v *int, d int) {
		switch {
		case *v == 0:
			*v = d
		case *v < 0:
			*v = 0
		}
	}
	defInt(&o.Teams, 4)
	defInt(&o.Services, 8)
	o.Teams = max(1, min(o.Teams, o.Services))
	monorepo := 0
	if o.Services >= 6 {
		monorepo = 3
	}
	defInt(&o.MonorepoServices, monorepo)
	if o.MonorepoServices < 2 {
		o.MonorepoServices = 0
	}
	o.MonorepoServices = min(o.MonorepoServices, o.Services)
	defInt(&o.MultiRegionServices, 1)
	o.MultiRegionServices = min(o.MultiRegionServices, o.Services)
	def(&o.DeploysPerServicePerWeek, 5)
	def(&o.PullRequestsPerDeploy, 2.8)
	o.PullRequestsPerDeploy = max(o.PullRequestsPerDeploy, 1)
	def(&o.CommitsPerPR, 3)
	o.CommitsPerPR = max(o.CommitsPerPR, 1)
	def(&o.SquashShare, 0.5)
	def(&o.DirectPushRate, 0.05)
	def(&o.StagingRate, 1)
	def(&o.FailedAttemptRate, 0.05)
	def(&o.UnknownCommitsRate, 0.05)
	def(&o.BadDeployRate, 0.1)
	def(&o.RollbackRate, 0.3)
	def(&o.HotfixRate, 0.25)
	def(&o.RevertRate, 0.2)
	def(&o.UnplannedRate, 0.15)
	def(&o.IncidentRate, 0.5)
	def(&o.QuietIncidentRate, 0.1)
	defInt(&o.ChunkDeployments, 500000)
	o.ChunkDeployments = max(o.ChunkDeployments, 1)
	return o
}

// The layout of an org: who owns what, and how each repository merges and deploys.
type team struct {
	name   string
	squash bool
	offset time.Duration // working hours are 09:00–18:00 at UTC+offset
	pace   float64       // multiple of DeploysPerServicePerWeek
}

type service struct {
	index        int
	name         string
	team         *team
	environments []string // production environments, deployed in this order per rollout
	paths        []string
}

// repo is the unit of generation: one repository and the services that deploy it.
type repo struct {
	index    int
	name     string // owner/name
	services []*service
}

var (
	teamNames    = []string{"platform", "payments", "growth", "identity", "search", "mobile", "data", "checkout"}
	serviceNames = []string{"api", "web", "payments", "auth", "search", "notifications", "billing", "checkout",
		"catalog", "inventory", "gateway", "orders", "accounts", "reports", "shipping", "ledger"}
	// Team paces from several deployments a day to about weekly; normalised to a mean of 1.
	teamPaces   = []float64{3, 1, 0.45, 0.25, 1.5, 0.6}
	teamOffsets = []time.Duration{0, -5 * time.Hour, 1 * time.Hour, -8 * time.Hour, 5*time.Hour + 30*time.Minute}
)

func indexedName(names []string, i int) string {
	if i < len(names) {
		return names[i]
	}
	return fmt.Sprintf("%s-%d", names[i%len(names)], i/len(names)+1)
}

// layout derives teams, services and repositories from o (with defaults applied).
func (o Org) layout() []*repo {
	teams := make([]*team, o.Teams)
	squashTeams := int(math.Round(o.SquashShare * float64(o.Teams)))
	if o.Teams >= 2 && o.SquashShare > 0 && o.SquashShare < 1 {
		squashTeams = min(max(squashTeams, 1), o.Teams-1) // keep both merge styles present
	}
	for i := range teams {
		teams[i] = &team{
			name:   indexedName(teamNames, i),
			squash: i%o.Teams < squashTeams,
			offset: teamOffsets[i%len(teamOffsets)],
			pace:   teamPaces[i%len(teamPaces)],
		}
	}
	services := make([]*service, o.Services)
	var paceSum float64
	for i := range services {
		s := &service{index: i, name: indexedName(serviceNames, i), team: teams[i%o.Teams], environments: []string{"production"}}
		if i >= o.Services-o.MultiRegionServices {
			s.environments = []string{"prod-eu", "prod-us"}
		}
		paceSum += s.team.pace
		services[i] = s
	}
	// Normalise the paces so the org deploys DeploysPerServicePerWeek on average.
	for _, t := range teams {
		t.pace *= float64(o.Services) / paceSum
	}
	var repos []*repo
	next := 0
	if o.MonorepoServices > 0 {
		r := &repo{name: "acme/platform"}
		for _, s := range services[:o.MonorepoServices] {
			s.paths = []string{"services/" + s.name + "/**"}
			r.services = append(r.services, s)
		}
		repos = append(repos, r)
		next = o.MonorepoServices
	}
	for _, s := range services[next:] {
		repos = append(repos, &repo{index: len(repos), name: "acme/" + s.name, services: []*service{s}})
	}
	return repos
}

// Services is the teams-and-services mapping of the org, as a configuration would state it.
func Services(org Org) []dora.Service {
	o := org.withDefaults()
	var out []dora.Service
	for _, r := range o.layout() {
		for _, s := range r.services {
			out = append(out, dora.Service{Name: s.name, Team: s.team.name, Repos: []string{r.name}, Paths: s.paths})
		}
	}
	return out
}
