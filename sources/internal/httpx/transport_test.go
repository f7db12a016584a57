package httpx

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
)

// recorder stands in for sleeping: it records each wait and returns at once.
type recorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (r *recorder) sleep(ctx context.Context, d time.Duration) error {
	r.mu.Lock()
	r.waits = append(r.waits, d)
	r.mu.Unlock()
	return ctx.Err()
}

func (r *recorder) all() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Duration(nil), r.waits...)
}

// script serves the answers in order, then the last one again; it counts requests.
type script struct {
	answers []func(w http.ResponseWriter, r *http.Request)
	n       atomic.Int64
	last    *http.Request
	mu      sync.Mutex
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	i := int(s.n.Add(1)) - 1
	s.mu.Lock()
	s.last = r
	s.mu.Unlock()
	s.answers[min(i, len(s.answers)-1)](w, r)
}

func status(code int, headers map[string]string, body string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		for k, v := range headers {
			w.Header().Set(k, v)
		}
		w.WriteHeader(code)
		io.WriteString(w, body)
	}
}

var ok = status(http.StatusOK, nil, `{"ok":true}`)

func setup(t *testing.T, opts Options, answers ...func(http.ResponseWriter, *http.Request)) (*Transport, *script, *recorder, string) {
	t.Helper()
	s := &script{answers: answers}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	tr := New(opts)
	rec := &recorder{}
	tr.sleep = rec.sleep
	return tr, s, rec, srv.URL
}

func get(t *testing.T, ctx context.Context, tr *Transport, url string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := tr.RoundTrip(req)
	if err == nil {
		t.Cleanup(func() { resp.Body.Close() })
	}
	return resp, err
}

func epoch(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

func TestRetries(t *testing.T) {
	t.Run("502_then_success_is_retried_after_a_jittered_backoff", func(t *testing.T) {
		tr, s, rec, url := setup(t, Options{MinBackoff: time.Second}, status(502, nil, "bad gateway"), ok)
		resp, err := get(t, context.Background(), tr, url)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("got %v, %v; want 200", resp, err)
		}
		if s.n.Load() != 2 || tr.Stats().Requests != 2 || tr.Stats().Retries != 1 {
			t.Errorf("server saw %d requests, stats %+v; want 2 requests, 1 retry", s.n.Load(), tr.Stats())
		}
		if w := rec.all(); len(w) != 1 || w[0] < 500*time.Millisecond || w[0] > 1500*time.Millisecond {
			t.Errorf("waits %v; want one in [0.5s, 1.5s]", w)
		}
	})
	t.Run("backoff_grows_and_is_capped_then_gives_up_with_the_status", func(t *testing.T) {
		tr, s, rec, url := setup(t, Options{MaxRetries: 6, MinBackoff: time.Second, MaxBackoff: 4 * time.Second}, status(503, nil, `{"message":"unavailable"}`))
		_, err := get(t, context.Background(), tr, url)
		var se *StatusError
		if !errors.As(err, &se) || se.Status != 503 || se.Body != "unavailable" {
			t.Fatalf("err = %v; want a StatusError 503 quoting the message", err)
		}
		if s.n.Load() != 7 {
			t.Errorf("server saw %d requests; want 1 + 6 retries", s.n.Load())
		}
		w := rec.all()
		for _, d := range w {
			if d > 6*time.Second {
				t.Errorf("wait %v exceeds the 4s cap plus jitter", d)
			}
		}
		if w[len(w)-1] < 2*time.Second {
			t.Errorf("waits %v; the last should have reached the cap (≥ 2s after jitter)", w)
		}
	})
	t.Run("network_error_then_success_is_retried", func(t *testing.T) {
		var calls atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "{}") }))
		defer srv.Close()
		base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if calls.Add(1) == 1 {
				return nil, errors.New("connection reset by peer")
			}
			return http.DefaultTransport.RoundTrip(r)
		})
		tr := New(Options{Base: base})
		tr.sleep = (&recorder{}).sleep
		resp, err := get(t, context.Background(), tr, srv.URL)
		if err != nil || resp.StatusCode != 200 || calls.Load() != 2 {
			t.Fatalf("got %v, %v after %d calls; want 200 after 2", resp, err, calls.Load())
		}
	})
	t.Run("404_is_not_retried_and_is_not_an_auth_error", func(t *testing.T) {
		tr, s, _, url := setup(t, Options{}, status(404, nil, `{"message":"Not Found"}`))
		_, err := get(t, context.Background(), tr, url)
		var se *StatusError
		if !errors.As(err, &se) || se.Status != 404 || errors.Is(err, dora.ErrAuth) {
			t.Fatalf("err = %v; want a non-auth StatusError 404", err)
		}
		if s.n.Load() != 1 {
			t.Errorf("server saw %d requests; want 1", s.n.Load())
		}
	})
	t.Run("a_body_that_GetBody_renews_is_sent_again", func(t *testing.T) {
		var bodies []string
		var mu sync.Mutex
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			mu.Lock()
			bodies = append(bodies, string(b))
			n := len(bodies)
			mu.Unlock()
			if n == 1 {
				w.WriteHeader(500)
			}
		}))
		defer srv.Close()
		tr := New(Options{})
		tr.sleep = (&recorder{}).sleep
		req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(`{"q":1}`))
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if len(bodies) != 2 || bodies[1] != `{"q":1}` {
			t.Errorf("bodies %q; want the same body twice", bodies)
		}
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestRateLimits(t *testing.T) {
	t.Run("429_Retry-After_seconds_is_waited_exactly", func(t *testing.T) {
		tr, s, rec, url := setup(t, Options{}, status(429, map[string]string{"Retry-After": "7"}, ""), ok)
		if _, err := get(t, context.Background(), tr, url); err != nil {
			t.Fatal(err)
		}
		if w := rec.all(); len(w) != 1 || w[0] != 7*time.Second || s.n.Load() != 2 {
			t.Errorf("waits %v after %d requests; want [7s] and 2", w, s.n.Load())
		}
	})
	t.Run("403_secondary_limit_with_Retry-After_as_an_HTTP_date", func(t *testing.T) {
		at := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
		tr, _, rec, url := setup(t, Options{}, status(403, map[string]string{"Retry-After": at},
			`{"message":"You have exceeded a secondary rate limit.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`), ok)
		if _, err := get(t, context.Background(), tr, url); err != nil {
			t.Fatal(err)
		}
		if w := rec.all(); len(w) != 1 || w[0] < 88*time.Second || w[0] > 90*time.Second {
			t.Errorf("waits %v; want about 89s", w)
		}
	})
	t.Run("403_secondary_limit_naming_no_time_waits_SecondaryWait", func(t *testing.T) {
		tr, _, rec, url := setup(t, Options{SecondaryWait: 61 * time.Second}, status(403, nil,
			`{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}`), ok)
		if _, err := get(t, context.Background(), tr, url); err != nil {
			t.Fatal(err)
		}
		if w := rec.all(); len(w) != 1 || w[0] != 61*time.Second {
			t.Errorf("waits %v; want [61s]", w)
		}
	})
	t.Run("github_primary_limit_waits_until_X-RateLimit-Reset", func(t *testing.T) {
		reset := time.Now().Add(30 * time.Second)
		tr, _, rec, url := setup(t, Options{}, status(403, map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": epoch(reset)},
			`{"message":"API rate limit exceeded"}`), ok)
		if _, err := get(t, context.Background(), tr, url); err != nil {
			t.Fatal(err)
		}
		w := rec.all()
		if len(w) == 0 || w[0] < 29*time.Second || w[0] > 32*time.Second {
			t.Errorf("waits %v; want about 31s (reset plus slack)", w)
		}
	})
	t.Run("gitlab_429_waits_until_RateLimit-Reset", func(t *testing.T) {
		reset := time.Now().Add(20 * time.Second)
		tr, _, rec, url := setup(t, Options{}, status(429, map[string]string{"RateLimit-Remaining": "0", "RateLimit-Reset": epoch(reset)}, "Retry later"), ok)
		if _, err := get(t, context.Background(), tr, url); err != nil {
			t.Fatal(err)
		}
		if w := rec.all(); len(w) == 0 || w[0] < 19*time.Second || w[0] > 22*time.Second {
			t.Errorf("waits %v; want about 21s", w)
		}
	})
	t.Run("a_wait_beyond_MaxWait_fails_naming_the_reset_time", func(t *testing.T) {
		reset := time.Now().Add(2 * time.Hour).Truncate(time.Second)
		tr, s, rec, url := setup(t, Options{MaxWait: 15 * time.Minute}, status(403, map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": epoch(reset)}, ""))
		_, err := get(t, context.Background(), tr, url)
		var re *RateLimitError
		if !errors.As(err, &re) || !re.Reset.Equal(reset.Add(resetSlack)) {
			t.Fatalf("err = %v; want a RateLimitError with reset %v", err, reset)
		}
		if !strings.Contains(err.Error(), reset.Add(resetSlack).UTC().Format(time.RFC3339)) || errors.Is(err, dora.ErrAuth) {
			t.Errorf("message %q should name the reset time and not be an auth error", err)
		}
		if len(rec.all()) != 0 || s.n.Load() != 1 {
			t.Errorf("waited %v and sent %d requests; want no wait, 1 request", rec.all(), s.n.Load())
		}
	})
	t.Run("an_exhausted_budget_is_waited_out_before_the_answer_is_handed_back", func(t *testing.T) {
		reset := time.Now().Add(40 * time.Second)
		tr, _, rec, url := setup(t, Options{}, status(200, map[string]string{"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": epoch(reset)}, "[]"))
		resp, err := get(t, context.Background(), tr, url)
		if err != nil || resp.StatusCode != 200 {
			t.Fatal(resp, err)
		}
		if w := rec.all(); len(w) != 1 || w[0] < 39*time.Second {
			t.Errorf("waits %v; want about 41s", w)
		}
		if rl := tr.RateLimit(); rl.Limit != 5000 || rl.Remaining != 0 || rl.Reset.Unix() != reset.Unix() {
			t.Errorf("RateLimit() = %+v", rl)
		}
	})
	t.Run("an_exhausted_budget_beyond_MaxWait_fails_the_next_request_unsent", func(t *testing.T) {
		reset := time.Now().Add(time.Hour)
		tr, s, _, url := setup(t, Options{MaxWait: time.Minute}, status(200, map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": epoch(reset)}, "[]"))
		if _, err := get(t, context.Background(), tr, url); err != nil {
			t.Fatalf("the answer that spent the budget is still good: %v", err)
		}
		_, err := get(t, context.Background(), tr, url)
		var re *RateLimitError
		if !errors.As(err, &re) || s.n.Load() != 1 {
			t.Fatalf("err = %v after %d requests; want a RateLimitError and no second request", err, s.n.Load())
		}
	})
	t.Run("Reserve_holds_back_requests_before_the_budget_is_spent", func(t *testing.T) {
		reset := time.Now().Add(10 * time.Second)
		tr, _, rec, url := setup(t, Options{Reserve: 50}, status(200, map[string]string{"X-RateLimit-Remaining": "42", "X-RateLimit-Reset": epoch(reset)}, "[]"))
		if _, err := get(t, context.Background(), tr, url); err != nil {
			t.Fatal(err)
		}
		if w := rec.all(); len(w) != 1 || w[0] < 9*time.Second {
			t.Errorf("waits %v; want one until the reset", w)
		}
	})
	t.Run("a_server_that_keeps_limiting_is_given_up_on", func(t *testing.T) {
		tr, s, _, url := setup(t, Options{}, status(429, map[string]string{"Retry-After": "1"}, "slow down"))
		_, err := get(t, context.Background(), tr, url)
		var se *StatusError
		if !errors.As(err, &se) || se.Status != 429 || s.n.Load() != maxLimitWaits+1 {
			t.Fatalf("err = %v after %d requests; want StatusError 429 after %d", err, s.n.Load(), maxLimitWaits+1)
		}
	})
}

func TestCancellation(t *testing.T) {
	t.Run("a_cancelled_context_ends_a_Retry-After_wait_at_once", func(t *testing.T) {
		s := &script{answers: []func(http.ResponseWriter, *http.Request){status(429, map[string]string{"Retry-After": "3600"}, "")}}
		srv := httptest.NewServer(s)
		defer srv.Close()
		tr := New(Options{MaxWait: 2 * time.Hour}) // real sleeping
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel)
		start := time.Now()
		_, err := get(t, ctx, tr, srv.URL)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v; want context.Canceled", err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("returned after %v; want well within a second", d)
		}
	})
	t.Run("a_cancelled_context_stops_backoff", func(t *testing.T) {
		s := &script{answers: []func(http.ResponseWriter, *http.Request){status(503, nil, "")}}
		srv := httptest.NewServer(s)
		defer srv.Close()
		tr := New(Options{MinBackoff: time.Minute})
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := get(t, ctx, tr, srv.URL)
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > time.Second || s.n.Load() != 1 {
			t.Fatalf("err = %v after %v and %d requests", err, time.Since(start), s.n.Load())
		}
	})
}

func TestAuthErrors(t *testing.T) {
	const token = "ghp_s3cr3tTOKENvalue"
	for _, code := range []int{401, 403} {
		t.Run(strconv.Itoa(code)+"_wraps_dora.ErrAuth_with_the_hint_and_no_secret", func(t *testing.T) {
			tr, s, _, url := setup(t, Options{Source: "github", TokenEnv: "GITHUB_TOKEN", Secrets: []string{token}},
				status(code, nil, `{"message":"Bad credentials `+token+`","documentation_url":"https://docs.github.com/rest"}`))
			req, _ := http.NewRequest(http.MethodGet, url+"/repos/o/r?private_token="+token+"&per_page=100", nil)
			req.Header.Set("Authorization", "Bearer "+token)
			_, err := tr.RoundTrip(req)
			var ae *dora.AuthError
			if !errors.Is(err, dora.ErrAuth) || !errors.As(err, &ae) {
				t.Fatalf("err = %v; want it to wrap a dora.AuthError", err)
			}
			if ae.Source != "github" || ae.TokenEnv != "GITHUB_TOKEN" || ae.Status != code || ae.Endpoint != "GET /repos/o/r" || strings.Contains(ae.Error(), token) {
				t.Errorf("AuthError = %+v", ae)
			}
			msg := err.Error()
			if strings.Contains(msg, token) || strings.Contains(msg, "Bearer") {
				t.Errorf("message leaks the token: %s", msg)
			}
			for _, want := range []string{"GITHUB_TOKEN", "/repos/o/r", "per_page=100", strconv.Itoa(code), "Bad credentials"} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q lacks %q", msg, want)
				}
			}
			if s.n.Load() != 1 {
				t.Errorf("sent %d requests; refused credentials are not retried", s.n.Load())
			}
		})
	}
}

func TestConditionalRequests(t *testing.T) {
	const etag = `"33b993150c346057e2d21c5333d4bc50"`
	handler := func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		io.WriteString(w, "[]")
	}
	tr, s, _, url := setup(t, Options{}, handler)
	resp, err := get(t, context.Background(), tr, url)
	if err != nil || ETag(resp.Header) != etag {
		t.Fatalf("first fetch: %v, %v", resp, err)
	}
	_, err = get(t, IfNoneMatch(context.Background(), ETag(resp.Header)), tr, url)
	if !errors.Is(err, ErrNotModified) {
		t.Fatalf("err = %v; want ErrNotModified", err)
	}
	if st := tr.Stats(); st.NotModified != 1 || st.Requests != 2 {
		t.Errorf("stats %+v; want 2 requests, 1 not modified", st)
	}
	if got := s.last.Header.Get("User-Agent"); got != "dorareport/dev" {
		t.Errorf("User-Agent %q; want dorareport/dev", got)
	}
	if _, err := get(t, IfNoneMatch(context.Background(), ""), tr, url); err != nil {
		t.Errorf("an empty ETag makes an unconditional request: %v", err)
	}
}

func TestClean(t *testing.T) {
	t.Run("a_status_error_loses_the_url.Error_wrapping", func(t *testing.T) {
		tr, _, _, url := setup(t, Options{}, status(404, nil, `{"message":"Not Found"}`))
		_, err := tr.Client().Get(url + "/x")
		clean := Clean(err)
		var se *StatusError
		if !errors.As(clean, &se) || clean != error(se) {
			t.Fatalf("Clean(%v) = %v; want the StatusError itself", err, clean)
		}
	})
	t.Run("a_network_error_keeps_the_operation_with_the_URL_redacted", func(t *testing.T) {
		tr := New(Options{MaxRetries: -1})
		_, err := tr.Client().Get("http://127.0.0.1:1/x?private_token=abcdef123")
		clean := Clean(err).Error()
		if strings.Contains(clean, "abcdef123") || !strings.Contains(clean, "private_token=REDACTED") {
			t.Errorf("Clean = %q", clean)
		}
	})
}
