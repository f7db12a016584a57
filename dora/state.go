package dora

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// SetServices replaces the stored services (normally: the configuration's) with services.
func (db *DB) SetServices(ctx context.Context, services []Service) error {
	seen := map[string]bool{}
	for _, s := range services {
		if seen[s.Name] {
			return invalid("service %q is named twice", s.Name)
		}
		seen[s.Name] = true
	}
	return db.Write(ctx, func(w *Writer) error {
		if err := w.deleteAll(servicesTable); err != nil {
			return err
		}
		for _, s := range services {
			if err := w.Service(s); err != nil {
				return err
			}
		}
		return nil
	})
}

// SyncState returns the progress a collector recorded under source and key with
// Writer.SetSyncState, and whether there was any.
func (db *DB) SyncState(ctx context.Context, source, key string) (string, bool, error) {
	var value string
	err := db.sql.QueryRowContext(ctx, `SELECT value FROM sync_state WHERE source = ? AND key = ?`, source, key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read sync state %s/%s: %w", source, key, err)
	}
	return value, true, nil
}
