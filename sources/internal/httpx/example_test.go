package httpx_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/dorareport/dorareport/sources/internal/httpx"
)

// A source builds one Transport, hands its Client to the vendor library, and keeps ETags to ask
// again conditionally next time.
func Example() {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if calls == 1 {
			w.WriteHeader(http.StatusBadGateway) // a passing failure: retried
			return
		}
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		fmt.Fprint(w, `[]`)
	}))
	defer srv.Close()

	t := httpx.New(httpx.Options{Version: "1.0.0", MinBackoff: time.Millisecond, TokenEnv: "EXAMPLE_TOKEN"})
	client := t.Client()

	resp, err := client.Get(srv.URL + "/items?per_page=100")
	if err != nil {
		fmt.Println(httpx.Clean(err))
		return
	}
	resp.Body.Close()
	etag := httpx.ETag(resp.Header)
	fmt.Println("first:", resp.StatusCode, etag)

	req, _ := http.NewRequestWithContext(httpx.IfNoneMatch(context.Background(), etag), http.MethodGet, srv.URL+"/items?per_page=100", nil)
	_, err = client.Do(req)
	fmt.Println("again: not modified:", errors.Is(err, httpx.ErrNotModified))
	fmt.Printf("%+v\n", t.Stats())
	// Output:
	// first: 200 "v1"
	// again: not modified: true
	// {Requests:3 Retries:1 NotModified:1}
}
