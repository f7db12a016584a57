// Package gitlabtest is a fake GitLab REST API (v4) for tests of code that collects from GitLab.
// It serves the payload shapes of GitLab's own documentation examples (testdata/, copied from
// the API docs) filled with the projects a test describes, with real offset-pagination headers
// (x-page, x-next-page, Link; the totals left out where GitLab.com leaves them out), RateLimit-*
// headers and ETags. It counts the requests by endpoint and records those that break the rules a
// frugal client keeps: every list asks per_page=100 and every request carries the token.
package gitlabtest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// A Commit of a project's history. Parents come before their children in Project.Commits.
type Commit struct {
	SHA                 string
	Parents             []string
	Authored, Committed time.Time
}

// An Environment of a project; Tier is GitLab's deployment tier (production, staging, ...).
type Environment struct {
	ID         int64
	Name, Tier string
}

// A Deployment to an environment. JobID 0 is a deployment created through the API, which has
// no deployable job and so no job finish time.
type Deployment struct {
	ID, IID          int64
	Environment      string
	SHA              string
	Status           string // created, running, success, failed, canceled, blocked, skipped
	Created, Updated time.Time
	JobID            int64
	JobFinished      time.Time
}

// A MergeRequest; a merged one has Merged set. SquashSHA is set for squash merges.
type MergeRequest struct {
	IID                      int64
	Title                    string
	Labels                   []string
	Created, Updated, Merged time.Time
	MergeSHA, SquashSHA      string
	Commits                  []Commit // its own commits, for the merge request commits endpoint
}

// An Issue; Type is "incident" for incidents.
type Issue struct {
	IID                      int64
	Type                     string
	Title, Description       string
	Severity                 string // GitLab's: UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL
	Labels                   []string
	Created, Updated, Closed time.Time
}

// A Project and everything the fake serves about it.
type Project struct {
	ID            int64
	Path          string // group/project
	Environments  []Environment
	Deployments   []Deployment
	Commits       []Commit
	MergeRequests []MergeRequest
	Issues        []Issue
}

// A Fault is an answer the server gives instead of the real one.
type Fault struct {
	Status int
	Header http.Header
	Body   string
}

// Server is the fake. Change its projects only between collections.
type Server struct {
	*httptest.Server
	// Token is the PRIVATE-TOKEN every request must carry; empty: any.
	Token string
	// Totals lists the endpoints ("deployments", "merge_requests", ...) whose pages carry
	// x-total, x-total-pages and rel="last"; the others leave them out, as GitLab.com does for
	// large collections and the commits API always does.
	Totals map[string]bool
	// LinkOnly lists the endpoints whose pages carry only the Link header, as keyset-paginated
	// lists do: no x-page, x-next-page or totals.
	LinkOnly map[string]bool
	// Fail, when set, is asked before each request (n counts from 1) and may answer instead.
	Fail func(r *http.Request, n int) (Fault, bool)

	inFlight, maxInFlight atomic.Int64

	mu         sync.Mutex
	projects   []*Project
	requests   int
	byEndpoint map[string]int
	violations []string
	remaining  int
	graphs     map[*Project]*graph
}

// New starts a fake serving projects. Close it when done.
func New(projects ...*Project) *Server {
	s := &Server{projects: projects, byEndpoint: map[string]int{}, remaining: rateLimit, graphs: map[*Project]*graph{},
		Totals: map[string]bool{"environments": true, "issues": true}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// URL is the API root to configure: the server's address with /api/v4.
func (s *Server) APIURL() string { return s.URL + "/api/v4" }

// Requests returns the number of requests served so far, and by endpoint.
func (s *Server) Requests() (int, map[string]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	by := make(map[string]int, len(s.byEndpoint))
	for k, v := range s.byEndpoint {
		by[k] = v
	}
	return s.requests, by
}

// MaxInFlight returns the most requests that were open at once.
func (s *Server) MaxInFlight() int { return int(s.maxInFlight.Load()) }

// Violations returns the requests that broke a rule (no per_page=100, no token).
func (s *Server) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.violations...)
}

// Update lets a test change the projects between collections.
func (s *Server) Update(fn func(projects []*Project)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(s.projects)
	s.graphs = map[*Project]*graph{}
}

func (s *Server) project(id string) *Project {
	for _, p := range s.projects {
		if id == p.Path || id == itoa(p.ID) {
			return p
		}
	}
	return nil
}

// endpoint names a request for the counts: the last path segment that is not a number or sha.
func endpoint(rest []string) string {
	for i := len(rest) - 1; i >= 0; i-- {
		if !isNumber(rest[i]) {
			return rest[i]
		}
	}
	return "project"
}

func isNumber(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
