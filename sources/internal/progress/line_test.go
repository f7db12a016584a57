package progress_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dorareport/dorareport/sources/internal/httpx"
	"github.com/dorareport/dorareport/sources/internal/progress"
)

// syncBuffer is written by the redrawing goroutine and read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// transport returns a Transport that has sent one request, answered with a GitHub rate limit.
func transport(t *testing.T, reset time.Time) *httpx.Transport {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-RateLimit-Limit", "5000")
		w.Header().Set("X-RateLimit-Remaining", "4321")
		w.Header().Set("X-RateLimit-Reset", fmt.Sprint(reset.Unix()))
		fmt.Fprint(w, "{}")
	}))
	t.Cleanup(srv.Close)
	tr := httpx.New(httpx.Options{Source: "github"})
	resp, err := tr.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return tr
}

func TestFinalLineCountsUnitsRequestsAndRateLimit(t *testing.T) {
	reset := time.Now().Add(30 * time.Minute).Truncate(time.Second)
	var out syncBuffer
	l := progress.Start(&out, "github", "repos", 3, transport(t, reset))
	l.Done()
	l.Done()
	l.Finish()
	last := out.String()[strings.LastIndex(out.String(), "\r")+1:]
	want := fmt.Sprintf("\x1b[Kgithub: 2/3 repos, 1 requests, rate limit 4321 left (resets %s)\n", reset.Local().Format("15:04"))
	if last != want {
		t.Errorf("last line %q, want %q", last, want)
	}
}

func TestUnknownRateLimitIsLeftOut(t *testing.T) {
	var out syncBuffer
	l := progress.Start(&out, "gitlab", "projects", 1, httpx.New(httpx.Options{Source: "gitlab"}))
	l.Done()
	l.Finish()
	if got, want := out.String(), "\r\x1b[Kgitlab: 1/1 projects, 0 requests\n"; !strings.HasSuffix(got, want) {
		t.Errorf("output %q, want it to end %q", got, want)
	}
}

func TestLineIsRedrawnWhileWorkGoesOn(t *testing.T) {
	var out syncBuffer
	l := progress.Start(&out, "github", "repos", 2, httpx.New(httpx.Options{Source: "github"}))
	defer l.Finish()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "github: 0/2 repos") {
		if time.Now().After(deadline) {
			t.Fatalf("no line drawn before Finish; output %q", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestNilWriterDrawsNothing(t *testing.T) {
	l := progress.Start(nil, "github", "repos", 1, httpx.New(httpx.Options{Source: "github"}))
	l.Done()
	l.Finish() // must neither block nor panic
}
