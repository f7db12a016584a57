package httpx

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A token stays out of errors and logs however a server hands it back: percent-encoded in an
// echoed request URL, or in the URL of a redirect under a query parameter of any name.
func TestSecretsStayOutOfErrorsAndLogs(t *testing.T) {
	const token = "u+Xk3/9qPz7WvL2mRt=" // PagerDuty-like: '+', '/' and '=' change when URL-encoded
	forms := []string{token, url.QueryEscape(token), url.PathEscape(token)}
	echo := func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte(`{"message":"failed: ` + r.URL.String() + `"}`))
	}
	for _, tc := range []struct {
		name, redirect string
	}{
		{"echoed_url_encoded_in_the_answer", "/incidents?limit=100&access_token=" + url.QueryEscape(token)},
		{"in_a_redirect_under_any_parameter_name", "/incidents?limit=100&state=" + url.QueryEscape(token)},
		{"in_a_redirect_path", "/" + url.PathEscape(token) + "/incidents"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			tr, _, _, base := setup(t, Options{Secrets: []string{token}, MaxRetries: 1,
				Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))},
				func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, tc.redirect, http.StatusFound) }, echo)
			_, err := tr.Client().Get(base + "/incidents")
			err = Clean(err)
			if _, ok := err.(*StatusError); !ok {
				t.Fatalf("err = %v, want a *StatusError", err)
			}
			if !strings.Contains(logs.String(), "retrying after server error") {
				t.Fatalf("no retry was logged: %s", logs.String())
			}
			for where, text := range map[string]string{"error": err.Error(), "log": logs.String()} {
				for _, form := range forms {
					if strings.Contains(text, form) {
						t.Errorf("the %s shows the token as %q: %s", where, form, text)
					}
				}
				if !strings.Contains(text, redacted) {
					t.Errorf("the %s names no REDACTED part: %s", where, text)
				}
			}
		})
	}
}
