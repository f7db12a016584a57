// Package progress draws the progress line of a collector that works through a list of
// repositories or projects: how many are done, the requests sent and the rate limit left,
// redrawn in place on a terminal.
package progress

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/dorareport/dorareport/sources/internal/httpx"
)

// A Line redraws one line on a terminal: units done, requests made, rate limit left.
type Line struct {
	w      io.Writer
	source string // "github"
	unit   string // "repos"
	total  int
	http   *httpx.Transport
	mu     sync.Mutex
	done   int
	stop   chan struct{}
	ended  sync.WaitGroup
}

// Start begins redrawing the line of source ("github") on w four times a second, counting
// total units ("repos") and the requests t sends. A nil w draws nothing.
func Start(w io.Writer, source, unit string, total int, t *httpx.Transport) *Line {
	l := &Line{w: w, source: source, unit: unit, total: total, http: t, stop: make(chan struct{})}
	if w == nil {
		return l
	}
	l.ended.Add(1)
	go func() {
		defer l.ended.Done()
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				l.draw()
			case <-l.stop:
				return
			}
		}
	}()
	return l
}

// Done counts one more unit done.
func (l *Line) Done() {
	l.mu.Lock()
	l.done++
	l.mu.Unlock()
}

func (l *Line) draw() {
	l.mu.Lock()
	defer l.mu.Unlock()
	line := fmt.Sprintf("%s: %d/%d %s, %d requests", l.source, l.done, l.total, l.unit, l.http.Stats().Requests)
	if rl := l.http.RateLimit(); rl.Known() {
		line += fmt.Sprintf(", rate limit %d left (resets %s)", rl.Remaining, rl.Reset.Local().Format("15:04"))
	}
	fmt.Fprintf(l.w, "\r\x1b[K%s", line)
}

// Finish stops the redrawing, draws the final line and ends it with a newline.
func (l *Line) Finish() {
	if l.w == nil {
		return
	}
	close(l.stop)
	l.ended.Wait()
	l.draw()
	fmt.Fprintln(l.w)
}
