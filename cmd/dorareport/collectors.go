package main

import (
	"io"
	"log/slog"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/internal/config"
	"github.com/dorareport/dorareport/sources/github"
	"github.com/dorareport/dorareport/sources/gitlab"
	"github.com/dorareport/dorareport/sources/opsgenie"
	"github.com/dorareport/dorareport/sources/pagerduty"
)

// collectorEnv is what a constructor gets to build its source's collector.
type collectorEnv struct {
	cfg      *config.Config
	token    string    // read from the variable the source's token_env names; may be empty
	since    time.Time // --since: how far back a first sync reaches; zero: the source's default
	progress io.Writer // stderr when it is a terminal, else nil
	log      *slog.Logger
}

// A constructor builds the collector of one source from the configuration.
type constructor func(env collectorEnv) (dora.Collector, error)

// constructors holds the sources this build can collect from, by their key under sources:.
// A configured source without an entry is reported by collect as unsupported.
var constructors = map[string]constructor{
	"github": func(env collectorEnv) (dora.Collector, error) {
		c := env.cfg.Sources.GitHub
		return github.New(github.Config{
			BaseURL: c.BaseURL, Token: env.token, TokenEnv: c.TokenEnv,
			Repos: c.Repos, Deployments: c.Deployments, Workflows: c.Workflows, Environment: c.Environment,
			IncidentLabels: c.IncidentLabels,
			Since:          env.since, Version: buildVersion(), Progress: env.progress, Logger: env.log,
		}), nil
	},
	"gitlab": func(env collectorEnv) (dora.Collector, error) {
		c := env.cfg.Sources.GitLab
		return gitlab.New(gitlab.Config{
			BaseURL: c.BaseURL, Token: env.token, TokenEnv: c.TokenEnv,
			Projects: c.Projects, Definitions: env.cfg.Definitions,
			Since: env.since, Version: buildVersion(), Progress: env.progress, Logger: env.log,
		}), nil
	},
	"pagerduty": func(env collectorEnv) (dora.Collector, error) {
		c := env.cfg.Sources.PagerDuty
		return pagerduty.New(pagerduty.Config{
			BaseURL: c.BaseURL, Token: env.token, TokenEnv: c.TokenEnv,
			Services: c.Services,
			Since:    env.since, Version: buildVersion(), Progress: env.progress, Logger: env.log,
		}), nil
	},
	"opsgenie": func(env collectorEnv) (dora.Collector, error) {
		c := env.cfg.Sources.Opsgenie
		return opsgenie.New(opsgenie.Config{
			BaseURL: c.BaseURL, Token: env.token, TokenEnv: c.TokenEnv,
			Services: c.Services, ServiceProperty: c.ServiceProperty, AlertsTag: c.AlertsTag,
			Since: env.since, Version: buildVersion(), Progress: env.progress, Logger: env.log,
		}), nil
	},
}

// A configuredSource is one entry under sources: in the configuration.
type configuredSource struct {
	name     string // github, gitlab, pagerduty, opsgenie
	tokenEnv string
}

// configuredSources lists the configured sources in a fixed order, so runs are repeatable.
func configuredSources(cfg *config.Config) []configuredSource {
	var list []configuredSource
	s := cfg.Sources
	if s.GitHub != nil {
		list = append(list, configuredSource{"github", s.GitHub.TokenEnv})
	}
	if s.GitLab != nil {
		list = append(list, configuredSource{"gitlab", s.GitLab.TokenEnv})
	}
	if s.PagerDuty != nil {
		list = append(list, configuredSource{"pagerduty", s.PagerDuty.TokenEnv})
	}
	if s.Opsgenie != nil {
		list = append(list, configuredSource{"opsgenie", s.Opsgenie.TokenEnv})
	}
	return list
}
