package dora

import (
	"database/sql/driver"
	"fmt"
	"sync"
	"sync/atomic"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// A tableAppender appends the rows of one table through DuckDB's Appender on a goroutine of its
// own, so that the tables of one Write fill in parallel. Converting Go values into DuckDB's
// vectors, value by value through cgo, is about a quarter of what an append costs and needs
// nothing of the connection; only the flushes of its appenders into the tables wait for each
// other. Rows are handed over in batches, in the order they were added, so a table's row ids keep
// that order (dedupeTable relies on it).
//
// A flush runs on the connection like a statement, in two calls: another flush or statement
// between them closes it, and the Write fails with "Attempting to execute an unsuccessful or
// closed pending query result". So every flush holds the connection's lock (Writer.conn), and
// the appender flushes itself every flushBatches batches, before DuckDB would on its own (at
// 204,800 rows, inside an append this lock does not cover). Flushing a third as much at a time
// also lowers a large write's peak memory by a sixth.
type tableAppender struct {
	table   *table
	conn    *lockedConn
	pending []driver.Value      // rows added and not yet handed over, one after the other
	batches chan []driver.Value // to the goroutine
	spare   chan []driver.Value // batches the goroutine is done with, for reuse
	discard atomic.Bool         // the write is abandoned: append nothing more
	failed  chan struct{}       // closed when an append fails; err is set before
	done    chan struct{}       // closed when the goroutine has closed the Appender
	err     error
}

// batchRows is DuckDB's vector size: the goroutine converts one whole chunk from each batch.
const batchRows = 2048

// batchesAhead bounds the batches handed over and not yet appended, and so the memory.
const batchesAhead = 4

// flushBatches is how many batches an appender appends between its flushes: 65,536 rows, fewer
// than the 204,800 at which DuckDB would flush without the connection's lock.
var flushBatches = 32

func newTableAppender(conn *lockedConn, t *table) (*tableAppender, error) {
	var a *duckdb.Appender
	err := conn.locked(func(c driver.Conn) (err error) {
		a, err = duckdb.NewAppenderWithColumns(c, "", "", t.name, t.columns)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("append to %s: %w", t.name, err)
	}
	ta := &tableAppender{
		table:   t,
		conn:    conn,
		batches: make(chan []driver.Value, batchesAhead),
		spare:   make(chan []driver.Value, batchesAhead+1),
		failed:  make(chan struct{}),
		done:    make(chan struct{}),
	}
	ta.pending = ta.newBatch()
	go ta.run(a)
	return ta, nil
}

func (ta *tableAppender) run(a *duckdb.Appender) {
	defer close(ta.done)
	width := len(ta.table.columns)
	fail := func(err error) {
		ta.err = fmt.Errorf("append to %s: %w", ta.table.name, err)
		close(ta.failed)
	}
	batches := 0
	for rows := range ta.batches {
		for i := 0; i < len(rows); i += width {
			if ta.err != nil || ta.discard.Load() {
				break
			}
			if err := a.AppendRow(rows[i : i+width]...); err != nil {
				fail(err)
			}
		}
		if batches++; batches%flushBatches == 0 && ta.err == nil && !ta.discard.Load() {
			if err := ta.conn.locked(func(driver.Conn) error { return a.Flush() }); err != nil {
				fail(err)
			}
		}
		clear(rows)
		select {
		case ta.spare <- rows[:0]:
		default:
		}
	}
	if ta.err != nil || ta.discard.Load() {
		// Close would flush the rows buffered to the table only for the rollback to drop them.
		a.Clear()
	}
	if err := ta.conn.locked(func(driver.Conn) error { return a.Close() }); err != nil && ta.err == nil {
		ta.err = fmt.Errorf("append to %s: %w", ta.table.name, err)
	}
}

// add queues row, to be appended after the rows added before it. It returns the error of an
// earlier append that failed.
func (ta *tableAppender) add(row []driver.Value) error {
	width := len(ta.table.columns)
	if len(row) != width {
		// the rows of a batch lie end to end: one of another width would shift all that follow
		return fmt.Errorf("append to %s: %d values for %d columns", ta.table.name, len(row), width)
	}
	ta.pending = append(ta.pending, row...)
	if len(ta.pending) < batchRows*width {
		return nil
	}
	return ta.handOver()
}

func (ta *tableAppender) handOver() error {
	select {
	case ta.batches <- ta.pending:
	case <-ta.failed:
		return ta.err
	}
	select {
	case ta.pending = <-ta.spare:
	default:
		ta.pending = ta.newBatch()
	}
	return nil
}

func (ta *tableAppender) newBatch() []driver.Value {
	return make([]driver.Value, 0, batchRows*len(ta.table.columns))
}

// close appends the rows still queued, or drops them unless keep, and closes the Appender: when it
// returns, the goroutine no longer uses the connection.
func (ta *tableAppender) close(keep bool) error {
	if !keep {
		ta.discard.Store(true)
	} else if len(ta.pending) > 0 {
		ta.handOver() // a failure is ta.err, returned below
	}
	close(ta.batches)
	<-ta.done
	return ta.err
}

// A lockedConn is the connection of a Write, shared by the Writer and its appenders' goroutines:
// each statement and each flush runs under its lock, one at a time.
type lockedConn struct {
	mu   sync.Mutex
	conn driver.Conn
}

func (c *lockedConn) locked(fn func(driver.Conn) error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return fn(c.conn)
}
