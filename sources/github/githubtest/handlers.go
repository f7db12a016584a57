package githubtest

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

func (s *Server) repo(r *http.Request) *Repo {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.repos[r.PathValue("owner")+"/"+r.PathValue("repo")]
}

// page cuts items to the requested page and sets the Link header GitHub sends, with absolute
// URLs that differ from the request only in page. It records a list asked without per_page=100.
func page[T any](s *Server, w http.ResponseWriter, r *http.Request, items []T) []T {
	q := r.URL.Query()
	if q.Get("per_page") != "100" {
		s.violate("%s: per_page=%q, want 100", r.URL.Path, q.Get("per_page"))
	}
	per, _ := strconv.Atoi(q.Get("per_page"))
	if per <= 0 || per > 100 {
		per = 30
	}
	n, _ := strconv.Atoi(q.Get("page"))
	n = max(n, 1)
	last := max((len(items)+per-1)/per, 1)
	link := func(p int) string {
		u := url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path}
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(p))
		u.RawQuery = q.Encode()
		return "<" + u.String() + ">"
	}
	var links []string
	if n > 1 {
		links = append(links, link(n-1)+`; rel="prev"`)
	}
	if n < last {
		links = append(links, link(n+1)+`; rel="next"`, link(last)+`; rel="last"`)
	}
	if n > 1 {
		links = append(links, link(1)+`; rel="first"`)
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	lo := min((n-1)*per, len(items))
	return items[lo:min(lo+per, len(items))]
}

func (s *Server) deployments(w http.ResponseWriter, r *http.Request) {
	repo := s.repo(r)
	s.mu.Lock()
	ds := slices.Clone(repo.Deployments)
	s.mu.Unlock()
	slices.SortFunc(ds, func(a, b Deployment) int { return cmp.Or(b.Created.Compare(a.Created), cmp.Compare(b.ID, a.ID)) })
	api := s.URL + "/api/v3/repos/" + repo.Owner + "/" + repo.Name
	out := []any{}
	for _, d := range page(s, w, r, ds) {
		out = append(out, from("list_deployments", map[string]any{"id": d.ID, "sha": d.SHA, "ref": d.SHA,
			"environment": d.Environment, "original_environment": d.Environment, "created_at": ts(d.Created), "updated_at": ts(d.Created),
			"url": fmt.Sprintf("%s/deployments/%d", api, d.ID), "statuses_url": fmt.Sprintf("%s/deployments/%d/statuses", api, d.ID),
			"repository_url": api, "production_environment": d.Environment == "production"}))
	}
	s.reply(w, r, "deployments", out)
}

func (s *Server) statuses(w http.ResponseWriter, r *http.Request) {
	repo := s.repo(r)
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	s.mu.Lock()
	var d *Deployment
	for i := range repo.Deployments {
		if repo.Deployments[i].ID == id {
			d = &repo.Deployments[i]
		}
	}
	var sts []Status
	if d != nil {
		sts = slices.Clone(d.Statuses)
	}
	s.mu.Unlock()
	if d == nil {
		http.NotFound(w, r)
		return
	}
	slices.Reverse(sts) // newest first
	out := []any{}
	for _, st := range page(s, w, r, sts) {
		out = append(out, from("list_deployment_statuses", map[string]any{"id": st.ID, "state": st.State,
			"environment": d.Environment, "created_at": ts(st.Created), "updated_at": ts(st.Created),
			"log_url": fmt.Sprintf("%s/%s/%s/actions/runs/%d", s.URL, repo.Owner, repo.Name, st.ID)}))
	}
	s.reply(w, r, "statuses", out)
}

// compare answers base...head with the commits after base up to head, 250 at most unless the
// client pages with per_page and page, as GitHub does.
func (s *Server) compare(w http.ResponseWriter, r *http.Request) {
	repo := s.repo(r)
	base, head, ok := strings.Cut(r.PathValue("basehead"), "...")
	s.mu.Lock()
	bi, okb := repo.index[base]
	hi, okh := repo.index[head]
	s.mu.Unlock()
	if !ok || !okb || !okh {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"message":"Not Found","documentation_url":"https://docs.github.com/rest/commits/commits#compare-two-commits"}`)
		return
	}
	status, commits := "ahead", []Commit{}
	switch {
	case hi == bi:
		status = "identical"
	case hi < bi:
		status = "behind"
	default:
		commits = repo.Commits[bi+1 : hi+1]
	}
	total := len(commits)
	q := r.URL.Query()
	if q.Has("per_page") || q.Has("page") {
		commits = page(s, w, r, commits)
	} else {
		s.violate("%s: compare without per_page stops at 250 commits", r.URL.Path)
		commits = commits[:min(len(commits), 250)]
	}
	out := []any{}
	for _, c := range commits {
		out = append(out, s.commitJSON(repo, c))
	}
	body := from("compare_commits", map[string]any{"status": status, "ahead_by": max(hi-bi, 0), "behind_by": max(bi-hi, 0),
		"total_commits": total, "commits": out, "files": []any{}})
	s.reply(w, r, "compare", body)
}

func (s *Server) pulls(w http.ResponseWriter, r *http.Request) {
	repo := s.repo(r)
	q := r.URL.Query()
	if q.Get("state") != "closed" || q.Get("sort") != "updated" || q.Get("direction") != "desc" {
		s.violate("pulls: state=%s sort=%s direction=%s", q.Get("state"), q.Get("sort"), q.Get("direction"))
	}
	s.mu.Lock()
	ps := slices.Clone(repo.Pulls)
	s.mu.Unlock()
	slices.SortFunc(ps, func(a, b Pull) int { return cmp.Or(b.Updated.Compare(a.Updated), cmp.Compare(b.Number, a.Number)) })
	out := []any{}
	for _, p := range page(s, w, r, ps) {
		fields := map[string]any{"number": p.Number, "id": 1_000_000 + p.Number, "title": p.Title, "labels": labels(p.Labels),
			"state": "closed", "created_at": ts(p.Created), "updated_at": ts(p.Updated), "closed_at": ts(p.Updated),
			"merged_at": ts(p.Merged), "merge_commit_sha": nil,
			"html_url": fmt.Sprintf("%s/%s/%s/pull/%d", s.URL, repo.Owner, repo.Name, p.Number)}
		if !p.Merged.IsZero() {
			fields["merge_commit_sha"] = p.MergeSHA
		}
		out = append(out, from("list_pull_requests", fields))
	}
	s.reply(w, r, "pulls", out)
}

func (s *Server) pullCommits(w http.ResponseWriter, r *http.Request) {
	repo := s.repo(r)
	n, _ := strconv.Atoi(r.PathValue("number"))
	s.mu.Lock()
	i := slices.IndexFunc(repo.Pulls, func(p Pull) bool { return p.Number == n })
	var commits []Commit
	if i >= 0 {
		commits = slices.Clone(repo.Pulls[i].Commits)
	}
	s.mu.Unlock()
	if i < 0 {
		http.NotFound(w, r)
		return
	}
	out := []any{}
	for _, c := range page(s, w, r, commits) {
		out = append(out, s.commitJSON(repo, c))
	}
	s.reply(w, r, "pull_commits", out)
}

func (s *Server) issues(w http.ResponseWriter, r *http.Request) {
	repo := s.repo(r)
	q := r.URL.Query()
	want := strings.Split(q.Get("labels"), ",")
	if q.Get("labels") == "" {
		want = nil
	}
	s.mu.Lock()
	var is []Issue
	for _, i := range repo.Issues {
		if hasAll(i.Labels, want) && (q.Get("state") == "all" || (q.Get("state") == "closed") == !i.Closed.IsZero()) {
			is = append(is, i)
		}
	}
	s.mu.Unlock()
	slices.SortFunc(is, func(a, b Issue) int { return cmp.Or(b.Updated.Compare(a.Updated), cmp.Compare(b.Number, a.Number)) })
	out := []any{}
	for _, i := range page(s, w, r, is) {
		state := "open"
		if !i.Closed.IsZero() {
			state = "closed"
		}
		m := from("list_issues_for_repo", map[string]any{"number": i.Number, "id": 2_000_000 + i.Number, "title": i.Title, "body": i.Body,
			"labels": labels(i.Labels), "state": state, "created_at": ts(i.Created), "updated_at": ts(i.Updated), "closed_at": ts(i.Closed),
			"html_url": fmt.Sprintf("%s/%s/%s/issues/%d", s.URL, repo.Owner, repo.Name, i.Number)})
		if !i.PullRequest {
			delete(m, "pull_request")
		}
		out = append(out, m)
	}
	s.reply(w, r, "issues", out)
}

func hasAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

func (s *Server) runJSON(repo *Repo, run Run) map[string]any {
	return from("list_workflow_runs_for_repo", map[string]any{"id": run.ID, "head_sha": run.SHA, "status": run.Status,
		"conclusion": nilIfEmpty(run.Conclusion), "created_at": ts(run.Created), "run_started_at": ts(run.Created),
		"updated_at": ts(run.Updated), "path": ".github/workflows/" + run.Workflow,
		"html_url": fmt.Sprintf("%s/%s/%s/actions/runs/%d", s.URL, repo.Owner, repo.Name, run.ID)})
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (s *Server) runs(w http.ResponseWriter, r *http.Request) {
	repo := s.repo(r)
	s.mu.Lock()
	var runs []Run
	for _, run := range repo.Runs {
		if run.Workflow == r.PathValue("file") {
			runs = append(runs, run)
		}
	}
	s.mu.Unlock()
	slices.SortFunc(runs, func(a, b Run) int { return cmp.Or(b.Created.Compare(a.Created), cmp.Compare(b.ID, a.ID)) })
	out := []any{}
	total := len(runs)
	for _, run := range page(s, w, r, runs) {
		out = append(out, s.runJSON(repo, run))
	}
	s.reply(w, r, "runs", map[string]any{"total_count": total, "workflow_runs": out})
}

func (s *Server) run(w http.ResponseWriter, r *http.Request) {
	repo := s.repo(r)
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	s.mu.Lock()
	i := slices.IndexFunc(repo.Runs, func(run Run) bool { return run.ID == id })
	var run Run
	if i >= 0 {
		run = repo.Runs[i]
	}
	s.mu.Unlock()
	if i < 0 {
		http.NotFound(w, r)
		return
	}
	s.reply(w, r, "run", s.runJSON(repo, run))
}

func (s *Server) releaseJSON(repo *Repo, rel Release) map[string]any {
	return from("list_releases", map[string]any{"id": rel.ID, "tag_name": rel.Tag, "name": rel.Tag, "target_commitish": "main",
		"draft": rel.Draft, "prerelease": rel.Prerelease, "created_at": ts(rel.Created), "published_at": ts(rel.Published),
		"html_url": fmt.Sprintf("%s/%s/%s/releases/tag/%s", s.URL, repo.Owner, repo.Name, rel.Tag), "assets": []any{}})
}

func (s *Server) releases(w http.ResponseWriter, r *http.Request) {
	repo := s.repo(r)
	s.mu.Lock()
	rels := slices.Clone(repo.Releases)
	s.mu.Unlock()
	slices.SortFunc(rels, func(a, b Release) int { return cmp.Or(b.Created.Compare(a.Created), cmp.Compare(b.ID, a.ID)) })
	out := []any{}
	for _, rel := range page(s, w, r, rels) {
		out = append(out, s.releaseJSON(repo, rel))
	}
	s.reply(w, r, "releases", out)
}

func (s *Server) release(w http.ResponseWriter, r *http.Request) {
	repo := s.repo(r)
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	s.mu.Lock()
	i := slices.IndexFunc(repo.Releases, func(rel Release) bool { return rel.ID == id })
	var rel Release
	if i >= 0 {
		rel = repo.Releases[i]
	}
	s.mu.Unlock()
	if i < 0 {
		http.NotFound(w, r)
		return
	}
	s.reply(w, r, "release", s.releaseJSON(repo, rel))
}

// commitSHA answers GET /commits/{ref} with the sha media type, as go-github's GetCommitSHA1 asks.
func (s *Server) commitSHA(w http.ResponseWriter, r *http.Request) {
	repo := s.repo(r)
	ref := strings.TrimPrefix(r.PathValue("ref"), "tags/")
	s.mu.Lock()
	sha := ""
	for _, rel := range repo.Releases {
		if rel.Tag == ref {
			sha = rel.SHA
		}
	}
	if _, ok := repo.index[ref]; ok {
		sha = ref
	}
	s.counts["commit_sha"]++
	s.mu.Unlock()
	if sha == "" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.github.sha; charset=utf-8")
	fmt.Fprint(w, sha)
}
