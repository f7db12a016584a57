package httpx

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// An answer of unexpected size fails its read, naming the request, once it passes the limit;
// nothing past the limit is taken in.
func TestAnswerLargerThanTheLimitFailsItsRead(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "[")
		for i := 0; i < 1<<16; i++ {
			io.WriteString(w, `{"id":1,"padding":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},`)
		}
		io.WriteString(w, "{}]")
	}))
	defer srv.Close()
	client := New(Options{MaxResponse: 1 << 20}).Client()
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL+"/repos/o/r/deployments?per_page=100", nil)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var items []map[string]any
	err = json.NewDecoder(resp.Body).Decode(&items)
	if !errors.Is(err, ErrResponseTooLarge) {
		t.Fatalf("decoding a 3.5 MiB answer with a 1 MiB limit: err = %v, want ErrResponseTooLarge", err)
	}
	if !strings.Contains(err.Error(), "GET ") || !strings.Contains(err.Error(), "/repos/o/r/deployments") {
		t.Errorf("the error %q does not name the request", err)
	}
}

func TestAnswerWithinTheLimitReadsWhole(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, strings.Repeat("x", 1<<20))
	}))
	defer srv.Close()
	resp, err := New(Options{MaxResponse: 1 << 20}).Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || len(b) != 1<<20 {
		t.Errorf("read %d bytes, %v; want the whole MiB", len(b), err)
	}
}
