package github_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/github"
	"github.com/dorareport/dorareport/sources/github/githubtest"
	"github.com/dorareport/dorareport/sources/internal/httpx"
)

// once answers the first request to a path containing part with fn, and the rest normally.
func once(part string, fn func(w http.ResponseWriter)) func(http.ResponseWriter, *http.Request, int) bool {
	done := false
	return func(w http.ResponseWriter, r *http.Request, n int) bool {
		if done || !strings.Contains(r.URL.Path, part) {
			return false
		}
		done = true
		fn(w)
		return true
	}
}

func TestFaults(t *testing.T) {
	t.Run("403_secondary_rate_limit_waits_for_Retry-After_and_goes_on", func(t *testing.T) {
		f := newFake(t, handmade())
		f.Fault = once("/deployments", func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`)
		})
		db := openDB(t)
		start := time.Now()
		collect(t, context.Background(), source(f, "acme/api"), db)
		if d := time.Since(start); d < time.Second {
			t.Errorf("finished after %v; it should have waited the 1s Retry-After", d)
		}
		if n := len(deployments(t, db)); n != 6 {
			t.Errorf("stored %d deployments after the wait; want 6", n)
		}
	})
	t.Run("502_then_success_is_retried", func(t *testing.T) {
		f := newFake(t, handmade())
		f.Fault = once("/compare/", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprint(w, "<html><body><h1>502 Bad Gateway</h1></body></html>")
		})
		db := openDB(t)
		collect(t, context.Background(), source(f, "acme/api"), db)
		if d := deployments(t, db)["acme/api/deployments/3"]; len(d.Commits) != 3 {
			t.Errorf("d3 ships %v after the retry; want 3 commits", d.Commits)
		}
	})
	t.Run("a_range_GitHub_cannot_compare_stays_unknown_and_the_rest_is_collected", func(t *testing.T) {
		repo := handmade()
		repo.Deployments[2].SHA = githubtest.SHA("force-pushed away") // d3, between d1 and d4
		f := newFake(t, repo)
		db := openDB(t)
		collect(t, context.Background(), source(f, "acme/api"), db)
		deps := deployments(t, db)
		if d := deps["acme/api/deployments/3"]; d.Commits != nil || d.Status != dora.StatusSuccess {
			t.Errorf("d3 = %s shipping %v; want success with an unknown range", d.Status, d.Commits)
		}
		if d := deps["acme/api/deployments/4"]; d.Commits != nil {
			t.Errorf("d4 follows the unknown sha and ships %v; want unknown", d.Commits)
		}
		if n := len(incidents(t, db)); n != 3 {
			t.Errorf("stored %d incidents; the collection should go on past the range", n)
		}
	})
	t.Run("401_is_an_auth_error_naming_the_variable_without_the_token", func(t *testing.T) {
		f := newFake(t, handmade())
		db := openDB(t)
		src := github.New(github.Config{BaseURL: f.BaseURL(), Token: "ghp_wrongTOKENwrongTOKEN", TokenEnv: "GITHUB_TOKEN", Repos: []string{"acme/api"}})
		err := src.Collect(context.Background(), db)
		var ae *dora.AuthError
		if !errors.Is(err, dora.ErrAuth) || !errors.As(err, &ae) || ae.TokenEnv != "GITHUB_TOKEN" {
			t.Fatalf("err = %v; want a dora.AuthError naming GITHUB_TOKEN", err)
		}
		if msg := err.Error(); !strings.Contains(msg, "GITHUB_TOKEN") || strings.Contains(msg, "wrongTOKEN") || !strings.Contains(msg, "401") {
			t.Errorf("message %q should name GITHUB_TOKEN and the status, never the token", msg)
		}
		if n := f.Requests(); n != 1 {
			t.Errorf("%d requests; refused credentials are not retried", n)
		}
	})
	t.Run("an_unknown_repository_says_to_check_the_name_and_the_token", func(t *testing.T) {
		f := newFake(t, handmade())
		db := openDB(t)
		err := source(f, "acme/private", "acme/api").Collect(context.Background(), db)
		if err == nil || !strings.Contains(err.Error(), "acme/private") || !strings.Contains(err.Error(), "404") || !strings.Contains(err.Error(), "$GITHUB_TOKEN") {
			t.Fatalf("err = %v; want it to name the repository, the 404 and the token variable", err)
		}
		if n := len(deployments(t, db)); n != 6 {
			t.Errorf("stored %d deployments of acme/api; one failing repository must not stop the others", n)
		}
	})
	t.Run("cancelled_context_stops_the_collection_at_once", func(t *testing.T) {
		f := newFake(t, githubtest.Synthetic("acme", "web", githubtest.Shape{Deployments: 100, Commits: 1000, Pulls: 50, Start: t0}))
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		f.Fault = func(w http.ResponseWriter, r *http.Request, n int) bool {
			if n == 20 {
				cancel()
			}
			return false
		}
		db := openDB(t)
		err := source(f, "acme/web").Collect(ctx, db)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v; want context.Canceled", err)
		}
		if n := f.Requests(); n > 22 {
			t.Errorf("%d requests were sent after the cancellation at the 20th", n-20)
		}
	})
	t.Run("cancelled_context_ends_a_rate_limit_wait_within_a_second", func(t *testing.T) {
		f := newFake(t, handmade())
		ctx, cancel := context.WithCancel(context.Background())
		var cancelled atomic.Pointer[time.Time]
		f.Fault = func(w http.ResponseWriter, r *http.Request, n int) bool {
			time.AfterFunc(200*time.Millisecond, func() {
				now := time.Now()
				cancelled.Store(&now)
				cancel()
			})
			w.Header().Set("Retry-After", "3000")
			w.WriteHeader(http.StatusTooManyRequests)
			return true
		}
		src := github.New(github.Config{BaseURL: f.BaseURL(), Token: token, Repos: []string{"acme/api"}, MaxWait: 2 * time.Hour})
		err := src.Collect(ctx, openDB(t))
		if at := cancelled.Load(); !errors.Is(err, context.Canceled) || at == nil || time.Since(*at) > time.Second {
			t.Fatalf("err = %v; want context.Canceled within a second of the cancellation", err)
		}
	})
	t.Run("a_budget_spent_until_beyond_MaxWait_stops_with_a_rate_limit_error", func(t *testing.T) {
		f := newFake(t, handmade())
		f.RateLimit = 3 // the fourth answer leaves nothing, and the reset is an hour away
		err := source(f, "acme/api").Collect(context.Background(), openDB(t))
		var re *httpx.RateLimitError
		if !errors.As(err, &re) || time.Until(re.Reset) < 50*time.Minute || !strings.Contains(err.Error(), "rate limit") {
			t.Fatalf("err = %v; want a RateLimitError naming the reset an hour away", err)
		}
		if n := f.Requests(); n != 3 {
			t.Errorf("%d requests; none should be sent once the budget is spent", n)
		}
	})
	t.Run("a_rate_limit_reset_beyond_MaxWait_fails_naming_the_reset", func(t *testing.T) {
		f := newFake(t, handmade())
		reset := time.Now().Add(50 * time.Minute)
		f.Fault = func(w http.ResponseWriter, r *http.Request, n int) bool {
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", fmt.Sprint(reset.Unix()))
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"message":"API rate limit exceeded for user ID 1.","documentation_url":"https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"}`)
			return true
		}
		err := source(f, "acme/api").Collect(context.Background(), openDB(t))
		if err == nil || !strings.Contains(err.Error(), reset.Add(time.Second).UTC().Format(time.RFC3339)) || errors.Is(err, dora.ErrAuth) {
			t.Fatalf("err = %v; want a rate limit error naming %s", err, reset.UTC().Format(time.RFC3339))
		}
	})
}
