package gitlabtest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// rateLimit is the budget RateLimit-Limit reports; the reset is always a minute away.
const rateLimit = 2000

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	n := s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	for {
		if m := s.maxInFlight.Load(); n <= m || s.maxInFlight.CompareAndSwap(m, n) {
			break
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	seq := s.requests
	raw, ok := strings.CutPrefix(r.URL.EscapedPath(), "/api/v4/projects/")
	if !ok {
		s.violations = append(s.violations, "outside /api/v4/projects: "+r.URL.Path)
		writeError(w, http.StatusNotFound, "404 Not Found")
		return
	}
	segs := strings.Split(raw, "/")
	s.byEndpoint[endpoint(segs[1:])]++
	s.rateHeaders(w.Header())
	if s.Fail != nil {
		if f, ok := s.Fail(r, seq); ok {
			for k, vs := range f.Header {
				w.Header()[k] = vs
			}
			w.WriteHeader(f.Status)
			fmt.Fprint(w, f.Body)
			return
		}
	}
	if s.Token != "" && r.Header.Get("PRIVATE-TOKEN") != s.Token {
		s.violations = append(s.violations, "no token: "+r.URL.Path)
		writeError(w, http.StatusUnauthorized, "401 Unauthorized")
		return
	}
	id, err := url.PathUnescape(segs[0])
	p := s.project(id)
	if err != nil || p == nil {
		writeError(w, http.StatusNotFound, "404 Project Not Found")
		return
	}
	q := r.URL.Query()
	rest := strings.Join(segs[1:], "/")
	switch {
	case rest == "":
		s.write(w, r, map[string]any{"id": p.ID, "path_with_namespace": p.Path, "web_url": s.URL + "/" + p.Path})
	case rest == "environments":
		s.list(w, r, "environments", len(p.Environments), func(i int) any { return environmentJSON(p.Environments[i]) })
	case rest == "deployments":
		s.deployments(w, r, p, q)
	case rest == "repository/compare":
		s.compare(w, r, p, q)
	case rest == "merge_requests":
		s.mergeRequests(w, r, p, q)
	case strings.HasPrefix(rest, "merge_requests/") && strings.HasSuffix(rest, "/commits"):
		iid, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(rest, "merge_requests/"), "/commits"), 10, 64)
		i := slices.IndexFunc(p.MergeRequests, func(m MergeRequest) bool { return m.IID == iid })
		if i < 0 {
			writeError(w, http.StatusNotFound, "404 Not found")
			return
		}
		m := p.MergeRequests[i]
		s.list(w, r, "commits", len(m.Commits), func(i int) any { return commitJSON(listMRCommit, m.Commits[len(m.Commits)-1-i], p) })
	case rest == "issues":
		s.issues(w, r, p, q)
	default:
		writeError(w, http.StatusNotFound, "404 Not Found")
	}
}

func (s *Server) rateHeaders(h http.Header) {
	if s.remaining > 0 {
		s.remaining--
	}
	h.Set("RateLimit-Limit", itoa(rateLimit))
	h.Set("RateLimit-Observed", itoa(int64(rateLimit-s.remaining)))
	h.Set("RateLimit-Remaining", itoa(int64(s.remaining)))
	reset := time.Now().Add(time.Minute)
	h.Set("RateLimit-Reset", itoa(reset.Unix()))
	h.Set("RateLimit-ResetTime", reset.UTC().Format(http.TimeFormat))
	if s.remaining < rateLimit/2 {
		s.remaining = rateLimit // a new minute
	}
}

func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"message": msg})
}

// write answers v as JSON with an ETag, or 304 when the client holds it already.
func (s *Server) write(w http.ResponseWriter, r *http.Request, v any) {
	body, _ := json.Marshal(v)
	sum := sha256.Sum256(append([]byte(r.URL.RawQuery+"\n"), body...))
	etag := `W/"` + hex.EncodeToString(sum[:8]) + `"`
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(body)
}

// list answers one page of a list of n items with GitLab's offset-pagination headers.
func (s *Server) list(w http.ResponseWriter, r *http.Request, name string, n int, item func(int) any) {
	q := r.URL.Query()
	per, _ := strconv.Atoi(q.Get("per_page"))
	if per != 100 {
		s.violations = append(s.violations, fmt.Sprintf("per_page=%q: %s", q.Get("per_page"), r.URL.Path))
	}
	if per <= 0 {
		per = 20
	}
	page, _ := strconv.Atoi(q.Get("page"))
	if page <= 0 {
		page = 1
	}
	pages := max(1, (n+per-1)/per)
	items := []any{}
	for i := (page - 1) * per; i < min(page*per, n); i++ {
		items = append(items, item(i))
	}
	h := w.Header()
	h.Set("X-Page", strconv.Itoa(page))
	h.Set("X-Per-Page", strconv.Itoa(per))
	link := func(p int, rel string) string {
		u := *r.URL
		v := u.Query()
		v.Set("page", strconv.Itoa(p))
		u.RawQuery = v.Encode()
		return fmt.Sprintf(`<%s%s>; rel="%s"`, s.URL, u.RequestURI(), rel)
	}
	var links []string
	h.Set("X-Next-Page", "")
	h.Set("X-Prev-Page", "")
	if page > 1 {
		h.Set("X-Prev-Page", strconv.Itoa(page-1))
		links = append(links, link(page-1, "prev"))
	}
	if page < pages {
		h.Set("X-Next-Page", strconv.Itoa(page+1))
		links = append(links, link(page+1, "next"))
	}
	links = append(links, link(1, "first"))
	if s.Totals[name] {
		h.Set("X-Total", strconv.Itoa(n))
		h.Set("X-Total-Pages", strconv.Itoa(pages))
		links = append(links, link(pages, "last"))
	}
	h.Set("Link", strings.Join(links, ", "))
	if s.LinkOnly[name] {
		for _, k := range []string{"X-Page", "X-Per-Page", "X-Next-Page", "X-Prev-Page", "X-Total", "X-Total-Pages"} {
			h.Del(k)
		}
	}
	s.write(w, r, items)
}

// since reads updated_after; GitLab compares it inclusively.
func since(q url.Values) (time.Time, bool) {
	v := q.Get("updated_after")
	if v == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, v)
	return t, err == nil
}

// byUpdated checks the ordering a list by updated_at needs and returns the indexes of the items
// to list.
func byUpdated(w http.ResponseWriter, q url.Values, n int, updated func(int) time.Time, keep func(int) bool) ([]int, bool) {
	after, hasAfter := since(q)
	if hasAfter && q.Get("order_by") != "updated_at" {
		writeError(w, http.StatusBadRequest, "400 Bad request - `updated_at` filter requires `updated_at` sort")
		return nil, false
	}
	var idx []int
	for i := 0; i < n; i++ {
		if keep(i) && (!hasAfter || !updated(i).Before(after)) {
			idx = append(idx, i)
		}
	}
	if q.Get("order_by") == "updated_at" {
		slices.SortStableFunc(idx, func(a, b int) int { return updated(a).Compare(updated(b)) })
		if q.Get("sort") == "desc" {
			slices.Reverse(idx)
		}
	}
	return idx, true
}

func (s *Server) deployments(w http.ResponseWriter, r *http.Request, p *Project, q url.Values) {
	idx, ok := byUpdated(w, q, len(p.Deployments), func(i int) time.Time { return p.Deployments[i].Updated }, func(int) bool { return true })
	if !ok {
		return
	}
	s.list(w, r, "deployments", len(idx), func(i int) any { return deploymentJSON(p, p.Deployments[idx[i]]) })
}

func (s *Server) mergeRequests(w http.ResponseWriter, r *http.Request, p *Project, q url.Values) {
	state := q.Get("state")
	idx, ok := byUpdated(w, q, len(p.MergeRequests), func(i int) time.Time { return p.MergeRequests[i].Updated }, func(i int) bool {
		return state == "" || state == "all" || (state == "merged") == !p.MergeRequests[i].Merged.IsZero()
	})
	if !ok {
		return
	}
	s.list(w, r, "merge_requests", len(idx), func(i int) any { return mergeRequestJSON(s, p, p.MergeRequests[idx[i]]) })
}

func (s *Server) issues(w http.ResponseWriter, r *http.Request, p *Project, q url.Values) {
	typ := q.Get("issue_type")
	idx, ok := byUpdated(w, q, len(p.Issues), func(i int) time.Time { return p.Issues[i].Updated }, func(i int) bool {
		return typ == "" || p.Issues[i].Type == typ
	})
	if !ok {
		return
	}
	s.list(w, r, "issues", len(idx), func(i int) any { return issueJSON(s, p, p.Issues[idx[i]]) })
}

func (s *Server) compare(w http.ResponseWriter, r *http.Request, p *Project, q url.Values) {
	g := s.graphs[p]
	if g == nil {
		g = newGraph(p.Commits)
		s.graphs[p] = g
	}
	from, to := q.Get("from"), q.Get("to")
	if !g.has(from) || !g.has(to) {
		writeError(w, http.StatusNotFound, "404 Ref Not Found")
		return
	}
	shas := g.only(to, from)
	commits := make([]any, 0, len(shas))
	for _, sha := range shas {
		commits = append(commits, commitJSON(getCommit, g.commits[g.index[sha]], p))
	}
	v := clone(tmplCompare)
	v["commits"] = commits
	v["diffs"] = []any{}
	if len(commits) > 0 {
		v["commit"] = commits[len(commits)-1]
	}
	v["compare_same_ref"] = from == to
	v["web_url"] = fmt.Sprintf("%s/%s/-/compare/%s...%s", s.URL, p.Path, from, to)
	s.write(w, r, v)
}
