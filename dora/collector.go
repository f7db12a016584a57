package dora

import "context"

// A Collector pulls records from an outside system (a Git host, CI, an incident tool) into the
// warehouse. Collect is incremental: it resumes from the progress it recorded with
// Writer.SetSyncState, which it commits together with the data it describes, so an interrupted
// run loses nothing and a repeated one duplicates nothing.
type Collector interface {
	Name() string
	Collect(ctx context.Context, db *DB) error
}
