// Package httpx is the HTTP layer shared by every source of dorareport (GitHub, GitLab,
// PagerDuty, Opsgenie), so that retries, rate limits, conditional requests, paging and the
// handling of secrets are written once and behave the same everywhere.
//
// A Transport wraps an http.RoundTripper and is given to the vendor client of a source
// (go-github, GitLab's client-go, or a plain http.Client):
//
//   - 5xx answers and network errors are retried with capped exponential backoff and jitter;
//   - 429 and 403 secondary rate limits wait for Retry-After (seconds or an HTTP date);
//   - primary rate limits (GitHub X-RateLimit-*, GitLab RateLimit-*) wait until the reset time
//     when the remaining budget is exhausted, or fail with a *RateLimitError naming the reset
//     time when that wait would exceed Options.MaxWait;
//   - every wait ends as soon as the request's context is cancelled;
//   - a request whose context carries an ETag (IfNoneMatch) is sent conditionally, and a 304
//     answer comes back as an error wrapping ErrNotModified;
//   - other error statuses come back as a *StatusError, which wraps dora.ErrAuth for 401 and
//     403 so callers can tell refused credentials apart;
//   - URLs in errors and logs have their secret query parameters redacted, request headers are
//     never echoed, and the secrets named in Options.Secrets are scrubbed from response bodies
//     quoted in errors.
//
// The paging helpers read GitHub-style Link headers (NextLink) and GitLab's X-Next-Page
// (NextPage); they never build page URLs themselves.
package httpx
