// Package file imports event files: deployments, commits, pull requests and incidents written
// as JSON Lines or CSV by scripts, exports and other tools, for systems that dorareport has no
// collector for.
//
//	counts, err := file.ImportPath(ctx, db, "events.jsonl", file.Options{})
//
// A file is imported in one transaction: every record of it is written, or, when any line is bad,
// none is (ImportPaths does the same for several files together). The error then is a *LineError
// that reads "FILE:LINE: reason" and wraps dora.ErrInvalid. Importing a record again (same kind and
// identity) replaces it, so importing a file twice changes nothing. Files are streamed: the reader
// holds one line (JSONL) or record (CSV) at a time, of at most 16 MiB, and hands records to the
// warehouse as it goes.
//
// # JSON Lines
//
// One JSON object per line, with a "kind" of deployment, commit, pull_request or incident.
// Blank lines are skipped; fields not listed below are ignored, and null is the same as an
// absent field.
//
//	{"kind":"deployment","id":"d-101","service":"api","environment":"production","status":"success","sha":"9f2c41e","repo":"acme/api","started_at":"2024-03-04T10:00:00Z","finished_at":"2024-03-04T10:06:00Z","commits":["9f2c41e","77ab03d"],"unplanned":false,"url":"https://ci.example.com/runs/101"}
//	{"kind":"commit","repo":"acme/api","sha":"77ab03d","parents":["5e01c9a"],"authored_at":"2024-03-01T09:00:00Z","committed_at":"2024-03-03T17:00:00Z","pull_request":42}
//	{"kind":"pull_request","repo":"acme/api","number":42,"title":"Add rate limiter","labels":["feature"],"created_at":"2024-03-01T09:30:00Z","merged_at":"2024-03-04T09:40:00Z","merge_sha":"9f2c41e","first_commit_at":"2024-03-01T09:00:00Z"}
//	{"kind":"incident","id":"inc-7","service":"api","environment":"production","title":"5xx spike","severity":"sev2","started_at":"2024-03-04T11:00:00Z","resolved_at":"2024-03-04T12:30:00Z","caused_by":"d-101"}
//
// The fields of each kind (identity first; * marks a required field):
//
//	deployment    id*  environment*  status*  sha*  finished_at*  service  repo  started_at
//	              commits  unplanned  url  source  tier
//	commit        repo*  sha*  authored_at*  parents  committed_at  pull_request  service
//	pull_request  repo*  number*  created_at*  title  labels  merged_at  merge_sha
//	              first_commit_at  url
//	incident      id*  started_at*  service  environment  title  severity  resolved_at
//	              caused_by  url  source
//
// Types: times are RFC 3339 strings with an offset ("2024-03-04T10:00:00Z" or
// "2024-03-04T11:00:00+01:00"; a time without one is rejected rather than guessed; times are
// stored in UTC to the microsecond and must fall in the years 1970 to 9999);
// number and pull_request are integers; unplanned is true or false; commits, parents and labels
// are lists of strings; everything else is a string.
//
// Meanings: a deployment's status is success, failure, cancelled or in_progress, and
// finished_at may be left out only while it is in_progress. Its service defaults to the service
// of its repo; tier "production" marks an environment as production whatever its name. Its
// commits are the shas it shipped: leave the field out when you do not know them (dorareport
// then walks the commit graph from the previous deployment, using the commits' parents), and
// write [] for a deployment known to ship nothing (a redeploy), so it is not reported as a
// deployment with unknown commits. A commit's pull_request is the number of the pull request
// it belongs to; an incident's caused_by is the id (or sha) of the deployment that caused it.
//
// A line is rejected, and with it the whole file, for invalid JSON, a line that is not an
// object, a missing or unknown kind, a missing required field, a value of the wrong type, a
// time that is not RFC 3339 with an offset, an unknown status, an empty item in a list, or an
// incident resolved before it started. The reason names the field:
//
//	events.jsonl:12: invalid record: finished_at: "2024-03-04T10:06:00" has no UTC offset (write it as 2024-03-04T10:06:00Z or with an offset like +01:00)
//
// # CSV
//
// A CSV file holds records of one kind. Its first row names the columns with the field names
// above, in any order (matched without regard to case; unknown columns are ignored, and a
// "kind" column, if present, must agree with the file's kind). The kind is taken from the file
// name, in any directory: deployments.csv, commits.csv, pull_requests.csv or incidents.csv (or
// the singular), or given as Options.Kind, which also makes a file of any other name (stdin,
// say) a CSV file.
//
//	id,service,environment,status,sha,repo,finished_at,commits
//	d-101,api,production,success,9f2c41e,acme/api,2024-03-04T10:06:00Z,9f2c41e;77ab03d
//	d-102,api,production,success,9f2c41e,acme/api,2024-03-05T08:00:00Z,;
//	d-103,api,staging,failure,b7d10aa,acme/api,2024-03-05T09:00:00Z,
//
// Cells are trimmed of surrounding spaces and an empty cell is an absent field. Lists are
// separated by ";": an empty cell is an unknown list (d-103 above) and a cell of a lone ";" is a
// known, empty one (d-102, a redeploy that shipped nothing new). Booleans are true or false.
// A missing required column is an error at line 1; a row with a different number of cells
// than the header, an empty list item ("a;;b") or any of the JSON rules above is an error at
// the row's line.
package file
