// Package causedby reads the line of an incident's description that names the deployment that
// caused it, "caused by: REF", the way GitHub and GitLab incident issues carry it, and completes
// an abbreviated sha from the deployments a collector stored.
package causedby

import (
	"regexp"
	"strings"

	"github.com/dorareport/dorareport/dora"
)

// line is a line opening with "caused by:" (or caused-by, caused_by), after any quote or list
// markers; REF may be in backticks.
var line = regexp.MustCompile(`(?im)^[\s>*_-]*caused[ _-]by\s*:\s*` + "`?" + `([^\s` + "`" + `]+)`)

// Ref returns what the first "caused by: REF" line of text names, without a leading "#" and
// trailing sentence punctuation; ok is false when text has no such line.
func Ref(text string) (ref string, ok bool) {
	m := line.FindStringSubmatch(text)
	if m == nil {
		return "", false
	}
	return strings.TrimRight(strings.TrimPrefix(m[1], "#"), ".,;)"), true
}

// CompleteSHA returns the one sha of deployments that ref abbreviates, when ref is 7 to 39
// hexadecimal digits (in either case). It returns "" when ref is no abbreviation or no sha
// matches, and reports ambiguous, with "", when two different shas do.
func CompleteSHA(ref string, deployments map[string]dora.Deployment) (full string, ambiguous bool) {
	if len(ref) < 7 || len(ref) >= 40 || strings.Trim(strings.ToLower(ref), "0123456789abcdef") != "" {
		return "", false
	}
	prefix := strings.ToLower(ref)
	for _, d := range deployments {
		if strings.HasPrefix(d.SHA, prefix) {
			if full != "" && full != d.SHA {
				return "", true
			}
			full = d.SHA
		}
	}
	return full, false
}
