package report

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// browserPrerequisites finds chromium and the ECharts build the browser test needs. Without them
// the test skips, unless DORAREPORT_REQUIRE_BROWSER=1 makes their absence a failure (as in CI).
func browserPrerequisites(t *testing.T) (chromium string, echartsJS []byte) {
	t.Helper()
	missing := func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		if os.Getenv("DORAREPORT_REQUIRE_BROWSER") == "1" {
			t.Fatal(msg + " (DORAREPORT_REQUIRE_BROWSER=1)")
		}
		t.Skip(msg + "; set DORAREPORT_REQUIRE_BROWSER=1 to make this a failure")
	}
	chromium = os.Getenv("DORAREPORT_CHROMIUM")
	if chromium != "" {
		if _, err := exec.LookPath(chromium); err != nil {
			missing("DORAREPORT_CHROMIUM=%s is not an executable", chromium)
		}
	} else {
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				chromium = p
				break
			}
		}
	}
	if chromium == "" {
		missing("no chromium found (install Debian's chromium or set DORAREPORT_CHROMIUM)")
	}
	path := os.Getenv("DORAREPORT_ECHARTS_JS")
	if path == "" {
		path = filepath.Join("..", "..", "node_modules", "echarts", "dist", "echarts.min.js")
	}
	js, err := os.ReadFile(path)
	if err != nil {
		missing("no echarts.min.js at %s (run npm install echarts at the repository root or set DORAREPORT_ECHARTS_JS)", path)
	}
	return chromium, js
}

// artifactDir is where the screenshot goes: DORAREPORT_ARTIFACTS when set, else the test's
// temporary directory.
func artifactDir(t *testing.T) string {
	if dir := os.Getenv("DORAREPORT_ARTIFACTS"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	return t.TempDir()
}

// browserReport is what the page showed chromium.
type browserReport struct {
	charts    []chartCheck
	console   []string
	requests  []string
	xssFired  bool
	bodyText  string
	tipText   string
	injected  int
	screenPNG []byte
}

type chartCheck struct {
	ID      string `json:"id"`
	Canvas  bool   `json:"canvas"`
	Colours int    `json:"colours"`
	Width   int    `json:"width"`
	Height  int    `json:"height"`
}

// The page script that looks into every chart container: is there a canvas, and does it hold
// more than one colour?
const inspectCharts = `Array.from(document.querySelectorAll('.chart')).map(function (el) {
  var c = el.querySelector('canvas');
  if (!c) { return {id: el.id, canvas: false, colours: 0, width: 0, height: 0}; }
  var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, seen = {}, n = 0;
  for (var i = 0; i < d.length && n < 8; i += 4 * 7) {
    var k = d[i] + ',' + d[i+1] + ',' + d[i+2] + ',' + d[i+3];
    if (!seen[k]) { seen[k] = true; n++; }
  }
  return {id: el.id, canvas: true, colours: n, width: c.width, height: c.height};
})`

// showEveryTip opens the tooltip of every data item of the incident timeline, where incident
// titles are shown as HTML tooltips, and returns the text of the last one shown.
const showEveryTip = `(function () {
  var el = document.getElementById('incident-timeline');
  if (!el) { return ''; }
  var chart = echarts.getInstanceByDom(el), text = '';
  chart.getOption().series.forEach(function (s, si) {
    (s.data || []).forEach(function (_, di) {
      chart.dispatchAction({type: 'showTip', seriesIndex: si, dataIndex: di});
      var tip = el.querySelector('div[style*="z-index"]') || el.lastElementChild;
      text += tip ? tip.innerText + '\n' : '';
    });
  });
  return text;
})()`

// The alert trap runs before any page script: a title that executed would set the flag.
const alertTrap = `window.__xss = false;
window.alert = window.confirm = window.prompt = function () { window.__xss = true; };`

// profileDir is a fresh chromium profile. Chromium's helpers may still write to it for a moment
// after the browser exits, so removal retries instead of failing the test as t.TempDir would.
func profileDir(t *testing.T) string {
	dir, err := os.MkdirTemp("", "dorareport-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for range 20 {
			if err = os.RemoveAll(dir); err == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Logf("leaving chromium profile %s: %v", dir, err)
	})
	return dir
}

func openInBrowser(t *testing.T, chromium, file string) browserReport {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox, chromedp.Headless, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profileDir(t)),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	defer cancelTimeout()

	var mu sync.Mutex
	var r browserReport
	chromedp.ListenTarget(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.APITypeError || e.Type == runtime.APITypeAssert {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				r.console = append(r.console, "console."+string(e.Type)+": "+strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			r.console = append(r.console, "exception: "+e.ExceptionDetails.Error())
		case *cdplog.EventEntryAdded:
			if e.Entry.Level == cdplog.LevelError {
				r.console = append(r.console, "log: "+e.Entry.Text+" "+e.Entry.URL)
			}
		case *network.EventRequestWillBeSent:
			r.requests = append(r.requests, e.Request.URL)
		}
	})
	var charts []chartCheck
	err := chromedp.Run(ctx,
		network.Enable(), runtime.Enable(), cdplog.Enable(),
		chromedp.ActionFunc(func(ctx context.Context) error {
			_, err := cdppage.AddScriptToEvaluateOnNewDocument(alertTrap).Do(ctx)
			return err
		}),
		chromedp.Navigate("file://"+file),
		chromedp.WaitReady("body"),
		chromedp.Poll(`Array.from(document.querySelectorAll('.chart')).every(function (el) { return el.querySelector('canvas'); })`, nil,
			chromedp.WithPollingTimeout(20*time.Second)),
		chromedp.Sleep(300*time.Millisecond),
		chromedp.Evaluate(inspectCharts, &charts),
		chromedp.Evaluate(showEveryTip, &r.tipText),
		chromedp.Evaluate(`window.__xss`, &r.xssFired),
		chromedp.Evaluate(`document.body.innerText`, &r.bodyText),
		chromedp.Evaluate(`document.querySelectorAll('img[src="x"], img[onerror]').length`, &r.injected),
		chromedp.FullScreenshot(&r.screenPNG, 100),
	)
	mu.Lock()
	defer mu.Unlock()
	if err != nil {
		t.Fatalf("chromium on %s: %v\nconsole:\n%s", file, err, strings.Join(r.console, "\n"))
	}
	r.charts = charts
	return r
}

func TestBrowser(t *testing.T) {
	chromium, echartsJS := browserPrerequisites(t)
	cases := []struct {
		name   string
		in     Input
		charts int // chart containers the page must hold
	}{
		{"fixture", fixture(), 8},
		{"empty", emptyFixture(), 0},
		{"demo", demoInput(t), 8},
	}
	dir := artifactDir(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := c.in
			in.EChartsJS = echartsJS
			var buf bytes.Buffer
			if err := HTML(&buf, in); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(dir, "report-"+c.name+".html")
			if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			r := openInBrowser(t, chromium, file)

			shot := filepath.Join(dir, "report-"+c.name+".png")
			if err := os.WriteFile(shot, r.screenPNG, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot: %s", shot)

			if len(r.charts) != c.charts {
				t.Errorf("page holds %d chart containers, want %d", len(r.charts), c.charts)
			}
			for _, ch := range r.charts {
				if !ch.Canvas || ch.Width == 0 || ch.Height == 0 {
					t.Errorf("chart %s has no rendered canvas: %+v", ch.ID, ch)
				} else if ch.Colours < 2 {
					t.Errorf("chart %s is blank (one colour over the whole canvas)", ch.ID)
				}
			}
			if len(r.console) > 0 {
				t.Errorf("console errors:\n%s", strings.Join(r.console, "\n"))
			}
			for _, u := range r.requests {
				if !strings.HasPrefix(u, "file:") && !strings.HasPrefix(u, "data:") {
					t.Errorf("the page made a network request to %s", u)
				}
			}
			if r.xssFired || r.injected > 0 {
				t.Errorf("an outside string ran as markup: alert fired %v, injected images %d", r.xssFired, r.injected)
			}
			if c.name == "fixture" && !strings.Contains(r.bodyText, xssTitle) {
				t.Errorf("the incident title %q is not shown as text", xssTitle)
			}
			if c.name == "fixture" && !strings.Contains(r.tipText, xssTitle) {
				t.Errorf("the incident tooltip does not show the title %q as text; tooltips read:\n%s", xssTitle, r.tipText)
			}
			if c.name == "empty" {
				for _, want := range []string{"No deployments in this window.", "Insufficient data"} {
					if !strings.Contains(r.bodyText, want) {
						t.Errorf("the empty report does not say %q", want)
					}
				}
			}
		})
	}
}
