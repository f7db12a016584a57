package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/dorareport/dorareport/dora"
)

// openForReading resolves what a read command (metrics, report) works on: the clock, the
// configuration, the window in the time zone of the definitions in force, and the warehouse,
// opened read-only. The caller closes the database.
func (a *app) openForReading(cmd *cobra.Command, store storeFlags, window windowFlags) (*dora.DB, dora.Query, time.Time, error) {
	now, err := a.now()
	if err != nil {
		return nil, dora.Query{}, now, err
	}
	cfg, err := a.loadConfig(cmd, store)
	if err != nil {
		return nil, dora.Query{}, now, err
	}
	defs := definitions(cfg)
	since, until, err := window.resolve(now, defs.WithDefaults().Timezone)
	if err != nil {
		return nil, dora.Query{}, now, err
	}
	db, err := a.open(cmd.Context(), cmd, store, cfg, true)
	if err != nil {
		return nil, dora.Query{}, now, err
	}
	return db, dora.Query{Since: since, Until: until, Definitions: defs}, now, nil
}
