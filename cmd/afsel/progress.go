package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow/go/v15/arrow/array"
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

// formatProgress is a progress meter's text: done bytes of total (unknown
// when total <= 0), the rate in bytes per second (not shown when 0) and the
// time left (shown when eta >= 0), e.g. "1.2 GB of 6.2 GB (19%), 85 MB/s,
// ETA 59s", or without a total "1.2 GB read, 85 MB/s".
func formatProgress(done, total int64, rate float64, eta time.Duration) string {
	var s string
	if total > 0 {
		done = min(done, total) // readers at offsets may read a little more
		s = fmt.Sprintf("%s of %s (%d%%)", formatSize(float64(done)), formatSize(float64(total)), 100*done/total)
	} else {
		s = formatSize(float64(done)) + " read"
	}
	if rate > 0 {
		s += ", " + formatSize(rate) + "/s"
	}
	if eta >= 0 {
		s += ", ETA " + formatETA(eta)
	}
	return s
}

// estimate is the mean rate since the start, elapsed ago, and the time left
// at that rate to reach total (-1: unknown, without a total or a rate).
func estimate(done, total int64, elapsed time.Duration) (rate float64, eta time.Duration) {
	eta = -1
	if elapsed <= 0 || done <= 0 {
		return 0, eta
	}
	rate = float64(done) / elapsed.Seconds()
	if total > 0 {
		eta = time.Duration(float64(max(total-done, 0)) / rate * float64(time.Second))
	}
	return rate, eta
}

// meterLine is formatProgress at the rate since the start.
func meterLine(done, total int64, elapsed time.Duration) string {
	rate, eta := estimate(done, total, elapsed)
	return formatProgress(done, total, rate, eta)
}

// formatSize prints n bytes with a decimal unit and two or three
// significant digits, as file sizes are usually shown: "512 B", "1.2 kB",
// "85 MB", "6.2 GB" (formatBytes prints the binary units of BigQuery's
// billing).
func formatSize(n float64) string {
	units := []string{"B", "kB", "MB", "GB", "TB", "PB"}
	u := 0
	for n >= 999.5 && u < len(units)-1 {
		n /= 1000
		u++
	}
	switch {
	case u == 0:
		return fmt.Sprintf("%.0f B", n)
	case n < 9.95:
		return fmt.Sprintf("%.1f %s", n, units[u])
	}
	return fmt.Sprintf("%.0f %s", n, units[u])
}

// formatCount prints a count with a decimal unit: "950", "12.3k", "1.5M".
func formatCount(n int64) string {
	x := float64(n)
	switch {
	case x < 1e4:
		return fmt.Sprintf("%d", n)
	case x < 1e6:
		return fmt.Sprintf("%.1fk", x/1e3)
	case x < 1e9:
		return fmt.Sprintf("%.1fM", x/1e6)
	}
	return fmt.Sprintf("%.1fG", x/1e9)
}

// formatETA prints a time left to the second under an hour: "42s",
// "3m07s", "1h02m".
func formatETA(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	}
	m := (s + 30) / 60
	return fmt.Sprintf("%dh%02dm", m/60, m%60)
}

// inputSize is the total size of the files at paths (inputBytes), 0
// (unknown) when one is standard input or not a regular file (a pipe).
func inputSize(paths []string) int64 {
	if n := inputBytes(paths); n != math.MaxInt64 {
		return n
	}
	return 0
}

// countingReader counts the bytes read through it into n.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n.Add(int64(k))
	return k, err
}

// rowCounter counts the rows of the batches read through it into n.
type rowCounter struct {
	array.RecordReader
	n *atomic.Int64
}

func (r rowCounter) Next() bool {
	if !r.RecordReader.Next() {
		return false
	}
	r.n.Add(r.Record().NumRows())
	return true
}
