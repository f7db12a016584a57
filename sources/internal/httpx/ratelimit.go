package httpx

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// A RateLimit is the primary rate-limit budget a server last reported.
type RateLimit struct {
	Limit     int
	Remaining int
	Reset     time.Time // when the budget is refilled
}

// Known reports whether a server has reported a budget at all.
func (r RateLimit) Known() bool { return !r.Reset.IsZero() }

// parseRateLimit reads GitHub's X-RateLimit-* or GitLab's RateLimit-* headers. The reset is epoch
// seconds on both; a small value is taken as seconds from now, as the IETF draft spells it.
func parseRateLimit(h http.Header, now time.Time) (RateLimit, bool) {
	remaining, ok := headerInt(h, "X-RateLimit-Remaining", "RateLimit-Remaining")
	if !ok {
		return RateLimit{}, false
	}
	reset, ok := headerInt(h, "X-RateLimit-Reset", "RateLimit-Reset")
	if !ok {
		return RateLimit{}, false
	}
	limit, _ := headerInt(h, "X-RateLimit-Limit", "RateLimit-Limit")
	r := RateLimit{Limit: limit, Remaining: remaining}
	if reset < 1_000_000_000 {
		r.Reset = now.Add(time.Duration(reset) * time.Second)
	} else {
		r.Reset = time.Unix(int64(reset), 0)
	}
	return r, true
}

func headerInt(h http.Header, names ...string) (int, bool) {
	for _, name := range names {
		if v := strings.TrimSpace(h.Get(name)); v != "" {
			n, err := strconv.Atoi(v)
			return n, err == nil
		}
	}
	return 0, false
}

// retryAfter reads Retry-After, in seconds or as an HTTP date (RFC 9110 §10.2.3).
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil {
		return max(time.Duration(secs)*time.Second, 0), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// secondaryMarkers are how GitHub words a secondary (abuse) rate limit in a 403 body; go-github
// and gofri/go-github-ratelimit recognise it by the same strings.
var secondaryMarkers = []string{"secondary rate limit", "secondary-rate-limits", "abuse-rate-limits", "abuse detection"}

func isSecondaryBody(body []byte) bool {
	lower := strings.ToLower(string(body))
	for _, m := range secondaryMarkers {
		if strings.Contains(lower, m) {
			return true
		}
	}
	return false
}

// limitWait decides whether an error answer is a rate limit and how long it asks to wait; the
// wait is negative when the answer names no time (a bare 429, or GitHub's secondary-limit 403
// without Retry-After).
func limitWait(resp *http.Response, body []byte, now time.Time) (time.Duration, bool) {
	if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusForbidden {
		return 0, false
	}
	if d, ok := retryAfter(resp.Header, now); ok {
		return d, true
	}
	if rl, ok := parseRateLimit(resp.Header, now); ok && rl.Remaining == 0 {
		return max(rl.Reset.Sub(now)+resetSlack, 0), true
	}
	if resp.StatusCode == http.StatusTooManyRequests || isSecondaryBody(body) {
		return -1, true
	}
	return 0, false
}

// resetSlack is added to reset times, which come from the server's clock, so that a request
// sent just after the reset is not refused again by a clock a little behind.
const resetSlack = time.Second
