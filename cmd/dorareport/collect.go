package main

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/internal/config"
	"github.com/spf13/cobra"
)

func (a *app) collectCommand() *cobra.Command {
	var (
		store storeFlags
		since string
	)
	cmd := &cobra.Command{
		Use:   "collect",
		Short: "Pull deployments, changes and incidents from every configured source",
		Long: `Pull from every source of the configuration, one after the other, incrementally: a second run
fetches only what changed since the first. Tokens are read from the environment variable each
source's token_env names (GITHUB_TOKEN, GITLAB_TOKEN, PAGERDUTY_TOKEN, OPSGENIE_TOKEN by default).
Credentials a source refuses give exit code 4.`,
		Example: `  GITHUB_TOKEN=... dorareport collect
  dorareport collect --config team.yaml --since 2024-01-01`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			var from time.Time
			if since != "" {
				var err error
				if from, err = parseDate("--since", since); err != nil {
					return err
				}
			}
			cfg, err := a.loadConfig(cmd, store)
			if err != nil {
				return err
			}
			if cfg == nil {
				return usagef("collect needs a configuration: there is no %s here; give --config FILE", defaultConfig)
			}
			sources := configuredSources(cfg)
			if len(sources) == 0 {
				return usagef("%s configures no sources (add github, gitlab, pagerduty or opsgenie under sources:)", cfg.File())
			}
			collectors, err := a.collectors(cfg, sources, from)
			if err != nil {
				return err
			}
			db, err := a.open(ctx, cmd, store, cfg, false)
			if err != nil {
				return err
			}
			defer db.Close()
			var errs []error
			for i, c := range collectors {
				start := time.Now()
				a.log.Info("collecting", "source", c.Name())
				err := c.Collect(ctx, db)
				if ctx.Err() != nil {
					return err
				}
				if err != nil {
					err = authHint(err, sources[i].tokenEnv)
					a.log.Warn("failed; going on with the other sources", "source", c.Name())
					errs = append(errs, fmt.Errorf("%s: %w", c.Name(), err))
					continue // the other sources' data is still worth having
				}
				a.log.Info("collected", "source", c.Name(), "took", time.Since(start).Round(time.Millisecond))
			}
			a.index(ctx, db, definitions(cfg))
			return errors.Join(errs...)
		},
	}
	store.register(cmd)
	cmd.Flags().StringVar(&since, "since", "", "how far back a first sync reaches: a `DATE` (YYYY-MM-DD) or RFC 3339 time (default: each source's own)")
	return cmd
}

// collectors builds a collector for every configured source, or says which configured sources
// this build cannot collect from.
func (a *app) collectors(cfg *config.Config, sources []configuredSource, since time.Time) ([]dora.Collector, error) {
	var unsupported []string
	for _, s := range sources {
		if constructors[s.name] == nil {
			unsupported = append(unsupported, fmt.Sprintf("sources.%s (%s)", s.name, cfg.Where("sources."+s.name)))
		}
	}
	if len(unsupported) > 0 {
		return nil, usagef("this build of dorareport cannot collect from %s; it supports: %s",
			strings.Join(unsupported, ", "), supportedSources())
	}
	var list []dora.Collector
	for _, s := range sources {
		token := a.getenv(s.tokenEnv)
		if token == "" {
			a.log.Warn("no token: the variable is empty", "source", s.name, "token_env", s.tokenEnv)
		}
		env := collectorEnv{cfg: cfg, token: token, since: since, log: a.log.With("source", s.name)}
		if isTerminal(a.stderr) {
			env.progress = a.stderr
		}
		c, err := constructors[s.name](env)
		if err != nil {
			return nil, usageError{fmt.Errorf("sources.%s (%s): %w", s.name, cfg.Where("sources."+s.name), err)}
		}
		list = append(list, c)
	}
	return list, nil
}

func supportedSources() string {
	names := slices.Sorted(maps.Keys(constructors))
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// authHint makes sure a refusal of credentials names the variable the token came from.
func authHint(err error, tokenEnv string) error {
	if !errors.Is(err, dora.ErrAuth) || tokenEnv == "" {
		return err
	}
	var ae *dora.AuthError
	if errors.As(err, &ae) && ae.TokenEnv == "" {
		ae.TokenEnv = tokenEnv
	}
	if strings.Contains(err.Error(), tokenEnv) {
		return err
	}
	return fmt.Errorf("%w; check the token in $%s", err, tokenEnv)
}
