package dora

import (
	"errors"
	"fmt"
	"strings"
)

// ErrAuth is wrapped by every error of a source whose credentials were refused (HTTP 401, or a
// 403 that is not a rate limit), so callers can tell "fix your token" (exit code 4) from other
// failures with errors.Is.
var ErrAuth = errors.New("authentication or permission refused")

// AuthError is a refusal of credentials by a source. It matches ErrAuth with errors.Is and says
// which environment variable holds the token to check; the token itself never appears in it.
type AuthError struct {
	Source   string // the collector's Name, e.g. "github"
	TokenEnv string // the environment variable the token was read from; empty when unknown
	Status   int    // the HTTP status; 0 when the refusal did not come over HTTP
	Endpoint string // what was refused, e.g. "GET /repos/acme/api/deployments"
	Message  string // the source's own explanation, if it gave one
}

func (e *AuthError) Error() string {
	var b strings.Builder
	b.WriteString(e.Source)
	b.WriteString(": ")
	b.WriteString(ErrAuth.Error())
	if e.Status != 0 {
		fmt.Fprintf(&b, " (HTTP %d", e.Status)
		if e.Endpoint != "" {
			b.WriteString(" on " + e.Endpoint)
		}
		b.WriteString(")")
	} else if e.Endpoint != "" {
		b.WriteString(" on " + e.Endpoint)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.TokenEnv != "" {
		b.WriteString("; check the token in $" + e.TokenEnv)
	}
	return b.String()
}

// Is makes errors.Is(err, ErrAuth) true for an *AuthError anywhere in err's chain.
func (e *AuthError) Is(target error) bool { return target == ErrAuth }
