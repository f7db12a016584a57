package main

import (
	"errors"
	"fmt"

	"github.com/dorareport/dorareport/dora"
	"github.com/dorareport/dorareport/internal/config"
)

// The exit codes of INTERFACES.md.
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2
	exitInvalidData = 3
	exitAuth        = 4
	exitInterrupted = 130
)

// usageError is a command line or configuration the user must correct: exit code 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// exitCode maps an error of a command to its exit code; interrupted is whether the run's context
// was cancelled by a signal.
func exitCode(err error, interrupted bool) int {
	var ue usageError
	var ce *config.Error
	switch {
	case err == nil:
		return exitOK
	case interrupted:
		// Whatever failed once the signal arrived failed because of it: a cancelled context
		// surfaces through drivers and HTTP clients in many shapes.
		return exitInterrupted
	case errors.As(err, &ue), errors.As(err, &ce):
		return exitUsage
	case errors.Is(err, dora.ErrAuth):
		return exitAuth
	case errors.Is(err, dora.ErrInvalid):
		return exitInvalidData
	}
	return exitFailure
}
