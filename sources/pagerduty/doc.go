// Package pagerduty collects incidents from PagerDuty (REST API v2) into a dorareport warehouse,
// each one mapped to the dorareport service that its PagerDuty service stands for.
//
// An incident becomes a dora.Incident with:
//   - ID "pagerduty/" + the PagerDuty id, Source "pagerduty", no Environment (production);
//   - StartedAt: created_at;
//   - ResolvedAt: resolved_at; for a resolved incident that lacks it, the created_at of the
//     resolve_log_entry among its log entries, else its last_status_change_at;
//   - Title: title (summary when empty); URL: html_url;
//   - Severity: priority.summary (P1…P5) when the account uses priorities, else urgency
//     (high, low): the priority is the finer scale where it exists;
//   - Service: Config.Services[service.id]. Incidents of unmapped services are skipped.
//
// # Explicit links to the deployment that caused an incident
//
// CausedBy is set by the first of these rules that matches, so that attribution (METRICS.md)
// uses the deployment the responders named instead of the nearest one in time:
//
//  1. a note of the incident (oldest first) with a line "caused by: REF": REF, a deployment id
//     or sha, as written;
//  2. otherwise the latest change event of the incident's PagerDuty service that happened no
//     more than Config.ChangeWindow (default 1h) before the incident started and names a commit
//     sha: that sha. A sha is a word of 7 to 40 lowercase hexadecimal digits holding at least one
//     digit and one letter (so build numbers and words such as "defaced" are not taken for shas),
//     looked for in the event's custom_details (keys in order), then its summary, then its links.
//     Like any caused_by, a sha is matched against the shas of the service's deployments.
//
// # Incremental collection
//
// Incidents are listed per PagerDuty service, oldest first, over windows of at most 180 days
// (the API refuses since/until ranges longer than 6 months). Each window is written in one
// transaction together with the service's sync state: the end of the window (the cursor) and
// the ids of the incidents still open. The next run lists again from the cursor less
// Config.Overlap (default 1h, for incidents that appear in the list late), and reads each
// incident still open by id, so that an incident resolved after it was collected gets its
// resolved time. All HTTP goes through sources/internal/httpx: retries, 429 waits
// (Retry-After), refused tokens as dora.ErrAuth naming Config.TokenEnv, and no token in any
// message.
package pagerduty
