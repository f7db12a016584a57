package httpx

import (
	"encoding/json"
	"net/url"
	"strings"
	"unicode/utf8"
)

// secretParams are query parameters that carry credentials in the APIs dorareport talks to
// (GitLab's private_token, OAuth's access_token and client_secret, Opsgenie's apiKey, signed URLs).
var secretParams = []string{"token", "access_token", "private_token", "job_token", "client_secret",
	"api_key", "apikey", "key", "secret", "password", "sig", "signature", "auth"}

const redacted = "REDACTED"

// RedactURL returns u as a string with its user information and the values of secret query
// parameters replaced by REDACTED.
func RedactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	if c.User != nil {
		c.User = url.User(redacted)
	}
	if c.RawQuery != "" {
		q := c.Query()
		changed := false
		for name := range q {
			if isSecretParam(name) {
				q[name] = []string{redacted}
				changed = true
			}
		}
		if changed {
			c.RawQuery = q.Encode()
		}
	}
	return c.String()
}

func isSecretParam(name string) bool {
	name = strings.ToLower(name)
	for _, s := range secretParams {
		if name == s || strings.HasSuffix(name, "_"+s) {
			return true
		}
	}
	return false
}

// redactString redacts a URL given as text; text that does not parse is dropped whole, since
// its secrets cannot be found.
func redactString(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return RedactURL(u)
}

// scrub replaces every occurrence of the secrets in s, also as they read inside a URL: a server
// that echoes a request URL shows a token with '+', '/' or '=' percent-encoded.
func scrub(s string, secrets []string) string {
	for _, secret := range secrets {
		if len(secret) < 4 { // shorter strings are too common to be secrets worth hiding
			continue
		}
		for _, form := range []string{secret, url.QueryEscape(secret), url.PathEscape(secret)} {
			s = strings.ReplaceAll(s, form, redacted)
		}
	}
	return s
}

// redactURL is RedactURL with the secrets scrubbed as well, wherever in the URL they are: a
// server can redirect to a URL that carries the token under any name.
func (t *Transport) redactURL(u *url.URL) string {
	return scrub(RedactURL(u), t.opts.Secrets)
}

// maxSnippet bounds the answer text quoted in a StatusError.
const maxSnippet = 300

// snippet summarises an error answer: its JSON "message" (GitHub, GitLab, PagerDuty all send
// one) or else its first bytes, on one line, with secrets scrubbed.
func snippet(body []byte, secrets []string) string {
	var msg struct {
		Message any `json:"message"`
		Error   any `json:"error"`
	}
	text := string(body)
	if json.Unmarshal(body, &msg) == nil {
		switch {
		case msg.Message != nil:
			text = jsonText(msg.Message)
		case msg.Error != nil:
			text = jsonText(msg.Error)
		}
	}
	text = strings.Join(strings.Fields(scrub(text, secrets)), " ")
	if len(text) > maxSnippet {
		cut := maxSnippet
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut] + "…"
	}
	return text
}

func jsonText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}
