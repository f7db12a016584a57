package pagerduty

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/internal/httpx"
)

// DefaultBaseURL is PagerDuty's REST API; accounts in the EU service region use
// https://api.eu.pagerduty.com.
const DefaultBaseURL = "https://api.pagerduty.com"

// DefaultHistory is how far back the first collection reaches when Config.Since is zero.
const DefaultHistory = 365 * 24 * time.Hour

// Config configures a Source; it mirrors the sources.pagerduty keys of dorareport.yaml
// (base_url, token_env, services). The zero value of every field but Token and Services is
// usable.
type Config struct {
	// BaseURL is the API root; empty: DefaultBaseURL.
	BaseURL string
	// Token is a REST API key; TokenEnv names the environment variable it was read from, so
	// that a refused token can be named without being shown.
	Token, TokenEnv string
	// Services maps PagerDuty service ids (PABC123) to dorareport service names. Only these
	// services are collected.
	Services map[string]string
	// Since bounds the first collection of a service; zero: DefaultHistory before Until.
	Since time.Time
	// Until is the end of the collection; zero: now.
	Until time.Time
	// Overlap is how far before the stored cursor a run lists again, for incidents that reach
	// the list late; 0: 1h.
	Overlap time.Duration
	// ChangeWindow is how long before an incident a change event naming a sha links the
	// incident to that sha (see the package documentation); 0: 1h.
	ChangeWindow time.Duration
	// MaxWait is the longest a rate limit may make the collection wait before it stops with an
	// error naming the reset time; 0: 15 minutes.
	MaxWait time.Duration
	// Version is the dorareport version sent in the User-Agent.
	Version string
	// Progress receives a progress line, redrawn in place; nil: none. Give it stderr only when
	// stderr is a terminal.
	Progress io.Writer
	// Logger receives what the collection does; nil: discard.
	Logger *slog.Logger
	// Transport sends the requests (a proxy, a test double); nil: http.DefaultTransport.
	Transport http.RoundTripper
}

// A Source collects the incidents of one PagerDuty account. It implements dora.Collector.
type Source struct {
	cfg    Config
	http   *httpx.Transport
	client *http.Client
	base   *url.URL
	log    *slog.Logger
}

var _ dora.Collector = (*Source)(nil)

// New returns a Source for cfg. A bad BaseURL or an empty Services is reported by Collect.
func New(cfg Config) *Source {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	if cfg.Overlap <= 0 {
		cfg.Overlap = time.Hour
	}
	if cfg.ChangeWindow <= 0 {
		cfg.ChangeWindow = time.Hour
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	var secrets []string
	if cfg.Token != "" {
		secrets = []string{cfg.Token}
	}
	t := httpx.New(httpx.Options{Base: cfg.Transport, Version: cfg.Version, MaxWait: cfg.MaxWait,
		Source: "pagerduty", TokenEnv: cfg.TokenEnv, Secrets: secrets, Logger: cfg.Logger})
	return &Source{cfg: cfg, http: t, client: t.Client(), log: cfg.Logger}
}

// Name is the source name under which records and sync state are kept.
func (s *Source) Name() string { return "pagerduty" }

// Stats counts the requests sent so far.
func (s *Source) Stats() httpx.Stats { return s.http.Stats() }

// Collect pulls the incidents of every mapped service into db, one service after the other. It
// stops at the first error; what was committed before it stays, and the next run resumes there.
func (s *Source) Collect(ctx context.Context, db *dora.DB) error {
	if err := s.configure(); err != nil {
		return err
	}
	until := s.cfg.Until
	if until.IsZero() {
		until = time.Now()
	}
	until = until.UTC().Truncate(time.Second)
	ids := slices.Sorted(maps.Keys(s.cfg.Services))
	p := &progress{w: s.cfg.Progress, http: s.http}
	defer p.finish()
	for _, id := range ids {
		if err := s.collectService(ctx, db, id, until, p); err != nil {
			return err
		}
	}
	return nil
}

// configure checks the configuration before any request is sent.
func (s *Source) configure() error {
	if s.cfg.Token == "" {
		return &dora.AuthError{Source: "pagerduty", TokenEnv: s.cfg.TokenEnv, Message: "no API token given"}
	}
	if len(s.cfg.Services) == 0 {
		return fmt.Errorf("pagerduty: services: map at least one PagerDuty service id to a dorareport service")
	}
	for id, name := range s.cfg.Services {
		if strings.TrimSpace(id) == "" || strings.TrimSpace(name) == "" {
			return fmt.Errorf("pagerduty: services: %q: %q: both the PagerDuty service id and the service name are needed", id, name)
		}
	}
	u, err := url.Parse(strings.TrimRight(s.cfg.BaseURL, "/"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("pagerduty: base_url: %q is not an http(s) URL", s.cfg.BaseURL)
	}
	s.base = u
	return nil
}

// progress redraws one line on a terminal after each window written.
type progress struct {
	w         io.Writer
	http      *httpx.Transport
	incidents int
	drawn     bool
}

func (p *progress) add(service string, through time.Time, n int) {
	p.incidents += n
	if p.w == nil {
		return
	}
	p.drawn = true
	fmt.Fprintf(p.w, "\r\x1b[Kpagerduty: %s through %s, %d incidents, %d requests",
		service, through.Format("2006-01-02"), p.incidents, p.http.Stats().Requests)
}

func (p *progress) finish() {
	if p.w != nil && p.drawn {
		fmt.Fprintln(p.w)
	}
}
