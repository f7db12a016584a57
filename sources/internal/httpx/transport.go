package httpx

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cenkalti/backoff/v5"
)

// Options configure a Transport. The zero value is usable.
type Options struct {
	// Base sends the requests; nil: http.DefaultTransport.
	Base http.RoundTripper
	// Version goes into the User-Agent "dorareport/VERSION"; empty: "dev".
	Version string
	// MaxRetries bounds the retries of one request after a 5xx answer or a network error;
	// 0: 5, negative: none.
	MaxRetries int
	// MinBackoff and MaxBackoff bound the exponential backoff between retries, which is
	// randomised by ±50%; 0: 1s and 30s.
	MinBackoff, MaxBackoff time.Duration
	// MaxWait is the longest a rate limit may make one request wait; a longer wait fails with a
	// *RateLimitError naming the reset time. 0: 15 minutes.
	MaxWait time.Duration
	// SecondaryWait is the wait after a secondary rate limit that names no time (GitHub asks for
	// at least a minute); 0: 1 minute.
	SecondaryWait time.Duration
	// Reserve is the remaining primary budget at or below which requests wait for the reset,
	// leaving it to other users of the same token.
	Reserve int
	// Source names the collector in errors of refused credentials (dora.AuthError.Source), and
	// TokenEnv the environment variable whose token to check, e.g. "GITHUB_TOKEN".
	Source, TokenEnv string
	// Secrets are scrubbed from every answer quoted in an error (the token itself).
	Secrets []string
	// Logger receives retries and waits at debug and info level; nil: discard.
	Logger *slog.Logger
	// MaxResponse bounds the body of one answer in bytes; reading past it fails with
	// ErrResponseTooLarge. 0: DefaultMaxResponse.
	MaxResponse int64
}

// A Transport is an http.RoundTripper that retries, waits for rate limits, sends conditional
// requests and turns error answers into typed errors. It is safe for concurrent use, and the
// rate-limit budget it learns is shared by all requests through it.
type Transport struct {
	opts  Options
	base  http.RoundTripper
	log   *slog.Logger
	sleep func(context.Context, time.Duration) error

	requests, retries, notModified atomic.Int64

	mu       sync.Mutex
	rate     RateLimit
	resumeAt time.Time // no request is sent before this time (an exhausted primary budget)
}

// maxLimitWaits bounds the rate-limit waits of one request, so a server that keeps answering
// 429 cannot hold a request forever.
const maxLimitWaits = 10

// maxBody bounds how much of an error answer is read.
const maxBody = 64 << 10

// New returns a Transport with the given options.
func New(opts Options) *Transport {
	if opts.Version == "" {
		opts.Version = "dev"
	}
	if opts.MaxRetries == 0 {
		opts.MaxRetries = 5
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = time.Second
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 30 * time.Second
	}
	if opts.MaxResponse <= 0 {
		opts.MaxResponse = DefaultMaxResponse
	}
	if opts.MaxWait <= 0 {
		opts.MaxWait = 15 * time.Minute
	}
	if opts.SecondaryWait <= 0 {
		opts.SecondaryWait = time.Minute
	}
	t := &Transport{opts: opts, base: opts.Base, log: opts.Logger, sleep: sleepContext}
	if t.base == nil {
		t.base = http.DefaultTransport
	}
	if t.log == nil {
		t.log = slog.New(slog.DiscardHandler)
	}
	return t
}

// Client returns an http.Client sending through t.
func (t *Transport) Client() *http.Client { return &http.Client{Transport: t} }

// UserAgent is the User-Agent header every request carries.
func (t *Transport) UserAgent() string { return "dorareport/" + t.opts.Version }

// Stats counts what went over the wire.
type Stats struct {
	Requests    int64 // requests sent, retries included
	Retries     int64 // requests sent again after an error, a 5xx or a rate limit
	NotModified int64 // conditional requests answered 304
}

// Stats returns the counts so far.
func (t *Transport) Stats() Stats {
	return Stats{Requests: t.requests.Load(), Retries: t.retries.Load(), NotModified: t.notModified.Load()}
}

// RateLimit returns the primary budget the server last reported.
func (t *Transport) RateLimit() RateLimit {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.rate
}

// RoundTrip sends req, retrying and waiting as the package documentation describes. It returns
// an answer only for statuses below 400 (and 304 to requests that were not made conditional by
// IfNoneMatch); every other outcome is an error.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	where := req.Method + " " + t.redactURL(req.URL)
	bo := &backoff.ExponentialBackOff{
		InitialInterval:     t.opts.MinBackoff,
		RandomizationFactor: 0.5,
		Multiplier:          2,
		MaxInterval:         t.opts.MaxBackoff,
	}
	bo.Reset()
	retries, limitWaits := 0, 0
	for attempt := 0; ; attempt++ {
		if err := t.waitForBudget(ctx, req); err != nil {
			return nil, err
		}
		r, err := t.prepare(req, attempt)
		if err != nil {
			return nil, err
		}
		t.requests.Add(1)
		if attempt > 0 {
			t.retries.Add(1)
		}
		resp, err := t.base.RoundTrip(r)
		if err != nil {
			if ctx.Err() != nil || retries >= t.opts.MaxRetries || !replayable(req) {
				return nil, err
			}
			retries++
			wait := bo.NextBackOff()
			t.log.Debug("retrying after network error", "request", where, "error", err, "wait", wait)
			if err := t.sleep(ctx, wait); err != nil {
				return nil, err
			}
			continue
		}
		t.observe(resp.Header)
		if resp.StatusCode < http.StatusBadRequest {
			if resp.StatusCode == http.StatusNotModified && etagFrom(ctx) != "" {
				drain(resp)
				t.notModified.Add(1)
				return nil, fmt.Errorf("%s: %w", where, ErrNotModified)
			}
			// Wait out an exhausted budget before handing the answer back, so a client that keeps
			// its own count (go-github refuses to send while it believes the budget is spent)
			// finds it refilled. A wait too long for MaxWait is left to the next request.
			if err := t.waitForBudget(ctx, req); err != nil && ctx.Err() != nil {
				drain(resp)
				return nil, err
			}
			resp.Body = &cappedBody{ReadCloser: resp.Body, max: t.opts.MaxResponse, where: where}
			return resp, nil
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxBody))
		drain(resp)
		now := time.Now()
		if wait, limited := limitWait(resp, body, now); limited && limitWaits < maxLimitWaits && replayable(req) {
			limitWaits++
			if wait < 0 {
				wait = bo.NextBackOff()
				if resp.StatusCode == http.StatusForbidden {
					wait = max(wait, t.opts.SecondaryWait)
				}
			}
			if wait > t.opts.MaxWait {
				return nil, &RateLimitError{Method: req.Method, URL: t.redactURL(req.URL), Reset: now.Add(wait), MaxWait: t.opts.MaxWait}
			}
			t.log.Info("rate limited, waiting", "request", where, "status", resp.StatusCode, "wait", wait.Round(time.Millisecond))
			if err := t.sleep(ctx, wait); err != nil {
				return nil, err
			}
			continue
		}
		if retryable(resp.StatusCode) && retries < t.opts.MaxRetries && replayable(req) {
			retries++
			wait := bo.NextBackOff()
			t.log.Debug("retrying after server error", "request", where, "status", resp.StatusCode, "wait", wait)
			if err := t.sleep(ctx, wait); err != nil {
				return nil, err
			}
			continue
		}
		return nil, &StatusError{Method: req.Method, URL: t.redactURL(req.URL), Status: resp.StatusCode,
			Body: snippet(body, t.opts.Secrets), Source: t.opts.Source, TokenEnv: t.opts.TokenEnv}
	}
}

// prepare copies req for one attempt (a RoundTripper must not change its request) with the
// headers this package adds and, for a retry, a fresh body.
func (t *Transport) prepare(req *http.Request, attempt int) (*http.Request, error) {
	r := req.Clone(req.Context())
	r.Header.Set("User-Agent", t.UserAgent())
	if etag := etagFrom(req.Context()); etag != "" {
		r.Header.Set("If-None-Match", etag)
	}
	if attempt > 0 && req.Body != nil && req.Body != http.NoBody {
		body, err := req.GetBody()
		if err != nil {
			return nil, fmt.Errorf("%s %s: replay body: %w", req.Method, t.redactURL(req.URL), err)
		}
		r.Body = body
	}
	return r, nil
}

// replayable reports whether req can be sent again: it has no body or one that GetBody renews.
func replayable(req *http.Request) bool {
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

// retryable statuses are the server's passing failures; 501 and 505 will not pass.
func retryable(status int) bool {
	switch status {
	case http.StatusRequestTimeout, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// observe records the budget an answer reports; an exhausted (or reserved) budget holds back
// the following requests until its reset.
func (t *Transport) observe(h http.Header) {
	now := time.Now()
	rl, ok := parseRateLimit(h, now)
	if !ok {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.rate = rl
	if rl.Remaining <= t.opts.Reserve && rl.Reset.After(now) {
		t.resumeAt = rl.Reset.Add(resetSlack)
	}
}

// waitForBudget waits until the primary budget is refilled when an earlier answer exhausted it.
func (t *Transport) waitForBudget(ctx context.Context, req *http.Request) error {
	t.mu.Lock()
	resumeAt := t.resumeAt
	t.mu.Unlock()
	wait := time.Until(resumeAt)
	if wait <= 0 {
		return nil
	}
	if wait > t.opts.MaxWait {
		return &RateLimitError{Method: req.Method, URL: t.redactURL(req.URL), Reset: resumeAt, MaxWait: t.opts.MaxWait}
	}
	t.log.Info("rate limit budget exhausted, waiting for its reset", "reset", resumeAt.UTC().Format(time.RFC3339), "wait", wait.Round(time.Second))
	return t.sleep(ctx, wait)
}

// sleepContext waits for d or until ctx is done, whichever comes first.
func sleepContext(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// drain reads what is left of an answer (bounded) so the connection can be reused, and closes it.
func drain(resp *http.Response) {
	io.Copy(io.Discard, io.LimitReader(resp.Body, maxBody))
	resp.Body.Close()
}

var _ http.RoundTripper = (*Transport)(nil)
