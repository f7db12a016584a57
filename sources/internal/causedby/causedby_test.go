package causedby_test

import (
	"strings"
	"testing"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/internal/causedby"
)

func TestRef(t *testing.T) {
	for _, tc := range []struct {
		name, text, want string
		ok               bool
	}{
		{"plain line", "Errors after the deploy.\n\ncaused by: 1234\n", "1234", true},
		{"quoted line in backticks", "> caused by: `abc1234f`", "abc1234f", true},
		{"list item", "- caused by: d-101", "d-101", true},
		{"bold marker", "**caused by: d-101", "d-101", true},
		{"any case", "Caused By: ABCDEF1", "ABCDEF1", true},
		{"hyphen", "caused-by: 42", "42", true},
		{"underscore", "caused_by: 42", "42", true},
		{"space before colon", "caused by :  42", "42", true},
		{"issue-style number loses its hash", "caused by: #42", "42", true},
		{"sentence punctuation is trimmed", "caused by: 42).", "42", true},
		{"first line wins", "caused by: 1\ncaused by: 2", "1", true},
		{"full id kept as written", "caused by: acme/api/deployments/7", "acme/api/deployments/7", true},
		{"mid-sentence mention is no line", "this was caused by: 42", "", false},
		{"no colon", "caused by 42", "", false},
		{"no line", "Customers see 500s.", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := causedby.Ref(tc.text)
			if got != tc.want || ok != tc.ok {
				t.Errorf("Ref(%q) = %q, %v; want %q, %v", tc.text, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestCompleteSHA(t *testing.T) {
	a := "abc1234" + strings.Repeat("0", 33)
	b := "abc1234" + strings.Repeat("9", 33)
	c := "def5678" + strings.Repeat("1", 33)
	deps := map[string]dora.Deployment{
		"d1": {ID: "d1", SHA: a},
		"d2": {ID: "d2", SHA: b},
		"d3": {ID: "d3", SHA: c},
		"d4": {ID: "d4", SHA: c}, // a sha deployed twice is still one sha
	}
	for _, tc := range []struct {
		name, ref, full string
		ambiguous       bool
	}{
		{"unique prefix completes", "def5678", c, false},
		{"upper case completes", "DEF5678", c, false},
		{"longer prefix tells two shas apart", "abc12340", a, false},
		{"prefix of two different shas is ambiguous", "abc1234", "", true},
		{"six digits are no abbreviation", "def567", "", false},
		{"a full sha is not completed", c, "", false},
		{"not hexadecimal", "def567z", "", false},
		{"a number that matches no sha", "1234567", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			full, ambiguous := causedby.CompleteSHA(tc.ref, deps)
			if full != tc.full || ambiguous != tc.ambiguous {
				t.Errorf("CompleteSHA(%q) = %q, %v; want %q, %v", tc.ref, full, ambiguous, tc.full, tc.ambiguous)
			}
		})
	}
	if full, ambiguous := causedby.CompleteSHA("def5678", nil); full != "" || ambiguous {
		t.Errorf("CompleteSHA without deployments = %q, %v; want \"\", false", full, ambiguous)
	}
}
