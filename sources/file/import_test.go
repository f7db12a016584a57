package file_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/file"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// everyField is one record of each kind with every field it has set, and records with only
// the required ones, to pin that what a file says is what the warehouse holds.
var everyField = lines(
	`{"kind":"deployment","id":"d-101","service":"api","environment":"production","tier":"production","status":"success","sha":"9f2c","repo":"acme/api","started_at":"2024-03-04T11:00:00+01:00","finished_at":"2024-03-04T10:06:00.123456Z","commits":["9f2c","77ab"],"unplanned":true,"url":"https://ci.example.com/101","source":"buildkite","extra":{"ignored":[1,2]}}`,
	`{"kind":"deployment","id":"d-102","environment":"staging","status":"in_progress","sha":"9f2c"}`,
	`{"kind":"deployment","id":"d-103","environment":"production","status":"success","sha":"9f2c","finished_at":"2024-03-05T08:00:00Z","commits":[],"unplanned":false,"service":null}`,
	``,
	`{"kind":"commit","repo":"acme/api","sha":"77ab","parents":["5e01"],"authored_at":"2024-03-01T09:00:00-05:00","committed_at":"2024-03-03T17:00:00Z","pull_request":42,"service":"api"}`,
	`{"kind":"commit","repo":"acme/api","sha":"5e01","parents":[],"authored_at":"2024-02-01T09:00:00Z"}`,
	`{"kind":"commit","repo":"acme/api","sha":"9f2c","authored_at":"2024-03-02T09:00:00Z"}`,
	`   `,
	`{"kind":"pull_request","repo":"acme/api","number":42,"title":"Add rate limiter","labels":["feature","api"],"created_at":"2024-03-01T09:30:00Z","merged_at":"2024-03-04T09:40:00Z","merge_sha":"9f2c","first_commit_at":"2024-03-01T09:00:00Z","url":"https://github.com/acme/api/pull/42"}`,
	`{"kind":"pull_request","repo":"acme/api","number":43,"created_at":"2024-03-02T09:30:00Z"}`,
	`{"kind":"incident","id":"inc-7","service":"api","environment":"production","title":"5xx spike","severity":"sev2","started_at":"2024-03-04T11:00:00Z","resolved_at":"2024-03-04T12:30:00Z","caused_by":"d-101","url":"https://pd.example.com/inc-7","source":"pagerduty"}`,
	`{"kind":"incident","id":"inc-8","started_at":"2024-03-06T11:00:00Z"}`,
)

func TestImportRoundTripsEveryField(t *testing.T) {
	db := openDB(t)
	got, err := importString(t, db, "events.jsonl", everyField)
	if err != nil {
		t.Fatal(err)
	}
	if want := (file.Counts{Deployments: 3, Commits: 3, PullRequests: 2, Incidents: 2}); got != want {
		t.Errorf("counts = %+v, want %+v", got, want)
	}
	wantDeployments := []dora.Deployment{
		{ID: "d-101", Service: "api", Environment: "production", Tier: "production", Status: dora.StatusSuccess, SHA: "9f2c", Repo: "acme/api",
			StartedAt: at("2024-03-04T10:00:00Z"), FinishedAt: at("2024-03-04T10:06:00.123456Z"), Commits: []string{"9f2c", "77ab"},
			Unplanned: true, URL: "https://ci.example.com/101", Source: "buildkite"},
		{ID: "d-102", Environment: "staging", Status: dora.StatusInProgress, SHA: "9f2c"},
		{ID: "d-103", Environment: "production", Status: dora.StatusSuccess, SHA: "9f2c", FinishedAt: at("2024-03-05T08:00:00Z"), Commits: []string{}},
	}
	wantCommits := []dora.Commit{
		{Repo: "acme/api", SHA: "5e01", Parents: []string{}, AuthoredAt: at("2024-02-01T09:00:00Z")},
		{Repo: "acme/api", SHA: "77ab", Parents: []string{"5e01"}, AuthoredAt: at("2024-03-01T14:00:00Z"), CommittedAt: at("2024-03-03T17:00:00Z"), PullRequest: 42, Service: "api"},
		{Repo: "acme/api", SHA: "9f2c", AuthoredAt: at("2024-03-02T09:00:00Z")},
	}
	wantPRs := []dora.PullRequest{
		{Repo: "acme/api", Number: 42, Title: "Add rate limiter", Labels: []string{"feature", "api"}, CreatedAt: at("2024-03-01T09:30:00Z"),
			MergedAt: at("2024-03-04T09:40:00Z"), MergeSHA: "9f2c", FirstCommitAt: at("2024-03-01T09:00:00Z"), URL: "https://github.com/acme/api/pull/42"},
		{Repo: "acme/api", Number: 43, CreatedAt: at("2024-03-02T09:30:00Z")},
	}
	wantIncidents := []dora.Incident{
		{ID: "inc-7", Service: "api", Environment: "production", Title: "5xx spike", Severity: "sev2", StartedAt: at("2024-03-04T11:00:00Z"),
			ResolvedAt: at("2024-03-04T12:30:00Z"), CausedBy: "d-101", URL: "https://pd.example.com/inc-7", Source: "pagerduty"},
		{ID: "inc-8", StartedAt: at("2024-03-06T11:00:00Z")},
	}
	check(t, "deployments", deployments(t, db), wantDeployments)
	check(t, "commits", commits(t, db), wantCommits)
	check(t, "pull requests", pullRequests(t, db), wantPRs)
	check(t, "incidents", incidents(t, db), wantIncidents)
}

// check compares with reflect.DeepEqual, which tells a nil list (unknown) from an empty one.
func check[T any](t *testing.T, what string, got, want []T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

func TestUnusualValuesRoundTrip(t *testing.T) {
	db := openDB(t)
	_, err := importString(t, db, "events.jsonl", lines(
		`{"kind":"incident","id":"inc\u0000nul","title":"🚀 \"quoted\" \ud800","started_at":"1970-01-01T00:00:00Z","resolved_at":"9999-12-31T23:59:59.999999Z"}`,
		`{"kind":"pull_request","repo":"acme/api","number":9223372036854775807,"created_at":"2024-03-04T10:00:00+14:00"}`,
	))
	if err != nil {
		t.Fatal(err)
	}
	check(t, "incidents", incidents(t, db), []dora.Incident{{ID: "inc\x00nul", Title: "🚀 \"quoted\" \uFFFD",
		StartedAt: at("1970-01-01T00:00:00Z"), ResolvedAt: at("9999-12-31T23:59:59.999999Z")}})
	check(t, "pull requests", pullRequests(t, db), []dora.PullRequest{{Repo: "acme/api", Number: 9223372036854775807, CreatedAt: at("2024-03-03T20:00:00Z")}})
}

func TestImportingTwiceChangesNothing(t *testing.T) {
	db := openDB(t)
	seed(t, db)
	if _, err := importString(t, db, "events.jsonl", everyField); err != nil {
		t.Fatal(err)
	}
	once := snapshot(t, db)
	if _, err := importString(t, db, "events.jsonl", everyField); err != nil {
		t.Fatal(err)
	}
	if twice := snapshot(t, db); twice != once {
		t.Errorf("second import changed the warehouse:\n once %s\ntwice %s", once, twice)
	}
}

func TestALaterRecordReplacesAnEarlierOne(t *testing.T) {
	db := openDB(t)
	_, err := importString(t, db, "events.jsonl", lines(
		`{"kind":"incident","id":"inc-1","started_at":"2024-03-04T11:00:00Z"}`,
		`{"kind":"incident","id":"inc-1","started_at":"2024-03-04T11:00:00Z","resolved_at":"2024-03-04T12:00:00Z"}`,
	))
	if err != nil {
		t.Fatal(err)
	}
	got := incidents(t, db)
	if len(got) != 1 || !got[0].ResolvedAt.Equal(at("2024-03-04T12:00:00Z")) {
		t.Errorf("incidents = %+v, want one, resolved at 12:00", got)
	}
}

// The CSV files in testdata say what everyField says; both formats must store the same rows.
func TestCSVStoresWhatJSONLStores(t *testing.T) {
	fromJSONL := openDB(t)
	if _, err := importString(t, fromJSONL, "events.jsonl", everyField); err != nil {
		t.Fatal(err)
	}
	fromCSV := openDB(t)
	var total file.Counts
	for _, name := range []string{"deployments.csv", "commits.csv", "pull_requests.csv", "incidents.csv"} {
		n, err := file.ImportPath(context.Background(), fromCSV, "testdata/csv/"+name, file.Options{})
		if err != nil {
			t.Fatal(err)
		}
		total.Deployments += n.Deployments
		total.Commits += n.Commits
		total.PullRequests += n.PullRequests
		total.Incidents += n.Incidents
	}
	if want := (file.Counts{Deployments: 3, Commits: 3, PullRequests: 2, Incidents: 2}); total != want {
		t.Errorf("counts = %+v, want %+v", total, want)
	}
	if a, b := snapshot(t, fromJSONL), snapshot(t, fromCSV); a != b {
		t.Errorf("CSV and JSONL differ:\nJSONL %s\n  CSV %s", a, b)
	}
	check(t, "deployments", deployments(t, fromCSV), deployments(t, fromJSONL))
}

func TestCSVListCells(t *testing.T) {
	db := openDB(t)
	_, err := importString(t, db, "deployments.csv", "id,environment,status,sha,finished_at,commits\n"+
		"empty_cell_is_unknown,production,success,a1,2024-03-04T10:00:00Z,\n"+
		"lone_semicolon_is_known_empty,production,success,a1,2024-03-04T10:00:00Z,;\n"+
		"items_are_trimmed,production,success,a1,2024-03-04T10:00:00Z, a1 ; b2 \n")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, d := range deployments(t, db) {
		got[d.ID] = d.Commits
	}
	want := map[string][]string{
		"empty_cell_is_unknown":         nil,
		"lone_semicolon_is_known_empty": {},
		"items_are_trimmed":             {"a1", "b2"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("commits = %#v, want %#v", got, want)
	}
}

func TestCSVHeader(t *testing.T) {
	db := openDB(t)
	// A spreadsheet export: a byte order mark, capitalised and padded names, columns in another
	// order, a column dorareport does not know, CRLF line ends and a quoted cell.
	_, err := importString(t, db, "incidents.csv", "\uFEFFStarted_At , ID,Pager Team,title,kind\r\n"+
		"2024-03-04T11:00:00Z,inc-1,blue,\"Checkout down, \"\"again\"\"\",incident\r\n")
	if err != nil {
		t.Fatal(err)
	}
	want := []dora.Incident{{ID: "inc-1", Title: `Checkout down, "again"`, StartedAt: at("2024-03-04T11:00:00Z")}}
	check(t, "incidents", incidents(t, db), want)
}

func TestKindOfACSVFile(t *testing.T) {
	deployment := "id,environment,status,sha,finished_at\nd-1,production,success,a1,2024-03-04T10:00:00Z\n"
	cases := []struct {
		name, path, kind string
		want             file.Counts
		wantErr          string
	}{
		{"plural_name", "deployments.csv", "", file.Counts{Deployments: 1}, ""},
		{"singular_name", "deployment.csv", "", file.Counts{Deployments: 1}, ""},
		{"name_in_a_directory", "exports/2024/Deployments.CSV", "", file.Counts{Deployments: 1}, ""},
		{"option_names_the_kind", "deploys.csv", "deployment", file.Counts{Deployments: 1}, ""},
		{"option_makes_any_name_csv", "deploys.txt", "deployments", file.Counts{Deployments: 1}, ""},
		{"unknown_name_without_option", "deploys.csv", "", file.Counts{}, "deploys.csv: invalid record: cannot tell which kind"},
		{"unknown_kind_option", "deploys.csv", "release", file.Counts{}, `unknown kind "release"`},
		{"option_on_jsonl_file", "events.jsonl", "deployment", file.Counts{}, "applies to CSV files only"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db := openDB(t)
			got, err := file.Import(context.Background(), db, c.path, strings.NewReader(deployment), file.Options{Kind: c.kind})
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("counts = %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestDashReadsStdin(t *testing.T) {
	db := openDB(t)
	in := strings.NewReader(`{"kind":"incident","id":"inc-1","started_at":"2024-03-04T11:00:00Z"}` + "\n" + `{"kind":"incident"}`)
	_, err := file.ImportPath(context.Background(), db, "-", file.Options{Stdin: in})
	if err == nil || !strings.HasPrefix(err.Error(), "stdin:2: ") {
		t.Fatalf("err = %v, want it to start with stdin:2:", err)
	}
	in = strings.NewReader("id,started_at\ninc-1,2024-03-04T11:00:00Z\n")
	got, err := file.ImportPath(context.Background(), db, "-", file.Options{Stdin: in, Kind: "incident"})
	if err != nil || got.Incidents != 1 {
		t.Fatalf("CSV on stdin: counts %+v, err %v; want one incident", got, err)
	}
}

func TestMissingFileIsNotInvalidInput(t *testing.T) {
	_, err := file.ImportPath(context.Background(), openDB(t), "testdata/no-such-file.jsonl", file.Options{})
	if !errors.Is(err, os.ErrNotExist) || errors.Is(err, dora.ErrInvalid) {
		t.Errorf("err = %v, want a not-exist error that is not dora.ErrInvalid", err)
	}
}

func TestCancelledImportWritesNothing(t *testing.T) {
	db := openDB(t)
	seed(t, db)
	before := snapshot(t, db)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := file.Import(ctx, db, "events.jsonl", strings.NewReader(everyField), file.Options{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if after := snapshot(t, db); after != before {
		t.Errorf("cancelled import changed the warehouse")
	}
}

// The sample the README points to must stay importable.
func TestSampleEventsImport(t *testing.T) {
	got, err := file.ImportPath(context.Background(), openDB(t), "../../testdata/events/sample.jsonl", file.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := (file.Counts{Deployments: 7, Commits: 5, PullRequests: 3, Incidents: 2}); got != want {
		t.Errorf("counts = %+v, want %+v", got, want)
	}
}

func TestSeveralFilesAreImportedAllOrNothing(t *testing.T) {
	db := openDB(t)
	seed(t, db)
	before := snapshot(t, db)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.jsonl")
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(good, []byte(everyField), 0o644)
	os.WriteFile(bad, []byte(`{"kind":"incident","id":"inc-9","started_at":"2024-03-04T11:00:00Z"}`+"\n"+`{"kind":"incident"}`+"\n"), 0o644)
	_, err := file.ImportPaths(context.Background(), db, []string{good, bad}, file.Options{})
	if !errors.Is(err, dora.ErrInvalid) || !strings.HasPrefix(err.Error(), bad+":2: ") {
		t.Fatalf("err = %v, want %s:2: wrapping dora.ErrInvalid", err, bad)
	}
	if after := snapshot(t, db); after != before {
		t.Errorf("the good file before the bad one was written")
	}
	counts, err := file.ImportPaths(context.Background(), db, []string{good, good}, file.Options{})
	if err != nil || len(counts) != 2 || counts[0] != counts[1] || counts[0].Total() == 0 {
		t.Errorf("counts %+v, err %v; want the same non-zero counts for each file", counts, err)
	}
}
