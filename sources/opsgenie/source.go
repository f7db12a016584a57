package opsgenie

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/internal/httpx"
)

// The API roots of Opsgenie's two regions.
const (
	USBaseURL = "https://api.opsgenie.com"
	EUBaseURL = "https://api.eu.opsgenie.com"
)

// DefaultHistory is how far back the first collection reaches when Config.Since is zero.
const DefaultHistory = 365 * 24 * time.Hour

// Config configures a Source; it mirrors the sources.opsgenie keys of dorareport.yaml
// (base_url, token_env, services, and optionally service_property and alerts_tag). The zero
// value of every field but Token and one of Services and ServiceProperty is usable.
type Config struct {
	// BaseURL is the API root; empty: USBaseURL. Accounts in the EU region use EUBaseURL.
	BaseURL string
	// Token is an API integration key (sent as "GenieKey …"); TokenEnv names the environment
	// variable it was read from, so that a refused key can be named without being shown.
	Token, TokenEnv string
	// Services maps Opsgenie tags to dorareport service names: an incident or alert carrying
	// the tag belongs to the service.
	Services map[string]string
	// ServiceProperty is the key of the incidents' extra properties whose value is the
	// dorareport service; it wins over the tags. Empty: tags only.
	ServiceProperty string
	// AlertsTag, when set, also collects the alerts carrying this tag.
	AlertsTag string
	// Since bounds the first collection; zero: DefaultHistory before Until.
	Since time.Time
	// Until is the end of the collection; zero: now.
	Until time.Time
	// Overlap is how far before the stored cursor a run lists again, for items that reach the
	// search index late; 0: 1h.
	Overlap time.Duration
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

// A Source collects one Opsgenie account. It implements dora.Collector.
type Source struct {
	cfg    Config
	http   *httpx.Transport
	client *http.Client
	base   *url.URL
	log    *slog.Logger
}

var _ dora.Collector = (*Source)(nil)

// New returns a Source for cfg. A bad BaseURL or a missing service mapping is reported by
// Collect.
func New(cfg Config) *Source {
	if cfg.BaseURL == "" {
		cfg.BaseURL = USBaseURL
	}
	if cfg.Overlap <= 0 {
		cfg.Overlap = time.Hour
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	var secrets []string
	if cfg.Token != "" {
		secrets = []string{cfg.Token}
	}
	t := httpx.New(httpx.Options{Base: cfg.Transport, Version: cfg.Version, MaxWait: cfg.MaxWait,
		Source: "opsgenie", TokenEnv: cfg.TokenEnv, Secrets: secrets, Logger: cfg.Logger})
	return &Source{cfg: cfg, http: t, client: t.Client(), log: cfg.Logger}
}

// Name is the source name under which records and sync state are kept.
func (s *Source) Name() string { return "opsgenie" }

// Stats counts the requests sent so far.
func (s *Source) Stats() httpx.Stats { return s.http.Stats() }

// Collect pulls the incidents, then the tagged alerts, into db. It stops at the first error;
// what was committed before it stays, and the next run resumes there.
func (s *Source) Collect(ctx context.Context, db *dora.DB) error {
	if err := s.configure(); err != nil {
		return err
	}
	until := s.cfg.Until
	if until.IsZero() {
		until = time.Now()
	}
	until = until.UTC().Truncate(time.Millisecond)
	p := &progress{w: s.cfg.Progress, http: s.http}
	defer p.finish()
	kinds := []kind{incidents}
	if s.cfg.AlertsTag != "" {
		kinds = append(kinds, alerts(s.cfg.AlertsTag))
	}
	for _, k := range kinds {
		if err := s.collectKind(ctx, db, k, until, p); err != nil {
			return err
		}
	}
	return nil
}

// configure checks the configuration before any request is sent.
func (s *Source) configure() error {
	if s.cfg.Token == "" {
		return &dora.AuthError{Source: "opsgenie", TokenEnv: s.cfg.TokenEnv, Message: "no API key given"}
	}
	if len(s.cfg.Services) == 0 && s.cfg.ServiceProperty == "" {
		return fmt.Errorf("opsgenie: services: map at least one Opsgenie tag to a dorareport service (or name the incidents' service_property)")
	}
	for tag, name := range s.cfg.Services {
		if strings.TrimSpace(tag) == "" || strings.TrimSpace(name) == "" {
			return fmt.Errorf("opsgenie: services: %q: %q: both the tag and the service name are needed", tag, name)
		}
	}
	if strings.ContainsAny(s.cfg.AlertsTag, `"\`) {
		return fmt.Errorf("opsgenie: alerts_tag: %q may not hold quotes or backslashes", s.cfg.AlertsTag)
	}
	u, err := url.Parse(strings.TrimRight(s.cfg.BaseURL, "/"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("opsgenie: base_url: %q is not an http(s) URL (US: %s, EU: %s)", s.cfg.BaseURL, USBaseURL, EUBaseURL)
	}
	s.base = u
	return nil
}

// progress redraws one line on a terminal after each window written.
type progress struct {
	w     io.Writer
	http  *httpx.Transport
	items int
	drawn bool
}

func (p *progress) add(what string, through time.Time, n int) {
	p.items += n
	if p.w == nil {
		return
	}
	p.drawn = true
	fmt.Fprintf(p.w, "\r\x1b[Kopsgenie: %s through %s, %d records, %d requests",
		what, through.Format("2006-01-02"), p.items, p.http.Stats().Requests)
}

func (p *progress) finish() {
	if p.w != nil && p.drawn {
		fmt.Fprintln(p.w)
	}
}
