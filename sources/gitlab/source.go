// Package gitlab collects deployments, the commits each one shipped, the merge requests behind
// those commits and incidents from GitLab (gitlab.com or a self-managed instance) into a
// dorareport warehouse.
//
// It is built on gitlab.com/gitlab-org/api/client-go, the maintained continuation of the
// archived github.com/xanzy/go-gitlab. All HTTP goes through sources/internal/httpx: retries,
// RateLimit-* and Retry-After waits, conditional requests, redaction of the token; client-go's
// own retries and rate limiter are switched off so that nothing is retried or throttled twice.
// Lists whose items embed commits (deployments, compares, merge request commits) are decoded into
// small structs of their own, since client-go's Commit cannot decode a repeated trailer.
//
// What is collected, per project:
//
//   - Deployments of every environment, listed by updated_at since the last run. Status maps as
//     success → success, failed → failure, canceled and skipped → cancelled, and created,
//     running and blocked → in_progress. GitLab keeps no finish time on a deployment: FinishedAt
//     is its deployable job's finished_at, and when there is no job (a deployment created through
//     the API) the deployment's updated_at. Source says which: "gitlab" for the job's time,
//     "gitlab:updated_at" for the fallback, so data quality can count the approximate ones.
//     Tier is dora.TierProduction when GitLab's environment tier is production.
//   - What each successful production deployment shipped: the compare from the previous
//     successful deployment of the same environment (by finish time) to it, with each commit's
//     authored and committed time and parents. The first deployment of an environment has no
//     predecessor, so its range is unknown (Commits nil). Ranges of other environments are not
//     fetched: no metric reads them.
//   - Merged merge requests, listed by updated_at since the last run: title, labels, created and
//     merged times, and the merge commit (for a squash merge, the squash commit, whose lead time
//     then starts at the merge request's first commit, read with one request per squash merge).
//   - Incidents: issues of type incident, opened at created_at and resolved at closed_at, with
//     GitLab's severity; a line "caused by: <deployment iid, id or sha>" in the description names
//     the deployment (an abbreviated sha is completed from the project's deployments).
//
// Records carry the project's path as their repository; a deployment names no service of its
// own, so the warehouse's services decide (a project that no service lists is its own service).
// Deployment ids are "<project path>/deployments/<iid>", the number GitLab shows on the
// environment page.
//
// Collect is incremental and resumable: each project's cursors are kept in the warehouse's sync
// state and committed in the same transaction as the data they describe, so an interrupted run
// loses nothing and the next one continues where it stopped.
package gitlab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/internal/httpx"
	"github.com/dorareport/dorareport/sources/internal/progress"
)

// DefaultBaseURL is the API root of gitlab.com.
const DefaultBaseURL = "https://gitlab.com/api/v4"

// Config configures a Source; it mirrors the sources.gitlab keys of dorareport.yaml. The zero
// value of every field but Projects is usable.
type Config struct {
	// BaseURL is the API root; empty: https://gitlab.com/api/v4. Self-managed:
	// https://HOST/api/v4 (a URL without the /api/v4 suffix gets it added).
	BaseURL string
	// Token authenticates the requests; TokenEnv names the environment variable it was read
	// from, so that a refused token can be named without being shown.
	Token, TokenEnv string
	// Projects are the projects to collect, as numeric ids or "group/subgroup/project" paths.
	Projects []string
	// Definitions classify environment names as production (ProductionEnvironments); the zero
	// value uses the defaults of METRICS.md. Only production deployments get their shipped range.
	Definitions dora.Definitions
	// Since bounds the first collection of a project: deployments, merge requests and incidents
	// last updated before it are left out. Zero: everything.
	Since time.Time
	// Parallel is how many projects are collected at once; 0: 4.
	Parallel int
	// MaxWait is the longest a rate limit may make the collection wait before it stops with an
	// error naming the reset time; 0: 15 minutes.
	MaxWait time.Duration
	// Version is the dorareport version sent in the User-Agent.
	Version string
	// Progress receives a progress line (projects done, requests, rate limit left), redrawn in
	// place; nil: none. Give it stderr only when stderr is a terminal.
	Progress io.Writer
	// Logger receives what the collection does; nil: discard.
	Logger *slog.Logger
	// Transport sends the requests (a proxy, a test double); nil: http.DefaultTransport.
	Transport http.RoundTripper
}

// A Source collects one GitLab configuration. It implements dora.Collector.
type Source struct {
	cfg    Config
	http   *httpx.Transport
	client *gl.Client
	err    error // a configuration error, reported by Collect
	log    *slog.Logger

	writeMu sync.Mutex // one warehouse transaction at a time: projects are collected in parallel
}

var _ dora.Collector = (*Source)(nil)

// New returns a Source for cfg. A bad BaseURL or project is reported by Collect.
func New(cfg Config) *Source {
	if cfg.Parallel <= 0 {
		cfg.Parallel = 4
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	var secrets []string
	if cfg.Token != "" {
		secrets = []string{cfg.Token}
	}
	t := httpx.New(httpx.Options{Base: cfg.Transport, Version: cfg.Version, MaxWait: cfg.MaxWait,
		Source: "gitlab", TokenEnv: cfg.TokenEnv, Secrets: secrets, Logger: cfg.Logger})
	s := &Source{cfg: cfg, http: t, log: cfg.Logger}
	base, err := apiRoot(cfg.BaseURL)
	if err != nil {
		s.err = err
		return s
	}
	var auth gl.AuthSource = gl.AccessTokenAuthSource{Token: cfg.Token}
	if cfg.Token == "" {
		auth = gl.Unauthenticated{} // public projects; an empty PRIVATE-TOKEN would be refused
	}
	s.client, s.err = gl.NewAuthSourceClient(auth,
		gl.WithBaseURL(base),
		gl.WithHTTPClient(t.Client()),
		gl.WithoutRetries(),                 // httpx retries
		gl.WithCustomLimiter(unlimited{}),   // httpx waits for RateLimit-* and Retry-After
		gl.WithUserAgent(t.UserAgent()),     // httpx sets it too; keep client-go's from showing
		gl.WithURLWarningLogger(cfg.Logger), // not slog.Default
	)
	if s.err != nil {
		s.err = fmt.Errorf("gitlab: base_url: %w", s.err)
	}
	return s
}

// unlimited is a rate limiter that never waits: httpx already honours the server's budget.
type unlimited struct{}

func (unlimited) Wait(context.Context) error { return nil }

// apiRoot checks BaseURL and gives it the /api/v4 suffix.
func apiRoot(raw string) (string, error) {
	if raw == "" {
		return DefaultBaseURL, nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("gitlab: base_url: %q is not an http(s) URL", raw)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	if !strings.HasSuffix(u.Path, "/api/v4") {
		u.Path += "/api/v4"
	}
	return u.String(), nil
}

// Name is the source name under which sync state is kept.
func (s *Source) Name() string { return "gitlab" }

// Stats counts the requests sent so far.
func (s *Source) Stats() httpx.Stats { return s.http.Stats() }

// Collect pulls every configured project into db, a few at a time. It stops at the first error;
// what was committed before it stays, and the next run resumes from there.
func (s *Source) Collect(ctx context.Context, db *dora.DB) error {
	if err := s.configure(); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	p := progress.Start(s.cfg.Progress, "gitlab", "projects", len(s.cfg.Projects), s.http)
	defer p.Finish()

	sem := make(chan struct{}, s.cfg.Parallel)
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for _, project := range s.cfg.Projects {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := s.collectProject(ctx, db, project); err != nil {
				once.Do(func() { first = err; cancel() })
				return
			}
			p.Done()
		}()
	}
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}

// configure reports what New could not use and checks the projects.
func (s *Source) configure() error {
	if s.err != nil {
		return s.err
	}
	if err := s.cfg.Definitions.Validate(); err != nil {
		return fmt.Errorf("gitlab: %w", err)
	}
	seen := map[string]bool{}
	for _, p := range s.cfg.Projects {
		if strings.TrimSpace(p) != p || p == "" || strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") || strings.Contains(p, "//") {
			return fmt.Errorf("gitlab: projects: %q is neither a project id nor a group/project path", p)
		}
		if seen[p] {
			return fmt.Errorf("gitlab: projects: %q is listed twice", p)
		}
		seen[p] = true
	}
	return nil
}

// fail turns an error of a GitLab call into one that says what and where, without secrets.
func (s *Source) fail(what, project string, err error) error {
	err = httpx.Clean(err)
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("gitlab: %s %s: %w", what, project, err)
}

// status reports the HTTP status of a refused request, or 0.
func status(err error) int {
	var se *httpx.StatusError
	if errors.As(err, &se) {
		return se.Status
	}
	return 0
}
