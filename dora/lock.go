package dora

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// LockedError is returned by Open and OpenReadOnly when another process holds the database
// file. DuckDB lets one process open a file for writing, or several open it read-only, never
// both at once; the process that holds it is named from DuckDB's own message.
type LockedError struct {
	Path    string // the database file
	PID     int    // the process holding the lock; 0 when DuckDB could not tell
	Program string // that process's executable; empty when DuckDB could not tell
	User    string // that process's user, when DuckDB names it
	Err     error  // DuckDB's error
}

func (e *LockedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "database %s is in use by another process", e.Path)
	if e.PID != 0 {
		fmt.Fprintf(&b, ": %s (PID %d", e.Program, e.PID)
		if e.User != "" {
			b.WriteString(", user " + e.User)
		}
		b.WriteString(") holds its lock")
	}
	return b.String()
}

func (e *LockedError) Unwrap() error { return e.Err }

// lockMessage is DuckDB's refusal to lock a file, e.g. `Could not set lock on file "/x.duckdb":
// Conflicting lock is held in /usr/bin/dorareport (PID 1234) by user ann.`; without the holder
// when the system would not say.
var (
	lockMessage = regexp.MustCompile(`Could not set lock on file "[^"]*"`)
	lockHolder  = regexp.MustCompile(`Conflicting lock is held in (.+?) \(PID (\d+)\)(?: by user (\S+?)\.?(?:\s|$))?`)
)

// lockedError returns err as a *LockedError when it is DuckDB's refusal to lock path, else nil.
func lockedError(path string, err error) *LockedError {
	msg := err.Error()
	if !lockMessage.MatchString(msg) {
		return nil
	}
	locked := &LockedError{Path: path, Err: err}
	if m := lockHolder.FindStringSubmatch(msg); m != nil {
		locked.Program, locked.User = m[1], m[3]
		locked.PID, _ = strconv.Atoi(m[2])
	}
	return locked
}
