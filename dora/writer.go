package dora

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"time"
)

// A Writer appends the records of one Write transaction in bulk, through DuckDB's Appender,
// straight into the warehouse tables, each table on a goroutine of its own. When the transaction
// commits, a record whose identity was already stored, or is written again later in the same
// Write, is replaced by the last one written, so writing the same data twice changes nothing.
type Writer struct {
	ctx       context.Context
	conn      *lockedConn
	appenders map[*table]*tableAppender
	firstRow  map[*table]int64 // the row id above the stored rows of each table written to
	rows      int
	forgets   shapes // the most of the index that the records written or deleted shape
}

// table describes one warehouse table, the identity of its records, and what of the tables
// Index stores is derived from them.
type table struct {
	name    string
	columns []string
	key     []string
	shapes  shapes
}

// shapes says what a write of a table's records forgets of what Index stored. Each forgets what
// those before it forget, and more: a write forgets the most that any of its tables shapes.
type shapes int

const (
	shapesNothing   shapes = iota
	shapesIncidents        // incidentsIndex
	shapesIndex            // everything but the commit ranges
)

var (
	deploymentsTable  = &table{"deployments", []string{"id", "service", "environment", "tier", "status", "sha", "repo", "started_at", "finished_at", "commits", "commits_listed", "unplanned", "url", "source"}, []string{"id"}, shapesIndex}
	commitsTable      = &table{"commits", []string{"repo", "sha", "parents", "authored_at", "committed_at", "pull_request", "service"}, []string{"repo", "sha"}, shapesIndex}
	pullRequestsTable = &table{"pull_requests", []string{"repo", "number", "title", "labels", "created_at", "merged_at", "merge_sha", "first_commit_at", "url"}, []string{"repo", "number"}, shapesIndex}
	incidentsTable    = &table{"incidents", []string{"id", "service", "environment", "title", "severity", "started_at", "resolved_at", "caused_by", "url", "source"}, []string{"id"}, shapesIncidents}
	servicesTable     = &table{"services", []string{"name", "team", "repos", "paths"}, []string{"name"}, shapesIndex}
	syncStateTable    = &table{"sync_state", []string{"source", "key", "value", "updated_at"}, []string{"source", "key"}, shapesNothing}
	commitRangesTable = &table{"commit_ranges", []string{"repo", "from_sha", "to_sha", "shas"}, []string{"repo", "from_sha", "to_sha"}, shapesNothing}
	writeTables       = []*table{deploymentsTable, commitsTable, pullRequestsTable, incidentsTable, servicesTable, syncStateTable, commitRangesTable}
)

// dedupeTable keeps, among the rows of t whose identity was written in this transaction, only the
// last one written. Rows appended in a transaction have larger row ids than the stored ones and
// grow in the order they were appended, so the largest row id of an identity is the last written.
// Most writes replace nothing, and finding that out costs a fraction of the ordered pass that
// picks the last of each identity: the pass runs only when some identity may repeat. Each written
// row meets itself when every row is joined with the written ones, and meets more only if its
// identity was written twice or was already stored. Identities are compared by their hash, half
// the cost of comparing them (a repository and a sha): equal identities always have equal hashes,
// and two that merely share one only cost the pass. One join finds repeats in a third of the time
// that grouping the written hashes and then looking them up among the stored rows took.
func (w *Writer) dedupeTable(t *table) error {
	keys := strings.Join(t.key, ", ")
	written := fmt.Sprintf("SELECT hash(%s) AS h FROM %s WHERE rowid >= %d", keys, t.name, w.firstRow[t])
	repeats, err := w.queryInt(fmt.Sprintf(`SELECT ((SELECT count(*) FROM %s JOIN (%s) w ON hash(%s) = w.h)
		> (SELECT count(*) FROM (%s)))::BIGINT`, t.name, written, keys, written))
	if err != nil || repeats == 0 {
		return err
	}
	return w.exec(fmt.Sprintf(`DELETE FROM %s WHERE rowid IN (
		SELECT rowid FROM (
			SELECT rowid, max(rowid) OVER (PARTITION BY %s) AS last
			FROM %s WHERE hash(%s) IN (SELECT h FROM (%s)))
		WHERE rowid <> last)`, t.name, keys, t.name, keys, written))
}

// checkEvery is how many appended rows pass between checks for a cancelled context.
const checkEvery = 4096

// Write runs fn in one transaction: everything fn writes is committed together when it returns
// nil, and nothing is when it returns an error or ctx is cancelled.
func (db *DB) Write(ctx context.Context, fn func(*Writer) error) error {
	db.writing.Lock()
	defer db.writing.Unlock()
	return db.write(ctx, fn)
}

// write is Write for a caller that holds db.writing.
func (db *DB) write(ctx context.Context, fn func(*Writer) error) (err error) {
	defer func() { err = db.memoryHint(err) }()
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) (err error) {
		w := &Writer{ctx: ctx, conn: &lockedConn{conn: dc.(driver.Conn)}, appenders: map[*table]*tableAppender{}, firstRow: map[*table]int64{}}
		if err := w.exec("BEGIN TRANSACTION"); err != nil {
			return err
		}
		committed := false
		defer func() {
			// Also when fn panics: the appenders' goroutines must stop, and the transaction with them.
			if committed {
				return
			}
			w.closeAppenders(false)
			// The write's context may be what was cancelled; the rollback must still run.
			w.ctx = context.WithoutCancel(ctx)
			if rbErr := w.exec("ROLLBACK"); rbErr != nil && err != nil {
				err = errors.Join(err, rbErr)
			}
		}()
		if err := fn(w); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := w.dedupe(); err != nil {
			return err
		}
		if err := w.exec("COMMIT"); err != nil {
			return err
		}
		committed = true
		return nil
	})
}

func (w *Writer) exec(query string) error {
	return w.conn.locked(func(c driver.Conn) error {
		_, err := c.(driver.ExecerContext).ExecContext(w.ctx, query, nil)
		return err
	})
}

func (w *Writer) queryInt(query string) (n int64, err error) {
	err = w.conn.locked(func(c driver.Conn) error {
		rows, err := c.(driver.QueryerContext).QueryContext(w.ctx, query, nil)
		if err != nil {
			return err
		}
		defer rows.Close()
		v := make([]driver.Value, 1)
		if err := rows.Next(v); err != nil {
			return err
		}
		var ok bool
		if n, ok = v[0].(int64); !ok {
			return fmt.Errorf("%s: want an integer, got %T", query, v[0])
		}
		return nil
	})
	return n, err
}

func (w *Writer) append(t *table, row ...driver.Value) error {
	a := w.appenders[t]
	if a == nil {
		// This query may run while the appenders of other tables work: it takes the connection's
		// lock, as their flushes do.
		first, err := w.queryInt(fmt.Sprintf("SELECT coalesce(max(rowid) + 1, 0) FROM %s", t.name))
		if err != nil {
			return err
		}
		w.firstRow[t] = first
		if a, err = newTableAppender(w.conn, t); err != nil {
			return err
		}
		w.appenders[t] = a
		w.forgets = max(w.forgets, t.shapes)
	}
	w.rows++
	if w.rows%checkEvery == 0 {
		if err := w.ctx.Err(); err != nil {
			return err
		}
	}
	return a.add(row)
}

// closeAppenders appends what is queued, or drops it unless keep, and waits for the appenders to
// stop using the connection.
func (w *Writer) closeAppenders(keep bool) error {
	var errs []error
	for t, a := range w.appenders {
		errs = append(errs, a.close(keep))
		delete(w.appenders, t)
	}
	return errors.Join(errs...)
}

func (w *Writer) dedupe() error {
	written := make([]*table, 0, len(w.appenders))
	for _, t := range writeTables {
		if w.appenders[t] != nil {
			written = append(written, t)
		}
	}
	if err := w.closeAppenders(true); err != nil {
		return err
	}
	if first, ok := w.firstRow[commitsTable]; ok {
		// Any commit record can change the graph of its repository.
		err := w.exec(fmt.Sprintf("DELETE FROM commit_ranges WHERE repo IN (SELECT DISTINCT repo FROM commits WHERE rowid >= %d)", first))
		if err != nil {
			return fmt.Errorf("forget the commit ranges: %w", err)
		}
	}
	// DB.Index stores again what the write forgets.
	forget := ""
	switch w.forgets {
	case shapesIndex:
		forget = forgetIndex
	case shapesIncidents:
		forget = forgetIncidents
	}
	if forget != "" {
		if err := w.exec(forget); err != nil {
			return fmt.Errorf("forget the index: %w", err)
		}
	}
	for _, t := range written {
		if err := w.dedupeTable(t); err != nil {
			return fmt.Errorf("replace %s: %w", t.name, err)
		}
	}
	return nil
}

// deleteAll deletes every stored record of t.
func (w *Writer) deleteAll(t *table) error {
	w.forgets = max(w.forgets, t.shapes)
	return w.exec("DELETE FROM " + t.name)
}

// commitRange stores r, replacing a stored range of the same repo and ends. An empty range is
// an empty list: NULL would read as unknown.
func (w *Writer) commitRange(r commitRange) error {
	shas := r.shas
	if shas == nil {
		shas = []string{}
	}
	return w.append(commitRangesTable, r.repo, r.from, r.to, shas)
}

// Deployment writes d, replacing a stored deployment with the same id.
func (w *Writer) Deployment(d Deployment) error {
	if err := d.Validate(); err != nil {
		return err
	}
	var commits any
	if d.Commits != nil {
		commits = d.Commits
	}
	return w.append(deploymentsTable, d.ID, null(d.Service), d.Environment, null(d.Tier), string(d.Status), d.SHA,
		null(d.Repo), nullTime(d.StartedAt), nullTime(d.FinishedAt), commits, d.Commits != nil, d.Unplanned, null(d.URL), null(d.Source))
}

// Commit writes c, replacing a stored commit with the same repo and sha.
func (w *Writer) Commit(c Commit) error {
	if err := c.Validate(); err != nil {
		return err
	}
	var parents, pr any
	if c.Parents != nil {
		parents = c.Parents
	}
	if c.PullRequest > 0 {
		pr = c.PullRequest
	}
	return w.append(commitsTable, c.Repo, c.SHA, parents, c.AuthoredAt, nullTime(c.CommittedAt), pr, null(c.Service))
}

// PullRequest writes p, replacing a stored pull request with the same repo and number.
func (w *Writer) PullRequest(p PullRequest) error {
	if err := p.Validate(); err != nil {
		return err
	}
	var labels any
	if p.Labels != nil {
		labels = p.Labels
	}
	return w.append(pullRequestsTable, p.Repo, p.Number, null(p.Title), labels, p.CreatedAt, nullTime(p.MergedAt),
		null(p.MergeSHA), nullTime(p.FirstCommitAt), null(p.URL))
}

// Incident writes i, replacing a stored incident with the same id.
func (w *Writer) Incident(i Incident) error {
	if err := i.Validate(); err != nil {
		return err
	}
	return w.append(incidentsTable, i.ID, null(i.Service), null(i.Environment), null(i.Title), null(i.Severity),
		i.StartedAt, nullTime(i.ResolvedAt), null(i.CausedBy), null(i.URL), null(i.Source))
}

// Service writes s, replacing a stored service with the same name.
func (w *Writer) Service(s Service) error {
	if s.Name == "" {
		return invalid("service: missing name")
	}
	var repos, paths any
	if s.Repos != nil {
		repos = s.Repos
	}
	if s.Paths != nil {
		paths = s.Paths
	}
	return w.append(servicesTable, s.Name, null(s.Team), repos, paths)
}

// SetSyncState records a collector's progress (a cursor, an ETag) under source and key. It is
// committed with the data of the same Write, so progress is never ahead of the data.
func (w *Writer) SetSyncState(source, key, value string) error {
	return w.append(syncStateTable, source, key, value, time.Now().UTC())
}

func null(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}
