package file_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/sources/file"
)

// good is a valid first line, so each case proves that records before the bad line are not
// written either; the blank line after it proves blank lines are counted.
const good = `{"kind":"deployment","id":"new-1","environment":"production","status":"success","sha":"b2","finished_at":"2024-03-04T10:00:00Z"}` + "\n\n"

const csvHeader = "id,environment,status,sha,finished_at,commits\n"
const csvGood = "new-1,production,success,b2,2024-03-04T10:00:00Z,b2\n"

func TestABadLineRejectsTheWholeFile(t *testing.T) {
	cases := []struct {
		rule, name, content string
		want                string // the whole message after "invalid record: ", or its start
	}{
		{"missing_required_field", "events.jsonl",
			good + `{"kind":"deployment","id":"d-1","status":"success","sha":"b2","finished_at":"2024-03-04T10:00:00Z"}`,
			"events.jsonl:3: invalid record: deployment d-1: missing environment"},
		{"missing_finished_at_of_a_finished_deployment", "events.jsonl",
			good + `{"kind":"deployment","id":"d-1","environment":"production","status":"failure","sha":"b2"}`,
			"events.jsonl:3: invalid record: deployment d-1: missing finished_at"},
		{"bad_time", "events.jsonl",
			good + `{"kind":"commit","repo":"acme/api","sha":"b2","authored_at":"yesterday"}`,
			`events.jsonl:3: invalid record: authored_at: "yesterday" is not an RFC 3339 time`},
		{"time_without_offset", "events.jsonl",
			good + `{"kind":"deployment","id":"d-1","environment":"production","status":"success","sha":"b2","finished_at":"2024-03-04T10:00:00"}`,
			`events.jsonl:3: invalid record: finished_at: "2024-03-04T10:00:00" has no UTC offset`},
		{"date_without_time", "events.jsonl",
			good + `{"kind":"incident","id":"i-1","started_at":"2024-03-04"}`,
			`events.jsonl:3: invalid record: started_at: "2024-03-04" is not an RFC 3339 time`},
		{"time_out_of_range", "events.jsonl",
			good + `{"kind":"incident","id":"i-1","started_at":"0001-01-01T00:00:00Z"}`,
			`events.jsonl:3: invalid record: started_at: "0001-01-01T00:00:00Z" is outside the years 1970 to 9999`},
		{"unknown_kind", "events.jsonl",
			good + `{"kind":"release","id":"r-1"}`,
			`events.jsonl:3: invalid record: unknown kind "release"`},
		{"missing_kind", "events.jsonl",
			good + `{"id":"d-1","environment":"production"}`,
			`events.jsonl:3: invalid record: missing kind`},
		{"kind_is_case_sensitive", "events.jsonl",
			good + `{"Kind":"deployment","id":"d-1"}`,
			`events.jsonl:3: invalid record: missing kind`},
		{"invalid_JSON", "events.jsonl",
			good + `{"kind":"incident","id":"i-1",}`,
			`events.jsonl:3: invalid record: invalid JSON: invalid character '}'`},
		{"two_objects_on_one_line", "events.jsonl",
			good + `{"kind":"incident"} {"kind":"incident"}`,
			`events.jsonl:3: invalid record: invalid JSON: invalid character '{' after top-level value`},
		{"not_an_object", "events.jsonl",
			good + `["kind","incident"]`,
			`events.jsonl:3: invalid record: want one JSON object per line, got a list`},
		{"wrong_type_string_for_integer", "events.jsonl",
			good + `{"kind":"pull_request","repo":"acme/api","number":"42","created_at":"2024-03-04T10:00:00Z"}`,
			`events.jsonl:3: invalid record: number: want an integer, got a string "42"`},
		{"wrong_type_fraction_for_integer", "events.jsonl",
			good + `{"kind":"pull_request","repo":"acme/api","number":4.5,"created_at":"2024-03-04T10:00:00Z"}`,
			`events.jsonl:3: invalid record: number: want an integer, got a number 4.5`},
		{"wrong_type_string_for_list", "events.jsonl",
			good + `{"kind":"deployment","id":"d-1","environment":"production","status":"success","sha":"b2","finished_at":"2024-03-04T10:00:00Z","commits":"b2"}`,
			`events.jsonl:3: invalid record: commits: want a list of strings, got a string "b2"`},
		{"wrong_type_number_in_list", "events.jsonl",
			good + `{"kind":"pull_request","repo":"acme/api","number":42,"created_at":"2024-03-04T10:00:00Z","labels":["bug",7]}`,
			`events.jsonl:3: invalid record: labels: want a list of strings, got a list ["bug",7]`},
		{"wrong_type_number_for_string", "events.jsonl",
			good + `{"kind":"incident","id":7,"started_at":"2024-03-04T10:00:00Z"}`,
			`events.jsonl:3: invalid record: id: want a string, got a number 7`},
		{"wrong_type_string_for_boolean", "events.jsonl",
			good + `{"kind":"deployment","id":"d-1","environment":"production","status":"success","sha":"b2","finished_at":"2024-03-04T10:00:00Z","unplanned":"yes"}`,
			`events.jsonl:3: invalid record: unplanned: want true or false, got a string "yes"`},
		{"empty_list_item", "events.jsonl",
			good + `{"kind":"commit","repo":"acme/api","sha":"b2","authored_at":"2024-03-04T10:00:00Z","parents":["a1",""]}`,
			`events.jsonl:3: invalid record: parents: item 2 is empty`},
		{"bad_status", "events.jsonl",
			good + `{"kind":"deployment","id":"d-1","environment":"production","status":"ok","sha":"b2","finished_at":"2024-03-04T10:00:00Z"}`,
			`events.jsonl:3: invalid record: deployment d-1: unknown status "ok"`},
		{"negative_pull_request", "events.jsonl",
			good + `{"kind":"commit","repo":"acme/api","sha":"b2","authored_at":"2024-03-04T10:00:00Z","pull_request":-1}`,
			`events.jsonl:3: invalid record: pull_request: -1 is not a pull request number`},
		{"resolved_before_started", "events.jsonl",
			good + `{"kind":"incident","id":"i-1","started_at":"2024-03-04T10:00:00Z","resolved_at":"2024-03-04T09:00:00Z"}`,
			`events.jsonl:3: invalid record: incident i-1: resolved_at is before started_at`},
		{"CSV_missing_column", "deployments.csv",
			"id,status,sha,finished_at\n" + csvGood,
			`deployments.csv:1: invalid record: the header lacks the required column "environment"`},
		{"CSV_duplicate_column", "deployments.csv",
			"id,environment,status,sha,SHA\n",
			`deployments.csv:1: invalid record: column "sha" appears twice`},
		{"CSV_bad_list", "deployments.csv",
			csvHeader + csvGood + "d-2,production,success,b2,2024-03-04T10:00:00Z,a1;;b2\n",
			`deployments.csv:3: invalid record: commits: item 2 of "a1;;b2" is empty`},
		{"CSV_bad_time", "deployments.csv",
			csvHeader + csvGood + "d-2,production,success,b2,04/03/2024 10:00,\n",
			`deployments.csv:3: invalid record: finished_at: "04/03/2024 10:00" is not an RFC 3339 time`},
		{"CSV_bad_boolean", "deployments.csv",
			"id,environment,status,sha,finished_at,unplanned\nd-2,production,success,b2,2024-03-04T10:00:00Z,yes\n",
			`deployments.csv:2: invalid record: unplanned: "yes" is not true or false`},
		{"CSV_bad_integer", "pull_requests.csv",
			"repo,number,created_at\nacme/api,#42,2024-03-04T10:00:00Z\n",
			`pull_requests.csv:2: invalid record: number: "#42" is not an integer`},
		{"CSV_missing_required_cell", "deployments.csv",
			csvHeader + csvGood + "d-2,,success,b2,2024-03-04T10:00:00Z,\n",
			`deployments.csv:3: invalid record: deployment d-2: missing environment`},
		{"CSV_wrong_number_of_fields", "deployments.csv",
			csvHeader + csvGood + "d-2,production,success,b2\n",
			`deployments.csv:3: invalid record: the row has a different number of fields than the header`},
		{"CSV_unclosed_quote", "deployments.csv",
			csvHeader + csvGood + "d-2,\"production,success,b2,2024-03-04T10:00:00Z,\n",
			`deployments.csv:3: invalid record: extraneous or missing " in quoted-field`},
		{"CSV_lines_count_newlines_in_quoted_cells", "incidents.csv",
			"id,title,started_at\ninc-1,\"two\nlines\",2024-03-04T10:00:00Z\ninc-2,,2024-03-04T10:00:00\n",
			`incidents.csv:4: invalid record: started_at: "2024-03-04T10:00:00" has no UTC offset`},
		{"CSV_row_of_another_kind", "deployments.csv",
			"kind," + csvHeader + "deployment," + csvGood + "incident,d-2,production,success,b2,2024-03-04T10:00:00Z,\n",
			`deployments.csv:3: invalid record: kind "incident" in a file of deployments`},
		{"CSV_invalid_UTF8", "deployments.csv",
			csvHeader + csvGood + "d-2,prod\xff,success,b2,2024-03-04T10:00:00Z,\n",
			`deployments.csv:3: invalid record: column 2 ("environment"): not valid UTF-8`},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			db := openDB(t)
			seed(t, db)
			before := snapshot(t, db)
			_, err := importString(t, db, c.name, c.content)
			t.Log(err)
			var le *file.LineError
			if !errors.As(err, &le) {
				t.Fatalf("err = %v (%T), want a *file.LineError", err, err)
			}
			if !errors.Is(err, dora.ErrInvalid) {
				t.Errorf("err = %v, does not wrap dora.ErrInvalid", err)
			}
			if !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("err = %q\nwant it to start with %q", err, c.want)
			}
			if after := snapshot(t, db); after != before {
				t.Errorf("the rejected file changed the warehouse:\nbefore %s\n after %s", before, after)
			}
		})
	}
}
