package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

func TestHTMLEscapesOutsideStrings(t *testing.T) {
	out := string(render(t, htmlOf, fixture()))
	if strings.Contains(out, xssTitle) {
		t.Errorf("the raw incident title %q reached the page", xssTitle)
	}
	if !strings.Contains(out, "&lt;img src=x onerror=alert(1)&gt;") {
		t.Errorf("the incident title is not printed as escaped text")
	}
	if strings.Contains(out, "<img") {
		t.Errorf("the page holds an <img> element, which only an injected string could add")
	}
	// Inside the chart data, the title travels JSON-encoded with <, > escaped.
	if !strings.Contains(out, `\u003cimg src=x onerror=alert(1)\u003e`) {
		t.Errorf("the incident title is missing from the chart tooltips or not JSON-escaped")
	}
}

func TestOnlyHTTPLinks(t *testing.T) {
	out := string(render(t, htmlOf, fixture()))
	for _, href := range regexp.MustCompile(`href="([^"]*)"`).FindAllStringSubmatch(out, -1) {
		if !strings.HasPrefix(href[1], "https://") && !strings.HasPrefix(href[1], "http://") {
			t.Errorf("link to %q: only http(s) URLs may become links", href[1])
		}
	}
	if strings.Contains(out, "javascript:") {
		t.Errorf("a javascript: URL reached the page")
	}
	for _, want := range []string{`href="https://github.com/acme/web/pull/4410"`, `href="https://acme.pagerduty.com/incidents/31"`} {
		if !strings.Contains(out, want) {
			t.Errorf("the http(s) link %s is missing", want)
		}
	}
}

func TestMarkdownEscapesOutsideStrings(t *testing.T) {
	out := string(render(t, markdownOf, fixture()))
	if strings.Contains(out, "javascript:") {
		t.Errorf("a javascript: URL reached the digest")
	}
	if !strings.Contains(out, "[d-412](https://ci.example.com/deploys/412)") {
		t.Errorf("the http(s) deployment link is missing")
	}
	// Every table row keeps its column count although a service name holds "|" and a newline.
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "| ") {
			continue
		}
		cells := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|")
		if cells != 6 {
			t.Errorf("table row has %d separators, want 6: %s", cells, line)
		}
	}
	if !strings.Contains(out, `billing \| ops team`) {
		t.Errorf("the service name with | and a newline is not escaped onto one cell")
	}
}

func TestMarkdownText(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"pipe_stays_in_its_cell", "a|b", `a\|b`},
		{"newline_stays_on_its_row", "a\nb\r\nc", "a b c"},
		{"html_is_not_markup", xssTitle, `\<img src=x onerror=alert(1)\>`},
		{"backtick_opens_no_code", "`x`", "\\`x\\`"},
		{"brackets_make_no_link", "[t](http://x)", `\[t\](http://x)`},
		{"backslash_escapes_nothing", `a\|`, `a\\\|`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := mdText(c.in); got != c.want {
				t.Errorf("mdText(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestLinkable(t *testing.T) {
	cases := []struct {
		name, in string
		ok       bool
	}{
		{"https_links", "https://example.com/a?b=c", true},
		{"http_links", "http://example.com", true},
		{"javascript_does_not", javascriptURL, false},
		{"javascript_in_capitals_does_not", "JavaScript:alert(1)", false},
		{"data_does_not", "data:text/html,<script>alert(1)</script>", false},
		{"relative_does_not", "/deploys/1", false},
		{"scheme_relative_does_not", "//evil.example.com", false},
		{"empty_does_not", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, ok := linkable(c.in); ok != c.ok {
				t.Errorf("linkable(%q) = %v, want %v", c.in, ok, c.ok)
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	for name, fn := range map[string]func(*bytes.Buffer, Input) error{"html": htmlOf, "markdown": markdownOf} {
		a, b := render(t, fn, fixture()), render(t, fn, fixture())
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two renderings of the same input differ\n%s", name, firstDifference(a, b))
		}
	}
}

func TestInlinedLibraryMakesNoRequest(t *testing.T) {
	in := fixture()
	in.EChartsJS = []byte(`window.echarts = {init: function () {}}; var s = "</script><script>alert(1)</script>";`)
	out := string(render(t, htmlOf, in))
	if strings.Contains(out, "<script src=") || strings.Contains(out, cdnURL) {
		t.Errorf("with the library inlined the page still loads a script from outside")
	}
	if strings.Contains(out, "https://go-echarts.github.io") {
		t.Errorf("the content security policy still allows the CDN")
	}
	if strings.Contains(out, "</script><script>alert(1)") {
		t.Errorf("the inlined library can close its own script element")
	}
	for _, attr := range regexp.MustCompile(`(?i)(src|href)="([^"]*)"`).FindAllStringSubmatch(out, -1) {
		if attr[1] == "src" {
			t.Errorf("with the library inlined the page loads %s", attr[2])
		}
	}
	if strings.Contains(out, "@import") || strings.Contains(out, "url(") {
		t.Errorf("the stylesheet fetches a remote resource")
	}
	def := string(render(t, htmlOf, fixture()))
	if !strings.Contains(def, `<script src="`+cdnURL+`"></script>`) {
		t.Errorf("without EChartsJS the page does not load ECharts from the CDN")
	}
}

func TestNoMetrics(t *testing.T) {
	var buf bytes.Buffer
	if err := HTML(&buf, Input{}); err != ErrNoMetrics {
		t.Errorf("HTML without metrics: %v, want ErrNoMetrics", err)
	}
	if err := Markdown(&buf, Input{}); err != ErrNoMetrics {
		t.Errorf("Markdown without metrics: %v, want ErrNoMetrics", err)
	}
}

func TestEmptyDataReadsAsEmpty(t *testing.T) {
	out := string(render(t, htmlOf, emptyFixture()))
	if strings.Contains(out, `class="chart"`) {
		t.Errorf("an empty window still draws a chart")
	}
	for _, want := range []string{"No deployments in this window.", "Insufficient data", "no deployments", "No incidents started in this window."} {
		if !strings.Contains(out, want) {
			t.Errorf("the empty report does not say %q", want)
		}
	}
}

func TestReportTitleIsText(t *testing.T) {
	in := fixture()
	in.Title = xssTitle + " & </title><script>alert(1)</script>"
	out := string(render(t, htmlOf, in))
	if strings.Contains(out, "<script>alert(1)") || strings.Contains(out, xssTitle) {
		t.Errorf("the report title reached the page as markup")
	}
	if !strings.Contains(out, "<h1>&lt;img src=x onerror=alert(1)&gt; &amp; &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</h1>") {
		t.Errorf("the report title is not printed as escaped text in the heading")
	}
	md := string(render(t, markdownOf, in))
	if !strings.HasPrefix(md, `# \<img src=x onerror=alert(1)\> \& \</title\>\<script\>alert(1)\</script\>`) {
		t.Errorf("the digest title is not escaped: %q", strings.SplitN(md, "\n", 2)[0])
	}
}
