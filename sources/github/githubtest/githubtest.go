// Package githubtest is a fake GitHub REST API for tests of code that collects from GitHub. It
// serves the payload shapes of GitHub's own examples (testdata/, copied from GitHub's REST API
// description) filled with the repositories a test describes, under the /api/v3/ prefix of
// GitHub Enterprise Server, with real Link, ETag and X-RateLimit-* headers. It answers
// If-None-Match with 304, counts the requests by endpoint, and records the requests that break
// the rules a frugal client keeps: every list asks per_page=100, every request carries the token
// and a dorareport User-Agent.
package githubtest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// A Commit is one commit of a repository's history.
type Commit struct {
	SHA                 string
	Parents             []string
	Authored, Committed time.Time
}

// A Deployment of the Deployments API, with its statuses oldest first.
type Deployment struct {
	ID          int64
	SHA         string
	Environment string
	Created     time.Time
	Statuses    []Status
}

// A Status of a deployment.
type Status struct {
	ID      int64
	State   string // success, failure, error, inactive, in_progress, queued, pending
	Created time.Time
}

// A Pull is a closed pull request; Merged is zero for one closed without merging.
type Pull struct {
	Number                   int
	Title                    string
	Labels                   []string
	Created, Updated, Merged time.Time
	MergeSHA                 string
	Commits                  []Commit // its own commits, for the pull request commits endpoint
}

// An Issue, or a pull request seen through the issues endpoint (PullRequest true).
type Issue struct {
	Number                   int
	Title, Body              string
	Labels                   []string
	Created, Updated, Closed time.Time
	PullRequest              bool
}

// A Run of an Actions workflow.
type Run struct {
	ID                 int64
	Workflow           string // file name, e.g. deploy.yml
	SHA                string
	Status, Conclusion string
	Created, Updated   time.Time
}

// A Release; SHA is the commit its tag points at.
type Release struct {
	ID                 int64
	Tag, SHA           string
	Draft, Prerelease  bool
	Created, Published time.Time
}

// A Repo is the content of one repository. Commits is the history in order, oldest first; a
// compare returns the commits after base up to head in that order.
type Repo struct {
	Owner, Name string
	Commits     []Commit
	Deployments []Deployment
	Pulls       []Pull
	Issues      []Issue
	Runs        []Run
	Releases    []Release

	index map[string]int
}

// Server is the fake. Change its repositories only through Update while it serves.
type Server struct {
	*httptest.Server
	Token     string // the token every request must carry as "Bearer TOKEN"
	RateLimit int    // the primary budget per hour; 0: 5000
	// Fault, when set, may answer a request itself (return true) before the fake does: a 502, a
	// 403 rate limit. n counts the requests so far, this one included.
	Fault func(w http.ResponseWriter, r *http.Request, n int) bool

	mu          sync.Mutex
	repos       map[string]*Repo
	counts      map[string]int
	requests    int
	notModified int
	used        int
	reset       time.Time
	violations  []string
}

// New starts a fake that accepts token.
func New(token string) *Server {
	s := &Server{Token: token, repos: map[string]*Repo{}, counts: map[string]int{}, reset: time.Now().Add(time.Hour).Truncate(time.Second)}
	mux := http.NewServeMux()
	for pattern, h := range map[string]http.HandlerFunc{
		"GET /api/v3/repos/{owner}/{repo}/deployments":                   s.deployments,
		"GET /api/v3/repos/{owner}/{repo}/deployments/{id}/statuses":     s.statuses,
		"GET /api/v3/repos/{owner}/{repo}/compare/{basehead}":            s.compare,
		"GET /api/v3/repos/{owner}/{repo}/pulls":                         s.pulls,
		"GET /api/v3/repos/{owner}/{repo}/pulls/{number}/commits":        s.pullCommits,
		"GET /api/v3/repos/{owner}/{repo}/issues":                        s.issues,
		"GET /api/v3/repos/{owner}/{repo}/actions/workflows/{file}/runs": s.runs,
		"GET /api/v3/repos/{owner}/{repo}/actions/runs/{id}":             s.run,
		"GET /api/v3/repos/{owner}/{repo}/releases":                      s.releases,
		"GET /api/v3/repos/{owner}/{repo}/releases/{id}":                 s.release,
		"GET /api/v3/repos/{owner}/{repo}/commits/{ref...}":              s.commitSHA,
	} {
		mux.Handle(pattern, s.guard(h))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.violate("unexpected request %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
	})
	s.Server = httptest.NewServer(mux)
	return s
}

// BaseURL is the API root to configure: SERVER/api/v3/, as on GitHub Enterprise Server.
func (s *Server) BaseURL() string { return s.URL + "/api/v3/" }

// AddRepo adds (or replaces) a repository.
func (s *Server) AddRepo(r *Repo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r.reindex()
	s.repos[r.Owner+"/"+r.Name] = r
}

// Update changes the served repositories under the server's lock.
func (s *Server) Update(fn func(repos map[string]*Repo)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(s.repos)
	for _, r := range s.repos {
		r.reindex()
	}
}

func (r *Repo) reindex() {
	r.index = make(map[string]int, len(r.Commits))
	for i, c := range r.Commits {
		r.index[c.SHA] = i
	}
}

// Requests is the number of requests served; NotModified how many were answered 304.
func (s *Server) Requests() int { s.mu.Lock(); defer s.mu.Unlock(); return s.requests }

// NotModified is the number of requests answered 304 Not Modified.
func (s *Server) NotModified() int { s.mu.Lock(); defer s.mu.Unlock(); return s.notModified }

// Count is the number of requests served by one endpoint: deployments, statuses, compare,
// pulls, pull_commits, issues, runs, run, releases, release, commit_sha.
func (s *Server) Count(endpoint string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[endpoint]
}

// Violations lists the requests that broke the rules (no per_page=100 on a list, a wrong
// User-Agent, an unknown endpoint).
func (s *Server) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.violations...)
}

// ResetCounts zeroes the request counts.
func (s *Server) ResetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests, s.notModified, s.counts = 0, 0, map[string]int{}
}

func (s *Server) violate(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.violations = append(s.violations, fmt.Sprintf(format, args...))
}

// guard counts the request and checks what every request must carry.
func (s *Server) guard(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests++
		n := s.requests
		s.mu.Unlock()
		if !strings.HasPrefix(r.Header.Get("User-Agent"), "dorareport/") {
			s.violate("%s: User-Agent %q", r.URL.Path, r.Header.Get("User-Agent"))
		}
		if s.Fault != nil && s.Fault(w, r, n) {
			return
		}
		if r.Header.Get("Authorization") != "Bearer "+s.Token {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest","status":"401"}`)
			return
		}
		s.mu.Lock()
		repo := s.repos[r.PathValue("owner")+"/"+r.PathValue("repo")]
		s.mu.Unlock()
		if repo == nil {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}`)
			return
		}
		h(w, r)
	})
}

// reply writes v as JSON with the headers of GitHub, or 304 when the client holds it already.
func (s *Server) reply(w http.ResponseWriter, r *http.Request, endpoint string, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	s.mu.Lock()
	s.counts[endpoint]++
	limit := s.RateLimit
	if limit == 0 {
		limit = 5000
	}
	notModified := r.Header.Get("If-None-Match") == etag
	if notModified {
		s.notModified++
	} else {
		s.used++ // a 304 costs no budget
	}
	h := w.Header()
	h.Set("X-RateLimit-Limit", fmt.Sprint(limit))
	h.Set("X-RateLimit-Remaining", fmt.Sprint(max(limit-s.used, 0)))
	h.Set("X-RateLimit-Used", fmt.Sprint(s.used))
	h.Set("X-RateLimit-Reset", fmt.Sprint(s.reset.Unix()))
	h.Set("X-RateLimit-Resource", "core")
	s.mu.Unlock()
	h.Set("ETag", etag)
	h.Set("X-GitHub-Api-Version-Selected", "2022-11-28")
	if notModified {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	w.Write(body)
}
