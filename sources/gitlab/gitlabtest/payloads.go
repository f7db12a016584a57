package gitlabtest

import (
	"embed"
	"encoding/json"
	"fmt"
	"maps"
	"time"
)

// The templates are the first item of each documentation example in testdata/; every answer
// is a copy with the fields a test describes filled in, so unknown fields keep GitLab's shape.
//
//go:embed testdata/*.json
var testdata embed.FS

var (
	tmplDeployment   = first("list_deployments.json")
	tmplEnvironment  = first("list_environments.json")
	tmplCompare      = object("compare.json")
	getCommit        = object("get_commit.json")
	listMRCommit     = first("list_merge_request_commits.json")
	tmplMergeRequest = first("list_project_merge_requests.json")
	tmplIssue        = first("list_project_issues.json")
)

func object(name string) map[string]any {
	raw, err := testdata.ReadFile("testdata/" + name)
	if err != nil {
		panic(err)
	}
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		panic(fmt.Sprintf("%s: %v", name, err))
	}
	return v
}

func first(name string) map[string]any {
	raw, err := testdata.ReadFile("testdata/" + name)
	if err != nil {
		panic(err)
	}
	var v []map[string]any
	if err := json.Unmarshal(raw, &v); err != nil || len(v) == 0 {
		panic(fmt.Sprintf("%s: %v", name, err))
	}
	return v[0]
}

// clone deep-copies a template; shallow copies what only gets its top-level fields replaced.
func clone(v map[string]any) map[string]any {
	raw, _ := json.Marshal(v)
	var c map[string]any
	json.Unmarshal(raw, &c)
	return c
}

func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

func environmentJSON(e Environment) any {
	v := maps.Clone(tmplEnvironment)
	v["id"], v["name"], v["slug"], v["tier"], v["state"] = e.ID, e.Name, e.Name, e.Tier, "available"
	return v
}

func deploymentJSON(p *Project, d Deployment) any {
	v := clone(tmplDeployment)
	v["id"], v["iid"], v["sha"], v["ref"], v["status"] = d.ID, d.IID, d.SHA, "main", d.Status
	v["created_at"], v["updated_at"] = ts(d.Created), ts(d.Updated)
	env := v["environment"].(map[string]any)
	env["name"] = d.Environment
	for _, e := range p.Environments {
		if e.Name == d.Environment {
			env["id"] = e.ID
		}
	}
	if d.JobID == 0 {
		v["deployable"] = nil
		return v
	}
	job := v["deployable"].(map[string]any)
	job["id"], job["finished_at"], job["created_at"], job["started_at"] = d.JobID, ts(d.JobFinished), ts(d.Created), ts(d.Created)
	job["status"] = map[string]string{"success": "success", "failed": "failed", "canceled": "canceled"}[d.Status]
	commit := job["commit"].(map[string]any)
	commit["id"], commit["short_id"] = d.SHA, d.SHA[:8]
	commit["extended_trailers"] = map[string][]string{"Signed-off-by": {"Jane <jane@example.com>", "Joe <joe@example.com>"}}
	pipeline := job["pipeline"].(map[string]any)
	pipeline["sha"] = d.SHA
	return v
}

func commitJSON(tmpl map[string]any, c Commit, p *Project) any {
	v := maps.Clone(tmpl)
	v["id"], v["short_id"] = c.SHA, c.SHA[:11]
	v["authored_date"], v["committed_date"], v["created_at"] = ts(c.Authored), ts(c.Committed), ts(c.Committed)
	v["parent_ids"] = c.Parents
	if c.Parents == nil {
		v["parent_ids"] = []string{}
	}
	v["web_url"] = fmt.Sprintf("https://gitlab.example.com/%s/-/commit/%s", p.Path, c.SHA)
	if c.SHA[0] < '4' { // a quarter of the commits have a repeated trailer, as commits.md shows them
		v["trailers"] = map[string]string{"Co-authored-by": "Jane <jane@example.com>"}
		v["extended_trailers"] = map[string][]string{"Co-authored-by": {"Jane <jane@example.com>", "Joe <joe@example.com>"}}
	}
	return v
}

func mergeRequestJSON(s *Server, p *Project, m MergeRequest) any {
	v := maps.Clone(tmplMergeRequest)
	v["id"], v["iid"], v["project_id"], v["title"] = 1000+m.IID, m.IID, p.ID, m.Title
	v["created_at"], v["updated_at"], v["merged_at"] = ts(m.Created), ts(m.Updated), ts(m.Merged)
	v["state"], v["closed_at"] = "opened", nil
	if !m.Merged.IsZero() {
		v["state"] = "merged"
	}
	v["labels"] = m.Labels
	if m.Labels == nil {
		v["labels"] = []string{}
	}
	v["merge_commit_sha"], v["squash_commit_sha"] = nilIfEmpty(m.MergeSHA), nilIfEmpty(m.SquashSHA)
	v["squash"], v["squash_on_merge"] = m.SquashSHA != "", m.SquashSHA != ""
	v["web_url"] = fmt.Sprintf("%s/%s/-/merge_requests/%d", s.URL, p.Path, m.IID)
	v["reference"] = fmt.Sprintf("!%d", m.IID)
	return v
}

func issueJSON(s *Server, p *Project, is Issue) any {
	v := maps.Clone(tmplIssue)
	v["id"], v["iid"], v["project_id"], v["title"], v["description"] = 5000+is.IID, is.IID, p.ID, is.Title, is.Description
	v["issue_type"], v["type"] = is.Type, map[bool]string{true: "INCIDENT", false: "ISSUE"}[is.Type == "incident"]
	v["severity"] = is.Severity
	if is.Severity == "" {
		v["severity"] = "UNKNOWN"
	}
	v["created_at"], v["updated_at"], v["closed_at"] = ts(is.Created), ts(is.Updated), ts(is.Closed)
	v["state"] = "opened"
	if !is.Closed.IsZero() {
		v["state"] = "closed"
	}
	v["labels"] = is.Labels
	if is.Labels == nil {
		v["labels"] = []string{}
	}
	v["web_url"] = fmt.Sprintf("%s/%s/-/issues/%d", s.URL, p.Path, is.IID)
	return v
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
