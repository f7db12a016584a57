package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
)

// With SOURCE_DATE_EPOCH the same database, window and options give byte-identical reports.
func TestReportIsReproducibleWithSourceDateEpoch(t *testing.T) {
	db := importedDB(t)
	dir := t.TempDir()
	epoch := invocation{env: map[string]string{"SOURCE_DATE_EPOCH": "1718000000"}} // 2024-06-10T06:13:20Z
	var outputs [][]byte
	for i, name := range []string{"a.md", "b.md"} {
		out := filepath.Join(dir, name)
		if r := epoch.run(t, args("report", "--db", db, window, "--format", "markdown", "-o", out)...); r.code != 0 {
			t.Fatalf("run %d: exit %d: %s", i, r.code, r.stderr)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		outputs = append(outputs, data)
	}
	if !bytes.Equal(outputs[0], outputs[1]) {
		t.Error("two runs with the same SOURCE_DATE_EPOCH differ")
	}
	if !bytes.Contains(outputs[0], []byte("10 Jun 2024 06:13 UTC")) {
		t.Errorf("the report does not show the generated-at date of SOURCE_DATE_EPOCH:\n%s", outputs[0])
	}
	// Without --since and --until, SOURCE_DATE_EPOCH is also the end of the default window.
	stdout := epoch.run(t, "report", "--db", db, "--format", "markdown").stdout
	if stdout != epoch.run(t, "report", "--db", db, "--format", "markdown").stdout || stdout == "" {
		t.Error("reports over the default window differ under SOURCE_DATE_EPOCH")
	}
}

func TestReportHTMLToStdoutAndFile(t *testing.T) {
	db := importedDB(t)
	r := must(t, args("report", "--db", db, window, "--title", "Acme <platform>")...)
	if !strings.Contains(strings.ToLower(r.stdout), "<html") {
		t.Errorf("stdout is not HTML: %.200s", r.stdout)
	}
	if !strings.Contains(r.stdout, "Acme &lt;platform&gt;") {
		t.Error("--title is not in the page")
	}
	js := writeFile(t, t.TempDir(), "echarts.min.js", "/* inline-echarts-marker */")
	out := filepath.Join(t.TempDir(), "r.html")
	must(t, args("report", "--db", db, window, "--echarts-js", js, "-o", out)...)
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte("inline-echarts-marker")) {
		t.Error("--echarts-js was not inlined")
	}
}

func TestReportLastMonthMarkdown(t *testing.T) {
	db := importedDB(t)
	r := must(t, "report", "--db", db, "--last", "month", "--format", "markdown", "--title", "Acme", "--by", "team")
	if !strings.HasPrefix(r.stdout, "# Acme\n") || !strings.Contains(r.stdout, "1–31 May 2024") {
		t.Errorf("report of last month at the fixed clock:\n%.300s", r.stdout)
	}
}

func TestDemoWritesTheReport(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a year of history")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "demo.html")
	r := invocation{env: map[string]string{"SOURCE_DATE_EPOCH": "1718452800"}}.run(t, "demo", "-o", out, "--db", filepath.Join(dir, "demo.duckdb"))
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	info, err := os.Stat(out)
	if err != nil || info.Size() == 0 {
		t.Fatalf("demo wrote no report: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	if len(lines) != 6 || !strings.HasPrefix(lines[0], "Wrote "+out+": 8 services, 2024-03-17 to 2024-06-15") {
		t.Fatalf("stderr is not where it wrote plus five headline lines:\n%s", r.stderr)
	}
	for i, metric := range []string{"Deployment frequency", "Lead time for changes", "Change failure rate", "Recovery time", "Rework rate"} {
		if !strings.Contains(lines[i+1], metric) {
			t.Errorf("headline line %d = %q, want %s", i+1, lines[i+1], metric)
		}
	}
	// SOURCE_DATE_EPOCH fixes the end of the history too, so a second demo is the same page.
	again := filepath.Join(dir, "again.html")
	if r := (invocation{env: map[string]string{"SOURCE_DATE_EPOCH": "1718452800"}}).run(t, "demo", "-o", again); r.code != 0 {
		t.Fatalf("second demo: exit %d: %s", r.code, r.stderr)
	}
	first, _ := os.ReadFile(out)
	second, _ := os.ReadFile(again)
	if !bytes.Equal(first, second) {
		t.Error("two demos with the same SOURCE_DATE_EPOCH differ")
	}
	// The kept database holds the commit ranges of its deployments without a commit list.
	db, err := dora.OpenReadOnly(context.Background(), filepath.Join(dir, "demo.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	var ranges int
	err = db.SQL().QueryRow(`SELECT count(*) FROM commit_ranges`).Scan(&ranges)
	db.Close()
	if err != nil || ranges == 0 {
		t.Errorf("demo indexed %d commit ranges (%v), want some", ranges, err)
	}
	// The kept database answers metrics like any other.
	m := must(t, "metrics", "--db", filepath.Join(dir, "demo.duckdb"), "--since", "2024-03-17", "--until", "2024-06-15", "--format", "table")
	if !strings.Contains(m.stdout, "overall") {
		t.Errorf("metrics on the demo database: %s", m.stdout)
	}
}

// By default a report breaks the organisation down by service and by team; --by narrows it to
// one dimension.
func TestReportGroupsByServiceAndTeamUnlessByNarrowsIt(t *testing.T) {
	path := importedDB(t)
	ctx := context.Background()
	db, err := dora.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var services []dora.Service
	rows, err := db.SQL().QueryContext(ctx, `SELECT DISTINCT coalesce(service, repo) FROM deployments ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		services = append(services, dora.Service{Name: name, Team: "team of " + name})
	}
	rows.Close()
	if err := db.SetServices(ctx, services); err != nil {
		t.Fatal(err)
	}
	q := dora.Query{Since: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)}
	dimensionsOf := func(q dora.Query) map[dora.Dimension]bool {
		in, err := reportInput(ctx, db, q)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[dora.Dimension]bool{}
		for _, g := range in.Current.Groups {
			seen[g.By] = true
		}
		return seen
	}
	if got := dimensionsOf(q); !got[dora.ByService] || !got[dora.ByTeam] || len(got) != 2 {
		t.Errorf("default report groups by %v, want service and team", got)
	}
	db.Close()
	html := must(t, args("report", "--db", path, window)...).stdout
	if !strings.Contains(html, "team of "+services[0].Name) {
		t.Errorf("the default HTML report has no breakdown by team (no %q)", "team of "+services[0].Name)
	}
	if db, err = dora.Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	q.By = dora.ByRepo
	if got := dimensionsOf(q); !got[dora.ByRepo] || len(got) != 1 {
		t.Errorf("report --by repo groups by %v, want repo only", got)
	}
}
