// Package github collects deployments, the commits each one shipped, the pull requests behind
// those commits and incidents from GitHub (github.com or GitHub Enterprise Server) into a
// dorareport warehouse.
//
// Collect is incremental and resumable: each repository's progress (cursors, ETags, the newest
// deployment whose range is stored) is kept in the warehouse's sync state and committed in the
// same transaction as the data it describes. A second run sends conditional requests, which
// GitHub answers with 304 Not Modified at no rate-limit cost. All HTTP goes through
// sources/internal/httpx: retries, rate-limit waits, redaction of the token. (The primary and
// secondary limits are handled there rather than with gofri/go-github-ratelimit, which would
// act on the same 403 and 429 answers a second time, and whose waits do not end with the
// context.)
//
// Records are identified as OWNER/NAME/deployments/ID (or runs/ID, releases/ID) and
// OWNER/NAME/issues/NUMBER; an incident issue's "caused by: 1234" line names a deployment of
// its repository by GitHub's id, and "caused by: <sha>" by sha.
package github

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/internal/httpx"
	"github.com/dorareport/dorareport/sources/internal/progress"
)

// The deployment signals a Config can name.
const (
	SignalDeployments  = "deployments"   // the Deployments API, each with its latest status
	SignalWorkflowRuns = "workflow_runs" // runs of the named Actions workflow files
	SignalReleases     = "releases"      // published releases
)

// Config configures a Source; it mirrors the sources.github keys of dorareport.yaml. The zero
// value of every field but Repos is usable.
type Config struct {
	// BaseURL is the API root; empty: https://api.github.com/. GitHub Enterprise Server:
	// https://HOST/api/v3/.
	BaseURL string
	// Token authenticates the requests; TokenEnv names the environment variable it was read
	// from, so that a refused token can be named without being shown.
	Token, TokenEnv string
	// Repos are the repositories to collect, as "owner/name".
	Repos []string
	// Deployments is the deployment signal: SignalDeployments (default), SignalWorkflowRuns or
	// SignalReleases.
	Deployments string
	// Workflows are the workflow file names (deploy.yml) whose runs are deployments, with
	// SignalWorkflowRuns.
	Workflows []string
	// Environment is the environment of workflow runs and releases, which carry none; empty:
	// "production".
	Environment string
	// IncidentLabels are the issue labels that make an issue an incident; nil: ["incident"].
	// An empty, non-nil slice collects no incidents.
	IncidentLabels []string
	// Since bounds the first collection of a repository: older deployments and incidents are
	// left out. Zero: everything.
	Since time.Time
	// Parallel is how many repositories are collected at once; 0: 4.
	Parallel int
	// MaxWait is the longest a rate limit may make the collection wait before it stops with an
	// error naming the reset time; 0: 15 minutes.
	MaxWait time.Duration
	// Version is the dorareport version sent in the User-Agent.
	Version string
	// Progress receives a progress line (repos done, requests, rate limit left), redrawn in
	// place; nil: none. Give it stderr only when stderr is a terminal.
	Progress io.Writer
	// Logger receives what the collection does; nil: discard.
	Logger *slog.Logger
	// Transport sends the requests (a proxy, a test double); nil: http.DefaultTransport.
	Transport http.RoundTripper
}

// A Source collects one GitHub configuration. It implements dora.Collector.
type Source struct {
	cfg    Config
	http   *httpx.Transport
	client *gh.Client
	log    *slog.Logger

	writeMu sync.Mutex // one warehouse transaction at a time: repositories are collected in parallel
}

var _ dora.Collector = (*Source)(nil)

// New returns a Source for cfg. A bad BaseURL or deployment signal is reported by Collect.
func New(cfg Config) *Source {
	if cfg.Deployments == "" {
		cfg.Deployments = SignalDeployments
	}
	if cfg.Environment == "" {
		cfg.Environment = "production"
	}
	if cfg.IncidentLabels == nil {
		cfg.IncidentLabels = []string{"incident"}
	}
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
		Source: "github", TokenEnv: cfg.TokenEnv, Secrets: secrets, Logger: cfg.Logger})
	client := gh.NewClient(t.Client())
	if cfg.Token != "" {
		client = client.WithAuthToken(cfg.Token)
	}
	return &Source{cfg: cfg, http: t, client: client, log: cfg.Logger}
}

// Name is the source name under which records and sync state are kept.
func (s *Source) Name() string { return "github" }

// Stats counts the requests sent so far.
func (s *Source) Stats() httpx.Stats { return s.http.Stats() }

// Collect pulls every configured repository into db, a few at a time. A repository that fails
// does not stop the others; the errors are joined. What was committed stays, and the next run
// resumes from there.
func (s *Source) Collect(ctx context.Context, db *dora.DB) error {
	if err := s.configure(); err != nil {
		return err
	}
	p := progress.Start(s.cfg.Progress, "github", "repos", len(s.cfg.Repos), s.http)
	defer p.Finish()

	sem := make(chan struct{}, s.cfg.Parallel)
	errs := make([]error, len(s.cfg.Repos))
	var wg sync.WaitGroup
	for i, repo := range s.cfg.Repos {
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
			errs[i] = s.collectRepo(ctx, db, repo)
			p.Done()
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	return errors.Join(errs...)
}

// configure checks the configuration and points the client at BaseURL.
func (s *Source) configure() error {
	switch s.cfg.Deployments {
	case SignalDeployments, SignalReleases:
	case SignalWorkflowRuns:
		if len(s.cfg.Workflows) == 0 {
			return fmt.Errorf("deployments: workflow_runs needs at least one workflow file in workflows")
		}
	default:
		return fmt.Errorf("deployments: unknown signal %q (want deployments, workflow_runs or releases)", s.cfg.Deployments)
	}
	for _, repo := range s.cfg.Repos {
		if owner, name, ok := strings.Cut(repo, "/"); !ok || owner == "" || name == "" || strings.Contains(name, "/") {
			return fmt.Errorf("repos: %q is not owner/name", repo)
		}
	}
	if s.cfg.BaseURL != "" {
		base := s.cfg.BaseURL
		if !strings.HasSuffix(base, "/") {
			base += "/"
		}
		u, err := s.client.BaseURL.Parse(base)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("base_url: %q is not an http(s) URL", s.cfg.BaseURL)
		}
		s.client.BaseURL = u
	}
	return nil
}

// fail turns an error of a GitHub call into one that says what and where, without secrets.
func (s *Source) fail(what, repo string, err error) error {
	err = httpx.Clean(err)
	var rle *gh.RateLimitError
	if errors.As(err, &rle) {
		// go-github refused to send because the budget it tracks is spent for longer than
		// the transport was allowed to wait.
		e := &httpx.RateLimitError{Method: http.MethodGet, Reset: rle.Rate.Reset.Time, MaxWait: cmp.Or(s.cfg.MaxWait, 15*time.Minute)}
		if rle.Response != nil && rle.Response.Request != nil {
			e.Method, e.URL = rle.Response.Request.Method, httpx.RedactURL(rle.Response.Request.URL)
		}
		err = e
	}
	var se *httpx.StatusError
	if errors.As(err, &se) && se.Status == http.StatusNotFound {
		// GitHub answers 404, not 403, for a private repository the token cannot see.
		return fmt.Errorf("%s %s: %w (is the repository named right, and can the token%s read it?)", what, repo, err, envNote(s.cfg.TokenEnv))
	}
	return fmt.Errorf("%s %s: %w", what, repo, err)
}

func envNote(env string) string {
	if env == "" {
		return ""
	}
	return " in $" + env
}
