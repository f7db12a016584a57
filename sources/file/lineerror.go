package file

import (
	"fmt"

	"github.com/dorareport/dorareport/dora"
)

// A LineError rejects a whole event file: it names the file and the line (1-based) of the first
// record that could not be imported. Err wraps dora.ErrInvalid, so errors.Is(err, dora.ErrInvalid)
// tells bad input from a failure of the machine.
type LineError struct {
	File string
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Err) }

func (e *LineError) Unwrap() error { return e.Err }

// invalid is the reason a line is rejected; it wraps dora.ErrInvalid like the model's own
// validation errors, so every LineError reads and unwraps the same way.
func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", dora.ErrInvalid, fmt.Sprintf(format, args...))
}
