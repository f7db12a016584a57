package gitlab

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/dorareport/dorareport/sources/internal/httpx"
)

// progress redraws one line on a terminal: projects done, requests made, rate limit left.
type progress struct {
	w     io.Writer
	total int
	http  *httpx.Transport
	mu    sync.Mutex
	done  int
	stop  chan struct{}
	ended sync.WaitGroup
}

func newProgress(w io.Writer, total int, t *httpx.Transport) *progress {
	p := &progress{w: w, total: total, http: t, stop: make(chan struct{})}
	if w == nil {
		return p
	}
	p.ended.Add(1)
	go func() {
		defer p.ended.Done()
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				p.draw()
			case <-p.stop:
				return
			}
		}
	}()
	return p
}

func (p *progress) projectDone() {
	p.mu.Lock()
	p.done++
	p.mu.Unlock()
}

func (p *progress) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	line := fmt.Sprintf("gitlab: %d/%d projects, %d requests", p.done, p.total, p.http.Stats().Requests)
	if rl := p.http.RateLimit(); rl.Known() {
		line += fmt.Sprintf(", rate limit %d left (resets %s)", rl.Remaining, rl.Reset.Local().Format("15:04"))
	}
	fmt.Fprintf(p.w, "\r\x1b[K%s", line)
}

func (p *progress) finish() {
	if p.w == nil {
		return
	}
	close(p.stop)
	p.ended.Wait()
	p.draw()
	fmt.Fprintln(p.w)
}
