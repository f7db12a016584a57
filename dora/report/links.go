package report

import (
	"net/url"
	"strings"
)

// linkable returns u normalised when it is an absolute http or https URL, the only kinds a
// report turns into links; anything else (javascript:, data:, relative paths) stays text.
func linkable(u string) (string, bool) {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || p.Host == "" {
		return "", false
	}
	switch strings.ToLower(p.Scheme) {
	case "http", "https":
	default:
		return "", false
	}
	return p.String(), true
}
