package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dorareport/dorareport/dora"
)

const eventsFile = "testdata/events.jsonl"

// events returns the absolute path of the test events, which stays valid after t.Chdir.
func events(t *testing.T) string {
	t.Helper()
	p, err := filepath.Abs("testdata/events.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestImportTwiceGivesIdenticalMetrics(t *testing.T) {
	db := filepath.Join(t.TempDir(), "d.duckdb")
	r := must(t, "import", "--db", db, eventsFile)
	if !strings.Contains(r.stderr, "imported testdata/events.jsonl: 8 deployments, 4 commits, 2 pull requests, 2 incidents") {
		t.Errorf("stderr = %q", r.stderr)
	}
	metrics := args("metrics", "--db", db, window, "--by", "service", "--interval", "week")
	first := must(t, metrics...).stdout
	must(t, "import", "--db", db, eventsFile)
	if second := must(t, metrics...).stdout; second != first {
		t.Errorf("metrics changed on the second import:\nfirst:  %s\nsecond: %s", first, second)
	}
	var m dora.Metrics
	if err := json.Unmarshal([]byte(first), &m); err != nil {
		t.Fatal(err)
	}
	if m.Overall.DeploymentFrequency.Deployments != 6 {
		t.Errorf("deployments = %d, want the 6 successful production deployments", m.Overall.DeploymentFrequency.Deployments)
	}
}

// A bad line rejects the whole file with exit code 3 and FILE:LINE, and the database keeps
// exactly what it held before.
func TestImportBadFileExits3AndWritesNothing(t *testing.T) {
	db := filepath.Join(t.TempDir(), "d.duckdb")
	must(t, "import", "--db", db, eventsFile)
	metrics := args("metrics", "--db", db, window)
	before := must(t, metrics...).stdout

	r := dorareport(t, "import", "--db", db, "testdata/bad.jsonl")
	if r.code != exitInvalidData {
		t.Fatalf("exit %d, want 3; stderr: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "testdata/bad.jsonl:2:") {
		t.Errorf("stderr %q does not name FILE:LINE", r.stderr)
	}
	if after := must(t, metrics...).stdout; after != before {
		t.Errorf("the rejected file changed the metrics:\nbefore: %s\nafter:  %s", before, after)
	}
}

// Several files are imported all or nothing: a bad one rejects the good ones before and after it.
func TestImportOfSeveralFilesIsAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "d.duckdb")
	later := writeFile(t, dir, "later.jsonl", `{"kind":"incident","id":"late","started_at":"2024-05-10T00:00:00Z"}`+"\n")
	r := dorareport(t, "import", "--db", db, eventsFile, "testdata/bad.jsonl", later)
	if r.code != exitInvalidData || !strings.Contains(r.stderr, "testdata/bad.jsonl:2:") {
		t.Fatalf("exit %d, want 3 naming testdata/bad.jsonl:2; stderr: %s", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, "imported ") {
		t.Errorf("stderr reports an import: %q", r.stderr)
	}
	var m dora.Metrics
	if err := json.Unmarshal([]byte(must(t, args("metrics", "--db", db, window)...).stdout), &m); err != nil {
		t.Fatal(err)
	}
	if n := m.Overall.DeploymentFrequency.Deployments + m.Overall.TimeToRestore.N + m.Overall.TimeToRestore.Open; n != 0 {
		t.Errorf("the files around the bad one were written: %d deployments and incidents", n)
	}
}

func TestImportStdinAndCSV(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "d.duckdb")
	data, err := os.ReadFile(eventsFile)
	if err != nil {
		t.Fatal(err)
	}
	r := invocation{stdin: string(data)}.run(t, "import", "--db", db, "-")
	if r.code != 0 || !strings.Contains(r.stderr, "imported stdin: 8 deployments") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	csv := writeFile(t, dir, "extra.csv", "id,environment,status,sha,finished_at,service\nc-1,production,success,c1,2024-05-15T10:00:00Z,cron\n")
	r = dorareport(t, "import", "--db", db, "--kind", "deployment", csv)
	if r.code != 0 || !strings.Contains(r.stderr, "1 deployments") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestImportMissingFileExits1(t *testing.T) {
	r := dorareport(t, "import", "--db", filepath.Join(t.TempDir(), "d.duckdb"), "no-such-file.jsonl")
	if r.code != exitFailure || !strings.Contains(r.stderr, "no-such-file.jsonl") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}
