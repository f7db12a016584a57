package githubtest

import (
	"embed"
	"encoding/json"
	"fmt"
	"time"
)

//go:embed testdata/*.json
var vendor embed.FS

// templates are the first item of each of GitHub's example payloads; every answer is built by
// copying one and setting the fields the test describes.
var templates = func() map[string]map[string]any {
	out := map[string]map[string]any{}
	load := func(name string, pick func(any) any) {
		raw, err := vendor.ReadFile("testdata/" + name + ".json")
		if err != nil {
			panic(err) // embedded at build time
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			panic(fmt.Sprintf("testdata/%s.json: %v", name, err))
		}
		out[name] = pick(v).(map[string]any)
	}
	first := func(v any) any { return v.([]any)[0] }
	load("list_deployments", first)
	load("list_deployment_statuses", first)
	load("compare_commits", func(v any) any { return v })
	load("list_pull_requests", first)
	load("list_pull_request_commits", first)
	load("list_issues_for_repo", first)
	load("list_workflow_runs_for_repo", func(v any) any { return v.(map[string]any)["workflow_runs"].([]any)[0] })
	load("list_releases", first)
	return out
}()

// from copies the template name (deeply) and sets fields, whose keys may be paths "a.b.c".
func from(name string, fields map[string]any) map[string]any {
	m := deepCopy(templates[name]).(map[string]any)
	for path, v := range fields {
		set(m, path, v)
	}
	return m
}

func set(m map[string]any, path string, v any) {
	for {
		key, rest, nested := cut(path)
		if !nested {
			m[key] = v
			return
		}
		child, ok := m[key].(map[string]any)
		if !ok {
			child = map[string]any{}
			m[key] = child
		}
		m, path = child, rest
	}
}

func cut(path string) (string, string, bool) {
	for i := range path {
		if path[i] == '.' {
			return path[:i], path[i+1:], true
		}
	}
	return path, "", false
}

func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		c := make(map[string]any, len(v))
		for k, x := range v {
			c[k] = deepCopy(x)
		}
		return c
	case []any:
		c := make([]any, len(v))
		for i, x := range v {
			c[i] = deepCopy(x)
		}
		return c
	}
	return v
}

func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

func labels(names []string) []any {
	out := []any{}
	for i, n := range names {
		out = append(out, map[string]any{"id": 1000 + i, "name": n, "color": "f29513", "default": false, "description": nil})
	}
	return out
}

// commitJSON is a commit as compares and pull request commit lists show it.
func (s *Server) commitJSON(r *Repo, c Commit) map[string]any {
	api := s.URL + "/api/v3/repos/" + r.Owner + "/" + r.Name
	parents := []any{}
	for _, p := range c.Parents {
		parents = append(parents, map[string]any{"sha": p, "url": api + "/commits/" + p, "html_url": s.URL + "/" + r.Owner + "/" + r.Name + "/commit/" + p})
	}
	return from("list_pull_request_commits", map[string]any{
		"sha": c.SHA, "url": api + "/commits/" + c.SHA, "parents": parents,
		"commit.author.date": ts(c.Authored), "commit.committer.date": ts(c.Committed),
		"commit.tree.sha": c.SHA, "commit.message": "change " + c.SHA[:min(7, len(c.SHA))],
	})
}
