package githubtest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Events renders what a correct collector must store for the repository's deployments,
// commits, pull requests and incident issues (label "incident") as dorareport event lines
// (JSONL, INTERFACES.md), worked out from the repository alone. Importing them must give the
// same metrics as collecting the repository from the fake.
func (r *Repo) Events() []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	name := r.Owner + "/" + r.Name
	index := map[string]int{}
	for i, c := range r.Commits {
		index[c.SHA] = i
	}
	type deployment struct {
		Kind        string    `json:"kind"`
		ID          string    `json:"id"`
		Environment string    `json:"environment"`
		Status      string    `json:"status"`
		SHA         string    `json:"sha"`
		Repo        string    `json:"repo"`
		StartedAt   time.Time `json:"started_at"`
		FinishedAt  time.Time `json:"finished_at,omitzero"`
		Commits     []string  `json:"commits"`
	}
	var deps []*deployment
	for _, d := range r.Deployments {
		e := &deployment{Kind: "deployment", ID: fmt.Sprintf("%s/deployments/%d", name, d.ID), Environment: d.Environment,
			Status: "in_progress", SHA: d.SHA, Repo: name, StartedAt: d.Created.UTC()}
		var last *Status
		inactive := false
		for i, s := range d.Statuses {
			if s.State == "inactive" {
				inactive = true
			} else if last == nil || s.ID > last.ID {
				last = &d.Statuses[i]
			}
		}
		switch {
		case last == nil && inactive:
			e.Status, e.FinishedAt = "cancelled", d.Statuses[len(d.Statuses)-1].Created
		case last != nil && last.State == "success":
			e.Status, e.FinishedAt = "success", last.Created
		case last != nil && (last.State == "failure" || last.State == "error"):
			e.Status, e.FinishedAt = "failure", last.Created
		}
		deps = append(deps, e)
	}
	shipped := map[string]bool{}
	byEnv := map[string][]*deployment{}
	for _, e := range deps {
		if e.Status == "success" {
			byEnv[e.Environment] = append(byEnv[e.Environment], e)
		}
	}
	for _, ds := range byEnv {
		slices.SortFunc(ds, func(a, b *deployment) int { return cmp.Or(a.FinishedAt.Compare(b.FinishedAt), cmp.Compare(a.ID, b.ID)) })
		for k := 1; k < len(ds); k++ {
			lo, okl := index[ds[k-1].SHA]
			hi, okh := index[ds[k].SHA]
			if !okl || !okh {
				continue
			}
			ds[k].Commits = []string{}
			for i := lo + 1; i <= hi; i++ {
				ds[k].Commits = append(ds[k].Commits, r.Commits[i].SHA)
				shipped[r.Commits[i].SHA] = true
			}
		}
	}
	for _, e := range deps {
		enc.Encode(e)
	}
	prOf := map[string]int{}
	for _, p := range r.Pulls {
		if !p.Merged.IsZero() {
			prOf[p.MergeSHA] = p.Number
		}
	}
	for _, c := range r.Commits {
		if shipped[c.SHA] {
			enc.Encode(map[string]any{"kind": "commit", "repo": name, "sha": c.SHA, "parents": append([]string{}, c.Parents...),
				"authored_at": c.Authored.UTC(), "committed_at": c.Committed.UTC(), "pull_request": prOf[c.SHA]})
		}
	}
	for _, p := range r.Pulls {
		if p.Merged.IsZero() {
			continue
		}
		e := map[string]any{"kind": "pull_request", "repo": name, "number": p.Number, "title": p.Title, "labels": p.Labels,
			"created_at": p.Created.UTC(), "merged_at": p.Merged.UTC(), "merge_sha": p.MergeSHA}
		if i, ok := index[p.MergeSHA]; ok && shipped[p.MergeSHA] && len(r.Commits[i].Parents) == 1 && len(p.Commits) > 0 {
			first := p.Commits[0].Authored
			for _, c := range p.Commits {
				if c.Authored.Before(first) {
					first = c.Authored
				}
			}
			e["first_commit_at"] = first.UTC()
		}
		enc.Encode(e)
	}
	causedBy := regexp.MustCompile("(?im)^[\\s>]*caused by:\\s*`?([0-9a-f]+)`?\\s*$")
	for _, is := range r.Issues {
		if is.PullRequest || !slices.Contains(is.Labels, "incident") {
			continue
		}
		e := map[string]any{"kind": "incident", "id": fmt.Sprintf("%s/issues/%d", name, is.Number), "service": name,
			"title": is.Title, "started_at": is.Created.UTC()}
		if !is.Closed.IsZero() {
			e["resolved_at"] = is.Closed.UTC()
		}
		for _, l := range is.Labels {
			if strings.HasPrefix(l, "sev") {
				e["severity"] = l
			}
		}
		if m := causedBy.FindStringSubmatch(is.Body); m != nil {
			e["caused_by"] = fmt.Sprintf("%s/deployments/%s", name, m[1])
			if len(m[1]) >= 7 { // an abbreviated sha of a deployment
				for _, d := range r.Deployments {
					if strings.HasPrefix(d.SHA, m[1]) {
						e["caused_by"] = d.SHA
					}
				}
			}
		}
		enc.Encode(e)
	}
	return buf.Bytes()
}
