package dora

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	duckdb "github.com/duckdb/duckdb-go/v2" // also registers the "duckdb" driver
)

//go:embed sql
var sqlFiles embed.FS

// SchemaVersion is the version of the warehouse schema this build writes.
var SchemaVersion = len(migrations())

// appID marks a DuckDB file as a dorareport warehouse, so a foreign database is never migrated.
const appID = "dorareport"

// DB is a dorareport warehouse: one DuckDB database file (or an in-memory database).
// It is safe for concurrent use by one process; DuckDB lets only one process write a file.
type DB struct {
	sql         *sql.DB
	path        string
	memoryLimit string
	Logger      *slog.Logger // never nil; discards by default
	// writing serialises Write and Index, so that what Index derived from one state of the
	// records is never stored after a write changed them; an analysis holds it for reading, so
	// that no write lands between its steps. It is the file's, shared by every DB of the process
	// that opened it, as DuckDB shares the database itself.
	writing *sync.RWMutex
}

// fileLocks are the writing locks of the database files this process opened, by absolute path.
var fileLocks sync.Map

// writingLock is the writing lock of the database at path; an in-memory one has its own.
func writingLock(path string) *sync.RWMutex {
	if path == "" {
		return new(sync.RWMutex)
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	l, _ := fileLocks.LoadOrStore(path, new(sync.RWMutex))
	return l.(*sync.RWMutex)
}

// ErrForeignDatabase is returned by Open for a file that is not a dorareport warehouse,
// ErrDamagedDatabase for a DuckDB file that lost part of its content, ErrNewerSchema for one
// written by a newer version of dorareport, and ErrOlderSchema by OpenReadOnly for one that Open
// would first migrate.
var (
	ErrForeignDatabase = errors.New("not a dorareport database")
	ErrDamagedDatabase = errors.New("the database file is damaged")
	ErrNewerSchema     = errors.New("database schema is newer than this version of dorareport")
	ErrOlderSchema     = errors.New("database schema is older than this version of dorareport")
)

// Open opens the warehouse at path, creating it when it does not exist and migrating it when it
// was written by an older version. An empty path opens a private in-memory warehouse. While the
// file is open, no other process can open it; Open returns a *LockedError when one already has.
func Open(ctx context.Context, path string) (*DB, error) {
	db, err := open(ctx, path, path)
	if err != nil {
		return nil, err
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", displayPath(path), err)
	}
	return db, nil
}

// OpenReadOnly opens the existing warehouse at path for reading only. Several processes may
// read a file at once, but none while another has it open with Open (a *LockedError). It never
// changes the file, so a warehouse that Open would migrate is refused with ErrOlderSchema.
func OpenReadOnly(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("open read-only: an in-memory database has nothing to read")
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db, err := open(ctx, path, path+"?access_mode=read_only")
	if err != nil {
		return nil, err
	}
	version, err := db.schemaVersion(ctx)
	switch {
	case err != nil:
	case version > SchemaVersion:
		err = newerSchema(version)
	case version < SchemaVersion:
		// How to migrate it is the caller's to say: Open, or a command of its own that opens it.
		err = fmt.Errorf("%w: it is at version %d, this build reads version %d", ErrOlderSchema, version, SchemaVersion)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

// open connects to path through the DuckDB data source name dsn.
func open(ctx context.Context, path, dsn string) (*DB, error) {
	if path != "" {
		if err := checkFile(path); err != nil {
			return nil, err
		}
	}
	// The driver opens the file in sql.Open, so its errors come from there as well as from Ping.
	sqldb, err := sql.Open("duckdb", dsn)
	if err != nil {
		return nil, openError(path, err)
	}
	if err := sqldb.PingContext(ctx); err != nil {
		sqldb.Close()
		return nil, openError(path, err)
	}
	if path != "" {
		if err := checkSize(ctx, sqldb, path); err != nil {
			sqldb.Close()
			return nil, err
		}
	}
	limit, err := limitMemory(ctx, sqldb)
	if err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("open %s: %w", displayPath(path), err)
	}
	return &DB{sql: sqldb, path: path, memoryLimit: limit, Logger: slog.New(slog.DiscardHandler), writing: writingLock(path)}, nil
}

// DefaultMemoryLimit bounds the memory DuckDB uses for a warehouse; beyond it DuckDB spills to a
// temporary directory beside the file. DuckDB's own default, 80% of the machine's memory, let a
// 1 GiB import or a query over millions of deployments grow with the data.
// DORAREPORT_MEMORY_LIMIT (for example "8GB") overrides it.
const DefaultMemoryLimit = "1GB"

func limitMemory(ctx context.Context, sqldb *sql.DB) (string, error) {
	limit := DefaultMemoryLimit
	if v := os.Getenv("DORAREPORT_MEMORY_LIMIT"); v != "" {
		limit = v
	}
	if _, err := sqldb.ExecContext(ctx, "SET memory_limit = "+sqlString(limit)); err != nil {
		return "", fmt.Errorf("DORAREPORT_MEMORY_LIMIT %q: %w", limit, err)
	}
	return limit, nil
}

// memoryHint adds to an error of DuckDB running out of its memory limit how to raise it.
func (db *DB) memoryHint(err error) error {
	var de *duckdb.Error
	if errors.As(err, &de) && de.Type == duckdb.ErrorTypeOutOfMemory {
		return fmt.Errorf("%w (the memory limit is %s; DORAREPORT_MEMORY_LIMIT raises it, for example to 4GB)", err, db.memoryLimit)
	}
	return err
}

// openError says why DuckDB could not open path: another process holds it, or it is damaged.
func openError(path string, err error) error {
	if locked := lockedError(path, err); locked != nil {
		return locked
	}
	if strings.Contains(err.Error(), "Could not read enough bytes") {
		return fmt.Errorf("open %s: %w: it is shorter than its header says and was left untouched: %w", path, ErrDamagedDatabase, err)
	}
	return fmt.Errorf("open %s: %w", displayPath(path), err)
}

func displayPath(path string) string {
	if path == "" {
		return "in-memory database"
	}
	return path
}

// checkFile refuses a file that exists but cannot be a DuckDB database, before DuckDB touches it.
func checkFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	if info.IsDir() {
		return fmt.Errorf("open %s: is a directory", path)
	}
	if info.Size() == 0 {
		return nil // an empty file is a new database
	}
	header := make([]byte, 12)
	if n, _ := f.Read(header); n < 12 || string(header[8:12]) != "DUCK" {
		return fmt.Errorf("open %s: %w (not a DuckDB file; it was left untouched)", path, ErrForeignDatabase)
	}
	return nil
}

// checkSize refuses a file too short to hold the blocks in use that its header counts: DuckDB
// reads a block only when a query needs it, so it would open a truncated file and fail later, or
// serve what is left. Free blocks count for nothing: one at the end may never have been written.
func checkSize(ctx context.Context, sqldb *sql.DB, path string) error {
	var used, blockSize int64
	err := sqldb.QueryRowContext(ctx, `SELECT used_blocks, block_size FROM pragma_database_size()
		WHERE database_name = current_database()`).Scan(&used, &blockSize)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	info, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	const headers = 3 * 4096 // the file header and DuckDB's two alternating database headers
	if want := headers + used*blockSize; info.Size() < want {
		return fmt.Errorf("open %s: %w: it has %d bytes where the blocks its header counts take %d; it was truncated and was left untouched", path, ErrDamagedDatabase, info.Size(), want)
	}
	return nil
}

// Close closes the database.
func (db *DB) Close() error { return db.sql.Close() }

// SQL returns the underlying database handle for read-only queries of your own. The tables are
// documented in dora/sql/migrations.
func (db *DB) SQL() *sql.DB { return db.sql }

type migration struct {
	version int
	name    string
}

func migrations() []migration {
	entries, err := fs.ReadDir(sqlFiles, "sql/migrations")
	if err != nil {
		panic(err) // embedded at build time
	}
	var ms []migration
	for _, e := range entries {
		v, err := strconv.Atoi(strings.SplitN(e.Name(), "_", 2)[0])
		if err != nil {
			panic("migration without a version number: " + e.Name())
		}
		ms = append(ms, migration{version: v, name: e.Name()})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms
}

func (db *DB) migrate(ctx context.Context) error {
	version, err := db.schemaVersion(ctx)
	if err != nil {
		return err
	}
	if version > SchemaVersion {
		return newerSchema(version)
	}
	for _, m := range migrations() {
		if m.version <= version {
			continue
		}
		body, err := sqlFiles.ReadFile(path.Join("sql/migrations", m.name))
		if err != nil {
			return err
		}
		err = db.tx(ctx, func(tx *sql.Tx) error {
			if version == 0 {
				if _, err := tx.ExecContext(ctx, `CREATE TABLE dorareport_meta (key VARCHAR NOT NULL, value VARCHAR NOT NULL)`); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO dorareport_meta VALUES ('application', ?), ('schema_version', '0')`, appID); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			_, err := tx.ExecContext(ctx, `UPDATE dorareport_meta SET value = ? WHERE key = 'schema_version'`, strconv.Itoa(m.version))
			return err
		})
		if err != nil {
			return err
		}
		version = m.version
	}
	return nil
}

func newerSchema(version int) error {
	return fmt.Errorf("%w: it is at version %d, this build knows up to %d; use a newer dorareport", ErrNewerSchema, version, SchemaVersion)
}

// schemaVersion returns 0 for an empty database and refuses one that holds other tables.
func (db *DB) schemaVersion(ctx context.Context) (int, error) {
	var tables int
	var hasMeta bool
	err := db.sql.QueryRowContext(ctx, `SELECT count(*), coalesce(bool_or(table_name = 'dorareport_meta'), false)
		FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = 'main'`).Scan(&tables, &hasMeta)
	if err != nil {
		return 0, err
	}
	if tables == 0 {
		return 0, nil
	}
	if !hasMeta {
		return 0, fmt.Errorf("%w: it holds %d tables of something else and was left untouched", ErrForeignDatabase, tables)
	}
	var app, version string
	err = db.sql.QueryRowContext(ctx, `SELECT
		coalesce(max(value) FILTER (WHERE key = 'application'), ''),
		coalesce(max(value) FILTER (WHERE key = 'schema_version'), '')
		FROM dorareport_meta`).Scan(&app, &version)
	if err != nil {
		return 0, err
	}
	v, err := strconv.Atoi(version)
	if app != appID || err != nil {
		return 0, fmt.Errorf("%w: its dorareport_meta table is not ours", ErrForeignDatabase)
	}
	return v, nil
}

func (db *DB) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}
