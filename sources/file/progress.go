package file

import (
	"fmt"
	"io"
	"time"
)

// progressInterval is the least time between two progress lines.
var progressInterval = time.Second

// progress reports a long import on a writer; a nil *progress reports nothing.
type progress struct {
	w       io.Writer
	name    string
	last    time.Time
	printed bool
}

func newProgress(w io.Writer, name string) *progress {
	if w == nil {
		return nil
	}
	return &progress{w: w, name: name, last: time.Now()}
}

// tick prints the count when a line is due.
func (p *progress) tick(records int) {
	if p == nil || time.Since(p.last) < progressInterval {
		return
	}
	p.print(records)
}

// done prints the final count of an import that printed progress before, so the last line
// shown is the true total.
func (p *progress) done(records int) {
	if p == nil || !p.printed {
		return
	}
	p.print(records)
}

func (p *progress) print(records int) {
	fmt.Fprintf(p.w, "imported %s records from %s\n", humanCount(records), p.name)
	p.last = time.Now()
	p.printed = true
}

// humanCount abbreviates n for a person: 950, 12.3k, 1.2M.
func humanCount(n int) string {
	switch {
	case n < 1000:
		return fmt.Sprint(n)
	case n < 999_950: // 999,950 would round to "1000k"
		return trimZero(fmt.Sprintf("%.1f", float64(n)/1e3)) + "k"
	default:
		return trimZero(fmt.Sprintf("%.1f", float64(n)/1e6)) + "M"
	}
}

func trimZero(s string) string {
	if len(s) > 2 && s[len(s)-2:] == ".0" {
		return s[:len(s)-2]
	}
	return s
}
