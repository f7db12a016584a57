package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// writeOutput writes what render produces to path, or to stdout when path is "" or "-". A file is
// written to a temporary sibling and renamed into place, so a failed render never leaves half a
// report behind (nor destroys the previous one).
func (a *app) writeOutput(path string, render func(io.Writer) error) error {
	if path == "" || path == "-" {
		return render(a.stdout)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	if err := render(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
