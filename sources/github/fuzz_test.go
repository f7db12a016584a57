package github_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/github"
	"github.com/dorareport/dorareport/sources/github/githubtest"
)

// A payloadEndpoint is one GitHub answer the collection decodes, with the deployment signal
// under which it is asked for.
type payloadEndpoint struct {
	name   string
	signal string
	match  func(path string) bool
}

var payloadEndpoints = []payloadEndpoint{
	{"list deployments", github.SignalDeployments, func(p string) bool { return strings.HasSuffix(p, "/deployments") }},
	{"list statuses", github.SignalDeployments, func(p string) bool { return strings.HasSuffix(p, "/statuses") }},
	{"compare", github.SignalDeployments, func(p string) bool { return strings.Contains(p, "/compare/") }},
	{"list pull requests", github.SignalDeployments, func(p string) bool { return strings.HasSuffix(p, "/pulls") }},
	{"list commits of pull request", github.SignalDeployments, func(p string) bool { return strings.Contains(p, "/pulls/") }},
	{"list issues", github.SignalDeployments, func(p string) bool { return strings.HasSuffix(p, "/issues") }},
	{"list runs", github.SignalWorkflowRuns, func(p string) bool { return strings.HasSuffix(p, "/runs") }},
	{"list releases", github.SignalReleases, func(p string) bool { return strings.HasSuffix(p, "/releases") }},
}

// fuzzRepo is handmade() with workflow runs and releases too, so that every endpoint of
// payloadEndpoints is asked for under its signal.
func fuzzRepo() *githubtest.Repo {
	r := handmade()
	at := func(i int) time.Time { return r.Commits[i].Committed.Add(5 * time.Minute) }
	r.Runs = []githubtest.Run{
		{ID: 21, Workflow: "deploy.yml", SHA: r.Commits[2].SHA, Status: "completed", Conclusion: "success", Created: at(2), Updated: at(2).Add(time.Minute)},
		{ID: 22, Workflow: "deploy.yml", SHA: r.Commits[5].SHA, Status: "completed", Conclusion: "success", Created: at(5), Updated: at(5).Add(time.Minute)},
	}
	r.Releases = []githubtest.Release{
		{ID: 31, Tag: "v1.0.0", SHA: r.Commits[3].SHA, Created: at(3), Published: at(3).Add(time.Minute)},
		{ID: 32, Tag: "v1.1.0", SHA: r.Commits[7].SHA, Created: at(7), Published: at(7).Add(time.Minute)},
	}
	return r
}

// FuzzPayloads serves an arbitrary body, with status 200, for one endpoint of the fake and runs
// a whole collection into an in-memory warehouse. Whatever the body, Collect must return within
// a few seconds without panicking, and either store records (the Writer validates each one) or
// fail with an error that names the endpoint and the repository.
func FuzzPayloads(f *testing.F) {
	fake := githubtest.New(token)
	defer fake.Close()
	fake.AddRepo(fuzzRepo())
	type served struct {
		match func(string) bool
		body  []byte
	}
	var current atomic.Pointer[served]
	fake.Fault = func(w http.ResponseWriter, r *http.Request, _ int) bool {
		s := current.Load()
		if s == nil || !s.match(r.URL.Path) {
			return false
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(s.body)
		return true
	}
	f.Fuzz(func(t *testing.T, endpoint uint8, body []byte) {
		ep := payloadEndpoints[int(endpoint)%len(payloadEndpoints)]
		current.Store(&served{ep.match, body})
		defer current.Store(nil)

		db, err := dora.Open(context.Background(), "")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		src := github.New(github.Config{BaseURL: fake.BaseURL(), Token: token, Repos: []string{"acme/api"},
			Deployments: ep.signal, Workflows: []string{"deploy.yml"}, MaxWait: time.Second, Version: "test"})
		err = src.Collect(ctx, db)
		switch {
		case ctx.Err() != nil:
			t.Fatalf("%s: the collection did not end within 10s: %v", ep.name, err)
		case err == nil:
		case errors.Is(err, dora.ErrInvalid):
			t.Fatalf("%s: a record failed validation on write instead of being rejected at its endpoint: %v", ep.name, err)
		case !strings.Contains(err.Error(), "acme/api"):
			t.Fatalf("%s: the error does not name the repository: %v", ep.name, err)
		}
	})
}
