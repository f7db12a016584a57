package httpx

import (
	"net/url"
	"strings"
	"testing"
)

func TestRedactURL(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"gitlab_private_token_is_redacted", "https://gitlab.example.com/api/v4/projects?private_token=glpat-xyz&per_page=100",
			"https://gitlab.example.com/api/v4/projects?per_page=100&private_token=REDACTED"},
		{"oauth_access_token_is_redacted", "https://api.github.com/user?access_token=gho_abc", "https://api.github.com/user?access_token=REDACTED"},
		{"user_information_is_redacted", "https://user:pass@ghe.example.com/api/v3/", "https://REDACTED@ghe.example.com/api/v3/"},
		{"ordinary_parameters_are_kept", "https://api.github.com/repos/o/r/deployments?per_page=100&page=2",
			"https://api.github.com/repos/o/r/deployments?per_page=100&page=2"},
		{"suffixed_secret_names_are_redacted", "https://x.test/?client_secret=s&X-Amz-Signature=abc", "https://x.test/?X-Amz-Signature=abc&client_secret=REDACTED"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u, _ := url.Parse(c.in)
			if got := RedactURL(u); got != c.want {
				t.Errorf("RedactURL(%s) = %s; want %s", c.in, got, c.want)
			}
		})
	}
}

func TestSnippet(t *testing.T) {
	t.Run("json_message_is_quoted_alone", func(t *testing.T) {
		if got := snippet([]byte(`{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}`), nil); got != "Bad credentials" {
			t.Errorf("got %q", got)
		}
	})
	t.Run("long_bodies_are_cut_on_one_line", func(t *testing.T) {
		got := snippet([]byte("<html>\n"+strings.Repeat("é", 400)), nil)
		if len(got) > maxSnippet+len("…") || strings.Contains(got, "\n") || !strings.HasSuffix(got, "…") {
			t.Errorf("got %q (%d bytes)", got, len(got))
		}
	})
	t.Run("secrets_are_scrubbed", func(t *testing.T) {
		if got := snippet([]byte(`token abcd1234 refused`), []string{"abcd1234"}); got != "token REDACTED refused" {
			t.Errorf("got %q", got)
		}
	})
}
