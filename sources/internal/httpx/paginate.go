package httpx

import (
	"net/http"
	"strconv"
	"strings"
)

// Links parses the Link headers of h (RFC 8288, as GitHub and GitLab send them) into a map from
// relation ("next", "last", ...) to URL.
func Links(h http.Header) map[string]string {
	links := map[string]string{}
	for _, header := range h.Values("Link") {
		for _, part := range splitLinks(header) {
			open, close := strings.IndexByte(part, '<'), strings.IndexByte(part, '>')
			if open < 0 || close < open {
				continue
			}
			target := part[open+1 : close]
			for _, param := range strings.Split(part[close+1:], ";") {
				name, value, ok := strings.Cut(strings.TrimSpace(param), "=")
				if !ok || !strings.EqualFold(strings.TrimSpace(name), "rel") {
					continue
				}
				for _, rel := range strings.Fields(strings.Trim(strings.TrimSpace(value), `"`)) {
					links[strings.ToLower(rel)] = target
				}
			}
		}
	}
	return links
}

// splitLinks splits a Link header at the commas between links, not those inside <URL>.
func splitLinks(header string) []string {
	var parts []string
	depth, start := 0, 0
	for i, r := range header {
		switch r {
		case '<':
			depth++
		case '>':
			depth--
		case ',':
			if depth == 0 {
				parts = append(parts, header[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, header[start:])
}

// NextLink returns the URL of the rel="next" Link of h, or "" on the last page.
func NextLink(h http.Header) string { return Links(h)["next"] }

// NextPage returns GitLab's X-Next-Page, which is empty on the last page (and the only paging
// header GitLab always sends: X-Total and X-Total-Pages are left out on large collections).
func NextPage(h http.Header) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(h.Get("X-Next-Page")))
	if err != nil || n <= 0 {
		return 0, false
	}
	return n, true
}
