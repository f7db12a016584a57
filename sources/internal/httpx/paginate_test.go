package httpx

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

// TestNextLinkFollowsRecordedGitHubPages replays the five pages that api.github.com answered in
// octokit's recorded paginate-issues scenario, rewriting only the host, and follows rel="next"
// from the first page to the last.
func TestNextLinkFollowsRecordedGitHubPages(t *testing.T) {
	raw, err := os.ReadFile("testdata/paginate_issues.raw.json")
	if err != nil {
		t.Fatal(err)
	}
	var pages []struct {
		Path    string            `json:"path"`
		Status  int               `json:"status"`
		Headers map[string]string `json:"headers"`
		Body    json.RawMessage   `json:"body"`
	}
	if err := json.Unmarshal(raw, &pages); err != nil {
		t.Fatal(err)
	}
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, p := range pages {
			if p.Path == r.URL.RequestURI() {
				for k, v := range p.Headers {
					w.Header().Set(k, strings.ReplaceAll(v, "https://api.github.com", srv.URL))
				}
				w.WriteHeader(p.Status)
				w.Write(p.Body)
				return
			}
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	client := New(Options{}).Client()
	next := srv.URL + pages[0].Path
	var visited []string
	for next != "" {
		resp, err := client.Get(next)
		if err != nil {
			t.Fatal(Clean(err))
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		visited = append(visited, resp.Request.URL.RequestURI())
		next = NextLink(resp.Header)
	}
	if len(visited) != 5 || visited[4] != pages[4].Path {
		t.Errorf("visited %v; want the 5 recorded pages in order", visited)
	}
}

func TestLinks(t *testing.T) {
	h := http.Header{}
	h.Add("Link", `<https://x.test/a?page=2&q=a,b>; rel="next", <https://x.test/a?page=9>; rel="last"`)
	h.Add("Link", `<https://x.test/a?page=1>; rel="first prev"`)
	links := Links(h)
	want := map[string]string{"next": "https://x.test/a?page=2&q=a,b", "last": "https://x.test/a?page=9",
		"first": "https://x.test/a?page=1", "prev": "https://x.test/a?page=1"}
	for rel, u := range want {
		if links[rel] != u {
			t.Errorf("rel %s = %q; want %q (commas inside <URL> and several rels per link)", rel, links[rel], u)
		}
	}
	if NextLink(http.Header{}) != "" {
		t.Error("no Link header means no next page")
	}
}

// TestNextPageReadsGitLabHeaders uses the header block of GitLab's pagination documentation.
func TestNextPageReadsGitLabHeaders(t *testing.T) {
	f, err := os.Open("testdata/pagination_headers.example.http")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := http.Header{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if name, value, ok := strings.Cut(sc.Text(), ": "); ok && !strings.HasPrefix(name, "#") {
			h.Add(name, value)
		}
	}
	if n, ok := NextPage(h); !ok || n != 3 {
		t.Errorf("NextPage = %d, %v; want 3", n, ok)
	}
	if !strings.Contains(NextLink(h), "page=3") {
		t.Errorf("NextLink = %q; want the page=3 link", NextLink(h))
	}
	h.Set("X-Next-Page", "")
	if _, ok := NextPage(h); ok {
		t.Error("an empty X-Next-Page is the last page")
	}
}
