package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/dorareport/dorareport/dora"
)

func importedDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "d.duckdb")
	must(t, "import", "--db", db, eventsFile)
	return db
}

// The JSON is json.Marshal of the library's result, indented by two spaces, with a series (written
// a point at a time) or without.
func TestMetricsJSON(t *testing.T) {
	db := importedDB(t)
	indented := func(t *testing.T, stdout string) {
		t.Helper()
		var m dora.Metrics
		if err := json.Unmarshal([]byte(stdout), &m); err != nil {
			t.Fatal(err)
		}
		again, err := json.MarshalIndent(&m, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if string(again)+"\n" != stdout {
			t.Errorf("output is not the indented JSON of dora.Metrics:\n%s", stdout)
		}
	}
	indented(t, must(t, args("metrics", "--db", db, window, "--by", "service")...).stdout)
	r := must(t, args("metrics", "--db", db, window, "--by", "service", "--interval", "week")...)
	indented(t, r.stdout)
	for _, key := range []string{`"groups": [`, `"series": [`, `"by": "service"`, `"period": "2024-05-06"`, `"median_seconds": null`} {
		if !strings.Contains(r.stdout, key) {
			t.Errorf("JSON lacks %s", key)
		}
	}
}

// CSV has one row per scope and the JSON's numbers at full precision.
func TestMetricsCSV(t *testing.T) {
	db := importedDB(t)
	out := filepath.Join(t.TempDir(), "m.csv")
	must(t, args("metrics", "--db", db, window, "--by", "service", "--interval", "week", "--format", "csv", "-o", out)...)
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var m dora.Metrics
	if err := json.Unmarshal([]byte(must(t, args("metrics", "--db", db, window, "--by", "service", "--interval", "week")...).stdout), &m); err != nil {
		t.Fatal(err)
	}
	if want := 1 + 1 + len(m.Groups) + len(m.Series); len(rows) != want {
		t.Fatalf("%d rows, want a header and one per scope: %d", len(rows), want)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	for _, name := range []string{"scope", "by", "key", "period", "deployment_frequency.per_day", "lead_time.median_seconds", "lead_time.n",
		"change_failure_rate.rate", "recovery_time.p90_seconds", "rework_rate.rate", "time_to_restore.open", "data_quality.negative_lead_times"} {
		if _, ok := col[name]; !ok {
			t.Errorf("no column %s in %v", name, rows[0])
		}
	}
	overall := rows[1]
	if overall[col["scope"]] != "overall" {
		t.Errorf("first row is %v", overall)
	}
	perDay, err := strconv.ParseFloat(overall[col["deployment_frequency.per_day"]], 64)
	if err != nil || perDay != m.Overall.DeploymentFrequency.PerDay {
		t.Errorf("per_day %q is not the full-precision %v", overall[col["deployment_frequency.per_day"]], m.Overall.DeploymentFrequency.PerDay)
	}
	if rows[2][col["scope"]] != "group" || rows[2][col["by"]] != "service" || rows[2][col["key"]] != m.Groups[0].Key {
		t.Errorf("second row is %v", rows[2])
	}
	last := rows[len(rows)-1]
	if last[col["scope"]] != "series" || last[col["period"]] != m.Series[len(m.Series)-1].Period {
		t.Errorf("last row is %v", last)
	}
}

func TestCSVColumnsFollowTheJSONNames(t *testing.T) {
	var v dora.Values
	v.LeadTime.Median = new(float64)
	*v.LeadTime.Median = 1.5
	cols := valueColumns(reflect.TypeOf(v), "")
	cells := appendValueCells(nil, reflect.ValueOf(v))
	if len(cols) != len(cells) {
		t.Fatalf("%d columns but %d cells", len(cols), len(cells))
	}
	got := map[string]string{}
	for i := range cols {
		got[cols[i]] = cells[i]
	}
	if got["lead_time.median_seconds"] != "1.5" || got["lead_time.p75_seconds"] != "" || got["lead_time.n"] != "0" {
		t.Errorf("cells = %v", got)
	}
}

func TestMetricsTable(t *testing.T) {
	db := importedDB(t)
	r := must(t, args("metrics", "--db", db, window, "--by", "service", "--interval", "month", "--format", "table")...)
	lines := strings.Split(r.stdout, "\n")
	if !strings.HasPrefix(lines[0], "2024-05-01T00:00:00Z to 2024-06-01T00:00:00Z (31 days)") {
		t.Errorf("first line %q", lines[0])
	}
	var header, overall string
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "SCOPE"):
			header = l
		case strings.HasPrefix(l, "overall"):
			overall = l
		}
	}
	if header == "" || overall == "" {
		t.Fatalf("no header or overall row:\n%s", r.stdout)
	}
	// A column starts at the same offset in every row.
	if i := strings.Index(header, "LEAD TIME p50"); len(overall) <= i || overall[i] == ' ' || overall[i-1] != ' ' {
		t.Errorf("lead time column is not aligned:\n%s\n%s", header, overall)
	}
	if !strings.Contains(r.stdout, "service api") || !strings.Contains(r.stdout, "PERIOD") {
		t.Errorf("table lacks groups or series:\n%s", r.stdout)
	}
}

func TestHumanUnits(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		got, want string
	}{
		{humanSeconds(nil), "-"},
		{humanSeconds(f(42)), "42s"},
		{humanSeconds(f(90 * 60)), "1.5h"},
		{humanSeconds(f(12 * 60)), "12m"},
		{humanSeconds(f(3 * 86400)), "3d"},
		{humanSeconds(f(36 * 3600)), "36h"},
		{percent(f(0.075)), "7.5%"},
		{percent(nil), "-"},
		{withLevel("3", dora.LevelInsufficient), "3 (too few)"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

// metrics and report never create a database: a mistyped --db is an error, not empty metrics.
func TestReadersRefuseAMissingDatabase(t *testing.T) {
	for _, cmd := range []string{"metrics", "report"} {
		path := filepath.Join(t.TempDir(), "typo.duckdb")
		r := dorareport(t, cmd, "--db", path)
		if r.code != exitFailure || !strings.Contains(r.stderr, "there is no database "+path) {
			t.Errorf("%s: exit %d, stderr %q", cmd, r.code, r.stderr)
		}
		if _, err := os.Stat(path); err == nil {
			t.Errorf("%s created %s", cmd, path)
		}
	}
}

func TestVerboseLogsDebugOnStderr(t *testing.T) {
	db := importedDB(t)
	quiet := must(t, args("metrics", "--db", db, window)...)
	loud := must(t, args("metrics", "-v", "--db", db, window)...)
	if strings.Contains(quiet.stderr, "DEBUG") || !strings.Contains(loud.stderr, "level=DEBUG msg=\"opened database\"") {
		t.Errorf("quiet stderr %q, verbose stderr %q", quiet.stderr, loud.stderr)
	}
	if quiet.stdout != loud.stdout {
		t.Error("-v changed the output")
	}
}
