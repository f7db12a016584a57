// Package dora is a warehouse of software delivery events and the DORA metrics computed over it.
//
// A warehouse is one DuckDB database (a file, or memory). Sources write records into it, and
// the metrics are computed from it in SQL, following definitions that are written down
// (docs/metrics.md), switchable (Definitions) and reported next to every number:
//
//	db, err := dora.Open(ctx, "dora.duckdb")
//	...
//	err = db.Write(ctx, func(w *dora.Writer) error {
//		return w.Deployment(dora.Deployment{ID: "d-1", Service: "api", Environment: "production",
//			Status: dora.StatusSuccess, SHA: "9f2c", FinishedAt: finished, Commits: []string{"9f2c"}})
//	})
//	...
//	m, err := db.Metrics(ctx, dora.Query{Since: since, Until: until, By: dora.ByService})
//
// # Vocabulary
//
// A Deployment is one attempt to put a version of a Service into an environment; only
// successful ones in a production environment count as deployments. A Commit shipped by such a
// deployment is a change, and its lead time runs from its author time (or, for a squash merge,
// the first commit of its PullRequest) to the first production deployment that shipped it. An
// Incident is attributed to the deployment that caused it, explicitly or by time, and makes that
// deployment failed, as do rollbacks and remediations. See Metrics for the five metrics and the
// JSON they are printed as.
//
// # Writing
//
// Writes are transactional and idempotent: everything written in one Write is committed
// together or not at all, and a record with an identity already stored (a deployment's id, a
// commit's repo and sha, ...) replaces the stored one. Sources record their progress with
// Writer.SetSyncState in the same transaction as the data, so a collector that is interrupted
// resumes without loss or duplicates.
//
// # Computing
//
// Nothing derived from the definitions is stored: Metrics and Details prepare the facts of the
// query's Definitions as temporary tables of their own connection (sql/prepare), aggregate them
// with one SQL file per metric (sql/metrics) and drop them. While they do, a Write of the same
// process waits, so that each reads one state of the warehouse. Changing a definition never needs a re-import. What
// Index keeps is the exception, so that queries need not derive it from millions of records: what
// deployments without a commit list shipped (from the commit graph), and, for one production
// classification and one recognition of remediations, the deployment histories and what every
// deployment shipped that later steps need (the first deployment of every change, the
// remediations), and, for one incident window as well, the incidents' attribution and the failed
// deployments. Writes forget what they may change, and queries derive whatever is not held, so
// the numbers never depend on it.
package dora
