package file

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/dorareport/dorareport/dora"
)

// Options tunes an import. The zero value reads the kind from the file name and stdin from
// os.Stdin, and reports no progress.
type Options struct {
	// Kind is the kind of record every row of a CSV file holds (deployment, commit,
	// pull_request, incident; plurals are accepted). Empty: inferred from the file name.
	// Setting it makes a file of any other name than *.jsonl, *.ndjson or *.json a CSV file.
	Kind string
	// Stdin is read for the name "-"; nil means os.Stdin.
	Stdin io.Reader
	// Progress receives a line like "imported 1.2M records from events.jsonl" about once a
	// second during a long import, then one with the total. Nil: no progress.
	Progress io.Writer
}

// Counts is how many records of each kind an import wrote (a record that appears twice in a
// file counts twice and is stored once).
type Counts struct {
	Deployments, Commits, PullRequests, Incidents int
}

// Total is the number of records of all kinds.
func (c Counts) Total() int { return c.Deployments + c.Commits + c.PullRequests + c.Incidents }

// ImportPath imports the event file at path; "-" reads Options.Stdin and is called "stdin" in
// errors. See Import.
func ImportPath(ctx context.Context, db *dora.DB, path string, opts Options) (Counts, error) {
	counts, err := ImportPaths(ctx, db, []string{path}, opts)
	if err != nil {
		return Counts{}, err
	}
	return counts[0], nil
}

// ImportPaths imports the event files at paths, in order, in one transaction: either every
// record of every file is written or, when any file is bad or cannot be read, none is. It
// returns the counts of each file. See Import for the formats and errors.
func ImportPaths(ctx context.Context, db *dora.DB, paths []string, opts Options) ([]Counts, error) {
	counts := make([]Counts, len(paths))
	err := db.Write(ctx, func(w *dora.Writer) error {
		for i, path := range paths {
			var err error
			if counts[i], err = readPath(ctx, path, opts, w); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return counts, nil
}

func readPath(ctx context.Context, path string, opts Options, to sink) (Counts, error) {
	if path == "-" {
		in := opts.Stdin
		if in == nil {
			in = os.Stdin
		}
		return read(ctx, path, in, opts, to)
	}
	f, err := os.Open(path)
	if err != nil {
		return Counts{}, err
	}
	defer f.Close()
	return read(ctx, path, f, opts, to)
}

// Import reads one event file from r and writes its records to db in one transaction: either
// every record is written or, when any line is bad, none is and the error is a *LineError
// ("FILE:LINE: reason") wrapping dora.ErrInvalid. name is used in errors and progress and tells
// the format: *.csv is CSV (its kind taken from the name, like deployments.csv, or from
// Options.Kind), anything else is JSONL unless Options.Kind is set. The file is streamed, one
// line of at most 16 MiB at a time.
func Import(ctx context.Context, db *dora.DB, name string, r io.Reader, opts Options) (Counts, error) {
	var counts Counts
	err := db.Write(ctx, func(w *dora.Writer) error {
		var err error
		counts, err = read(ctx, name, r, opts, w)
		return err
	})
	if err != nil {
		return Counts{}, err
	}
	return counts, nil
}

// read reads one event file into to.
func read(ctx context.Context, name string, r io.Reader, opts Options, to sink) (Counts, error) {
	display := name
	if name == "-" {
		display = "stdin"
	}
	format, err := reader(name, display, opts.Kind)
	if err != nil {
		return Counts{}, err
	}
	im := &importer{ctx: ctx, to: to, name: display, progress: newProgress(opts.Progress, display)}
	if err := format(im, r); err != nil {
		return Counts{}, err
	}
	im.progress.done(im.counts.Total())
	return im.counts, nil
}

// reader picks the format of the file called name.
func reader(name, display, kindName string) (func(*importer, io.Reader) error, error) {
	ext := strings.ToLower(filepath.Ext(name))
	jsonl := ext == ".jsonl" || ext == ".ndjson" || ext == ".json"
	switch {
	case jsonl && kindName != "":
		return nil, fmt.Errorf("%s: a kind (%s) applies to CSV files only; JSONL records name their own kind", display, kindName)
	case kindName != "":
		k, err := lookupKind(kindName)
		if err != nil {
			return nil, err
		}
		return csvReader(k), nil
	case ext == ".csv":
		k := kindOfCSV(name)
		if k == nil {
			return nil, fmt.Errorf("%s: %w: cannot tell which kind of record this CSV file holds; name it deployments.csv, commits.csv, pull_requests.csv or incidents.csv, or give the kind",
				display, dora.ErrInvalid)
		}
		return csvReader(k), nil
	}
	return readJSONL, nil
}

// importer writes the records of one file and keeps count.
type importer struct {
	ctx      context.Context
	to       sink
	name     string
	counts   Counts
	progress *progress
}

// add writes one record of kind k read from line.
func (im *importer) add(k *kind, f fields, line int) error {
	if err := k.write(im.to, &record{f: f}, &im.counts); err != nil {
		return im.fail(line, err)
	}
	total := im.counts.Total()
	if total%checkEvery == 0 {
		if err := im.ctx.Err(); err != nil {
			return err
		}
		im.progress.tick(total)
	}
	return nil
}

// fail turns a reason into a LineError; errors that are not about the input (the database
// failing, say) keep their identity and only gain the place.
func (im *importer) fail(line int, err error) error {
	if errors.Is(err, dora.ErrInvalid) {
		return &LineError{File: im.name, Line: line, Err: err}
	}
	return fmt.Errorf("%s:%d: %w", im.name, line, err)
}

// checkEvery is how many records pass between checks for cancellation and progress.
const checkEvery = 1024

// maxLine bounds one line (JSONL) or record (CSV), so a file without line breaks cannot make
// the reader hold it whole.
const maxLine = 16 << 20

func errTooLong(what string) error {
	return invalid("%s is longer than %d MiB", what, maxLine>>20)
}
