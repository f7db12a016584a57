package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/internal/config"
	"github.com/spf13/cobra"
)

// The files used when neither a flag nor the configuration names one, in the working directory.
const (
	defaultDatabase = "dora.duckdb"
	defaultConfig   = "dorareport.yaml"
)

// storeFlags are --db, --config and --wait, common to the commands that read or write the
// warehouse.
type storeFlags struct {
	db, config string
	wait       time.Duration
}

func (s *storeFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&s.db, "db", defaultDatabase, "the DuckDB warehouse `FILE`; a configuration's database replaces the default")
	cmd.Flags().StringVar(&s.config, "config", defaultConfig, "the configuration `FILE`, read when it exists")
	registerWait(cmd, &s.wait)
}

// loadConfig reads --config; nil when the flag was not given and the default file does not exist.
func (a *app) loadConfig(cmd *cobra.Command, s storeFlags) (*config.Config, error) {
	if !cmd.Flags().Changed("config") {
		if _, err := os.Stat(s.config); errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
	}
	c, err := config.Load(s.config)
	if err != nil {
		var ce *config.Error
		if errors.As(err, &ce) {
			return nil, err
		}
		return nil, usageError{err} // --config names a file that cannot be read
	}
	a.log.Debug("read configuration", "file", s.config)
	return c, nil
}

// databasePath applies the precedence of INTERFACES.md: the --db flag, then the configuration's
// database, then dora.duckdb.
func databasePath(cmd *cobra.Command, s storeFlags, cfg *config.Config) string {
	if cmd.Flags().Changed("db") {
		return s.db
	}
	if cfg != nil && cfg.Database != "" {
		return cfg.Database
	}
	return defaultDatabase
}

// open opens the warehouse that the flags and cfg (nil: none) name, and stores the
// configuration's services in it when the configuration has a services key. Readers (existing)
// refuse to create a database, so that a mistyped --db is not answered with empty metrics, and
// open it read-only unless the configuration's services must be stored first, so that several
// can read at once.
func (a *app) open(ctx context.Context, cmd *cobra.Command, s storeFlags, cfg *config.Config, existing bool) (*dora.DB, error) {
	path := databasePath(cmd, s, cfg)
	if existing {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("there is no database %s: run dorareport import or collect first, or name one with --db", path)
		}
		db, err := a.openDB(ctx, path, s.wait, dora.OpenReadOnly)
		if errors.Is(err, dora.ErrOlderSchema) {
			return nil, fmt.Errorf("%w; run dorareport import or collect on it once to migrate it", err)
		}
		if err != nil || cfg == nil || cfg.Services == nil {
			return db, err
		}
		stored, err := servicesStored(ctx, db, cfg.Services)
		if stored {
			return db, nil
		}
		db.Close()
		if err != nil {
			return nil, err
		}
	}
	db, err := a.openDB(ctx, path, s.wait, dora.Open)
	if err != nil {
		return nil, err
	}
	if cfg != nil && cfg.Services != nil {
		if err := db.SetServices(ctx, cfg.Services); err != nil {
			db.Close()
			return nil, err
		}
		a.log.Debug("stored services", "count", len(cfg.Services), "from", cfg.File())
	}
	return db, nil
}

// definitions are the configuration's, or the defaults without one.
func definitions(cfg *config.Config) dora.Definitions {
	if cfg == nil {
		return dora.Definitions{}
	}
	return cfg.Definitions
}

// index stores what queries would otherwise derive from what was just written (dora.DB.Index), so
// that the queries that follow need not. Without them queries are slower, not wrong, so a failure
// is reported and the command goes on.
func (a *app) index(ctx context.Context, db *dora.DB, d dora.Definitions) {
	start := time.Now()
	n, err := db.Index(ctx, d)
	if err != nil {
		a.log.Warn("could not index; queries will derive what it would have stored", "err", err)
		return
	}
	a.log.Debug("indexed", "ranges", n.Ranges, "changes", n.Changes, "incidents", n.Incidents, "took", time.Since(start).Round(time.Millisecond))
}
