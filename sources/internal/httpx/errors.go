package httpx

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/dorareport/dorareport/dora"
)

// ErrNotModified is wrapped by the error of a conditional request (IfNoneMatch) that the server
// answered with 304 Not Modified: the caller's stored copy is current.
var ErrNotModified = errors.New("not modified")

// A StatusError is an HTTP answer with an error status that was not retried (or no longer).
// For 401 Unauthorized and 403 Forbidden that are not rate limits it wraps a *dora.AuthError,
// so errors.Is(err, dora.ErrAuth) and errors.As(err, **dora.AuthError) both hold.
type StatusError struct {
	Method   string
	URL      string // secret query parameters redacted
	Status   int
	Body     string // a short, secret-scrubbed snippet of the answer (its "message" when JSON)
	Source   string // the collector that asked (Options.Source)
	TokenEnv string // the environment variable of the token to check (Options.TokenEnv)
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("%s %s: %d %s", e.Method, e.URL, e.Status, http.StatusText(e.Status))
	if e.Body != "" {
		msg += ": " + e.Body
	}
	if e.Auth() && e.TokenEnv != "" {
		msg += "; check the token in $" + e.TokenEnv
	}
	return msg
}

// Auth reports whether the server refused the credentials or their permissions.
func (e *StatusError) Auth() bool {
	return e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden
}

// Unwrap lets errors.Is(err, dora.ErrAuth) recognise refused credentials.
func (e *StatusError) Unwrap() error {
	if !e.Auth() {
		return nil
	}
	endpoint := e.Method + " " + e.URL
	if u, err := url.Parse(e.URL); err == nil {
		endpoint = e.Method + " " + u.Path
	}
	return &dora.AuthError{Source: e.Source, TokenEnv: e.TokenEnv, Status: e.Status, Endpoint: endpoint, Message: e.Body}
}

// A RateLimitError is returned instead of waiting when a rate limit would keep the request
// waiting longer than Options.MaxWait.
type RateLimitError struct {
	Method  string
	URL     string // secret query parameters redacted
	Reset   time.Time
	MaxWait time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("%s %s: rate limit exhausted until %s (%s from now), longer than the maximum wait of %s; run again after the reset",
		e.Method, e.URL, e.Reset.UTC().Format(time.RFC3339), time.Until(e.Reset).Round(time.Second), e.MaxWait)
}

// Clean removes the *url.Error that http.Client wraps around every transport error when the
// wrapped error already names method and URL (the errors of this package), and redacts the URL of
// any other *url.Error, so that the error reads well and shows no secret. Apply it to the error a
// client call returned, before wrapping it further.
func Clean(err error) error {
	ue, ok := err.(*url.Error)
	if !ok {
		return err
	}
	var se *StatusError
	var re *RateLimitError
	if errors.As(ue.Err, &se) || errors.As(ue.Err, &re) || errors.Is(ue.Err, ErrNotModified) {
		return ue.Err
	}
	return &url.Error{Op: ue.Op, URL: redactString(ue.URL), Err: ue.Err}
}
