package gitlab_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/gitlab"
	"github.com/dorareport/dorareport/sources/gitlab/gitlabtest"
)

// glEndpoints are the answers a collection decodes, by the path after /projects/ID.
var glEndpoints = []struct {
	name  string
	match func(rest string) bool
}{
	{"project", func(rest string) bool { return rest == "" }},
	{"environments", func(rest string) bool { return rest == "/environments" }},
	{"deployments", func(rest string) bool { return rest == "/deployments" }},
	{"compare", func(rest string) bool { return rest == "/repository/compare" }},
	{"merge requests", func(rest string) bool { return rest == "/merge_requests" }},
	{"merge request commits", func(rest string) bool {
		return strings.HasPrefix(rest, "/merge_requests/") && strings.HasSuffix(rest, "/commits")
	}},
	{"issues", func(rest string) bool { return rest == "/issues" }},
}

// FuzzPayloads serves an arbitrary body, with status 200, for one endpoint of the fake and runs
// a whole collection into an in-memory warehouse. Whatever the body, Collect must return within
// a few seconds without panicking, and either store records (the Writer validates each one) or
// fail with an error that names GitLab and the project.
func FuzzPayloads(f *testing.F) {
	f.Fuzz(func(t *testing.T, endpoint uint8, body []byte) {
		ep := glEndpoints[int(endpoint)%len(glEndpoints)]
		fake := gitlabtest.New(gitlabtest.Synthetic(1, 42, "acme/platform", t0, gitlabtest.Size{Deployments: 4, Commits: 16, MergeRequests: 4}))
		defer fake.Close()
		fake.Token = token
		fake.Fail = func(r *http.Request, _ int) (gitlabtest.Fault, bool) {
			_, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.EscapedPath(), "/api/v4/projects/"), "/")
			if rest != "" {
				rest = "/" + rest
			}
			if !ep.match(rest) {
				return gitlabtest.Fault{}, false
			}
			return gitlabtest.Fault{Status: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}, Body: string(body)}, true
		}
		db, err := dora.Open(context.Background(), "")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err = gitlab.New(gitlab.Config{BaseURL: fake.APIURL(), Token: token, Projects: []string{"acme/platform"},
			MaxWait: time.Second, Version: "test"}).Collect(ctx, db)
		switch {
		case ctx.Err() != nil:
			t.Fatalf("%s: the collection did not end within 10s: %v", ep.name, err)
		case err == nil:
		case errors.Is(err, dora.ErrInvalid):
			t.Fatalf("%s: a record failed validation on write instead of being rejected at its endpoint: %v", ep.name, err)
		case !strings.HasPrefix(err.Error(), "gitlab: ") || !strings.Contains(err.Error(), "acme/platform"):
			t.Fatalf("%s: the error does not name GitLab and the project: %v", ep.name, err)
		}
	})
}
