// Package opsgenie collects incidents, and optionally alerts carrying a tag, from Opsgenie into
// a dorareport warehouse, each one mapped to a dorareport service.
//
// Only fields of Opsgenie's published schema are read (testdata holds the vendor's swagger
// subset, and a test checks the fixtures against it):
//
//   - an incident (GET /v1/incidents) becomes a dora.Incident with ID "opsgenie/incident/" + id,
//     StartedAt createdAt, Title message, Severity priority (P1…P5). The schema has no resolve
//     time, so an incident whose status is resolved or closed is taken as resolved at its
//     updatedAt, the time of its last change: for an incident resolved and left alone that is
//     the resolution itself;
//   - an alert (GET /v2/alerts, with Config.AlertsTag) becomes ID "opsgenie/alert/" + id, with
//     the same fields; a closed alert is resolved at createdAt + report.closeTime (milliseconds
//     from creation to close), or at updatedAt when the report has no close time. Collect alerts
//     only when the incidents are not raised in Opsgenie itself, or each outage counts twice.
//
// The service of an incident is the value of its extra property Config.ServiceProperty when
// set, else Config.Services of its first tag that the map names. Alerts carry no extra
// properties in the list, so only their tags map them. Records that map to no service are
// skipped. No Environment is set (production).
//
// Collection is incremental: items are listed oldest first (sort=createdAt, order=asc) over
// windows of at most 30 days of createdAt, following the body's paging.next, and each window is
// written in one transaction with the cursor (the window's end) and the ids of the items still
// open. The next run lists from the cursor less Config.Overlap and reads each item still open
// by id until it is resolved. All HTTP goes through sources/internal/httpx: retries, 429 waits,
// refused keys as dora.ErrAuth naming Config.TokenEnv, and no key in any message.
package opsgenie
