package github_test

import (
	"strconv"
	"strings"
)

func itoa(n int) string { return strconv.Itoa(n) }

// diff shows the first lines that differ between two dumps.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var out []string
	for i := 0; i < max(len(w), len(g)) && len(out) < 10; i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			out = append(out, "- "+cut(a), "+ "+cut(b))
		}
	}
	return strings.Join(out, "\n") + "\n(" + strconv.Itoa(len(w)) + " vs " + strconv.Itoa(len(g)) + " lines)"
}

func cut(line string) string {
	if len(line) > 300 {
		return line[:300] + "…"
	}
	return line
}
