package main

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

// TestProgress: the line is shown until Stop, which clears it and may be
// called twice; a nil progress (no terminal) stops quietly.
func TestProgress(t *testing.T) {
	var b bytes.Buffer
	shown := make(chan struct{}, 1)
	p := newProgress(&b, time.Millisecond, func(time.Duration) string {
		select {
		case shown <- struct{}{}:
		default:
		}
		return "working"
	})
	<-shown
	p.Stop()
	p.Stop()
	if out := b.String(); !strings.Contains(out, "\r\033[Kworking") || !strings.HasSuffix(out, "\r\033[K") {
		t.Errorf("progress wrote %q", out)
	}
	var none *progress
	none.Stop()
}

// TestFigureProgress: the figure phase's line names Figure 1's pass and the
// files written once there are any, and counting counts every write, failed
// or not, and passes its result on.
func TestFigureProgress(t *testing.T) {
	var p figureProgress
	if got := p.line(0); got != "reproduce: figures and report" {
		t.Errorf("line %q", got)
	}
	boom := errors.New("boom")
	files, later := p.counting([]outFile{
		{"a", func(w io.Writer) error { _, err := io.WriteString(w, "a"); return err }},
		{"b", func(io.Writer) error { return boom }},
	}, []outFile{{"c", func(io.Writer) error { return nil }}})
	p.passes.Store(3)
	var b bytes.Buffer
	if err := files[0].write(&b); err != nil || b.String() != "a" {
		t.Errorf("first write: %v, %q", err, b.String())
	}
	if err := files[1].write(&b); !errors.Is(err, boom) {
		t.Errorf("second write: %v, want boom", err)
	}
	if got, want := p.line(0), "reproduce: figures and report, Figure 1 pass 3, 2 of 3 files written"; got != want {
		t.Errorf("line %q, want %q", got, want)
	}
	if err := later[0].write(&b); err != nil || p.written.Load() != 3 {
		t.Errorf("third write: %v, %d written", err, p.written.Load())
	}
}
