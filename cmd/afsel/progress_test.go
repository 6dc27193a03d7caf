package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/afsel/afsel/pipeline"
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

// TestWriteLine: the line while files are written names the figure phase,
// Figure 1's pass and the files written once there are any.
func TestWriteLine(t *testing.T) {
	var mon pipeline.Monitor
	figs := pipeline.Stages{Tables: true, Replay: true, Figures: true}
	if got := writeLine("reproduce", figs, &mon); got != "reproduce: figures and report" {
		t.Errorf("line %q", got)
	}
	if got := writeLine("tables", pipeline.Stages{Tables: true}, &mon); got != "tables: writing" {
		t.Errorf("line %q", got)
	}
	mon.Fig1Pass.Store(3)
	mon.Files.Store(3)
	mon.Written.Store(2)
	if got, want := writeLine("reproduce", figs, &mon), "reproduce: figures and report, Figure 1 pass 3, 2 of 3 files written"; got != want {
		t.Errorf("line %q, want %q", got, want)
	}
}
