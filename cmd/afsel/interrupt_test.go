package main

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/afsel/afsel/internal/testfs"

	"github.com/afsel/afsel/pipeline"
)

// syncBuffer is a bytes.Buffer safe for a writer and a reader at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// TestInterrupt: SIGINT in any phase of reproduce (the analysis, Figure 1
// and the drawing, the writing) ends the run with exit 130 within a
// second, leaves the output directory as the previous run left it, and
// leaves nothing beside it.
func TestInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("runs reproduce five times")
	}
	parent := t.TempDir()
	out := filepath.Join(parent, "out")
	if code, _, stderr := run(t, "reproduce", "--out", out, "-q"); code != 0 {
		t.Fatalf("first run: exit %d: %s", code, stderr)
	}
	before := testfs.Files(t, out)
	defer func() { observeMonitor = nil }()
	for _, phase := range []struct {
		name string
		p    int32
	}{{"analysis", pipeline.PhaseAnalysis}, {"figures", pipeline.PhaseFigures}, {"writing", pipeline.PhaseWriting}} {
		t.Run(phase.name, func(t *testing.T) {
			monitors := make(chan *pipeline.Monitor, 1)
			observeMonitor = func(m *pipeline.Monitor) { monitors <- m }
			args := []string{"reproduce", "--input", goldenData, "--out", out, "--force", "-q"}
			if phase.p == pipeline.PhaseAnalysis {
				args = append(args, "--runs", "3000") // an analysis of seconds
			}
			var stdout, stderr syncBuffer
			type result struct {
				code int
				at   time.Time
			}
			done := make(chan result, 1)
			go func() {
				code := Main(args, &stdout, &stderr)
				done <- result{code, time.Now()}
			}()
			mon := <-monitors
			for mon.Phase.Load() < phase.p {
				time.Sleep(20 * time.Microsecond)
			}
			if phase.p == pipeline.PhaseAnalysis {
				time.Sleep(200 * time.Millisecond)
			}
			sent := time.Now()
			if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			var r result
			select {
			case r = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("no exit 10 s after SIGINT")
			}
			if r.code != exitInterrupt {
				t.Errorf("exit %d, want %d; stderr %s", r.code, exitInterrupt, stderr.b.String())
			}
			if d := r.at.Sub(sent); d > time.Second {
				t.Errorf("exit %v after SIGINT, want within a second", d)
			}
			if got := testfs.Files(t, out); !reflect.DeepEqual(got, before) {
				t.Errorf("the output directory changed: %v, was %v", got, before)
			}
			// A run the grace period gave up on may still be stopping.
			time.Sleep(100 * time.Millisecond)
			if names := testfs.Names(t, parent); !reflect.DeepEqual(names, []string{"out"}) {
				t.Errorf("beside the output directory: %v", names)
			}
		})
	}
}
