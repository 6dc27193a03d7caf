package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"
)

// progress prints a status line on stderr every few hundred milliseconds, but
// only when stderr is a terminal and not in CI: pipes and logs stay clean.
type progress struct {
	w        io.Writer
	stop     chan struct{}
	done     chan struct{}
	stopOnce sync.Once
}

func isTerminal(w io.Writer) bool {
	if os.Getenv("CI") != "" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// startProgress calls line periodically and shows what it returns. It returns
// nil (a no-op) when progress should not be shown.
func (e *env) startProgress(line func(elapsed time.Duration) string) *progress {
	if e.quiet || !isTerminal(e.stderr) {
		return nil
	}
	return newProgress(e.stderr, 250*time.Millisecond, line)
}

// newProgress shows line on w every period until stopped.
func newProgress(w io.Writer, period time.Duration, line func(elapsed time.Duration) string) *progress {
	p := &progress{w: w, stop: make(chan struct{}), done: make(chan struct{})}
	start := time.Now()
	go func() {
		defer close(p.done)
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				fmt.Fprint(p.w, "\r\033[K")
				return
			case <-t.C:
				fmt.Fprintf(p.w, "\r\033[K%s", line(time.Since(start)))
			}
		}
	}()
	return p
}

// Stop clears the status line; it may be called more than once.
func (p *progress) Stop() {
	if p == nil {
		return
	}
	p.stopOnce.Do(func() { close(p.stop) })
	<-p.done
}
