package config

import (
	"errors"
	"os"
	"testing"
)

// Any input either decodes or is rejected with an *Error; nothing panics.
func FuzzParse(f *testing.F) {
	if data, err := os.ReadFile("testdata/full.yaml"); err == nil {
		f.Add(data)
	}
	for _, s := range []string{
		"", "database: x\n", "definitions:\n  incident_window: 48h\n", "services:\n  - name: a\n  - name: a\n",
		"sources:\n  github:\n    repos: [a/b]\n", "a: &x [1]\nb: *x\n", "- 1\n- 2\n", "database: [x\n", "!!map {}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fuzz.yaml", data)
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %v is a %T, not an *Error", err, err)
			}
			return
		}
		seen := map[string]bool{}
		for _, s := range c.Services {
			if s.Name == "" || seen[s.Name] {
				t.Fatalf("accepted services %+v", c.Services)
			}
			seen[s.Name] = true
		}
	})
}
