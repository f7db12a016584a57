package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./dora/report -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; inspect the change and rerun with -update if it is intended\n%s", name, firstDifference(got, want))
	}
}

// firstDifference shows the first line where got and want part ways.
func firstDifference(got, want []byte) string {
	g, w := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl []byte
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if !bytes.Equal(gl, wl) {
			return "line " + strconv.Itoa(i+1) + ":\n got: " + clip(gl) + "\nwant: " + clip(wl)
		}
	}
	return ""
}

func clip(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

func render(t testing.TB, fn func(*bytes.Buffer, Input) error, in Input) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := fn(&buf, in); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func htmlOf(b *bytes.Buffer, in Input) error     { return HTML(b, in) }
func markdownOf(b *bytes.Buffer, in Input) error { return Markdown(b, in) }

func TestGolden(t *testing.T) {
	cases := []struct {
		name string
		in   Input
	}{
		{"report", fixture()},
		{"empty", emptyFixture()},
	}
	for _, c := range cases {
		t.Run(c.name+"_html", func(t *testing.T) { golden(t, c.name+".html", render(t, htmlOf, c.in)) })
		t.Run(c.name+"_markdown", func(t *testing.T) { golden(t, c.name+".md", render(t, markdownOf, c.in)) })
	}
}
