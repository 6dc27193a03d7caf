package pipeline

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/afsel/afsel/internal/testfs"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/internal/goldentest"
)

// TestCancelPhases cancels a reproduce-like run in each phase (the
// analysis, Figure 1's passes over the spill, drawing, writing the files):
// the run stops promptly with the context's error, the output directory
// holds the previous run's files, and nothing is left beside it.
func TestCancelPhases(t *testing.T) {
	defer func(n int) { figure1InMemory = n }(figure1InMemory)
	figure1InMemory = 1000 // Figure 1 in passes over a spill file
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	cfg := Artefacts()
	cfg.Replay.Runs = 20
	cfg.TempDir = parent
	all := Stages{Tables: true, Replay: true, Figures: true}
	in := FileInput([]string{goldentest.Data()}, "", ingest.Options{})
	res, err := Run(context.Background(), in, cfg, all, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := res.Write(context.Background(), Output{Dir: dir, Command: "reproduce"}, nil); err != nil {
		t.Fatal(err)
	}
	res.Close()
	before := testfs.Files(t, dir)

	tests := []struct {
		phase string
		// when reports that the phase has begun.
		when func(*Monitor) bool
		run  bool // cancel during Run, not Write
	}{
		{"analysis", func(m *Monitor) bool { return m.Analysis.Pairs.Load() > 0 }, true},
		{"figure 1", func(m *Monitor) bool { return m.Fig1Pass.Load() > 0 }, false},
		{"drawing", func(*Monitor) bool { return true }, false},
		{"writing", func(m *Monitor) bool { return m.Written.Load() > 0 }, false},
	}
	for _, tt := range tests {
		t.Run(tt.phase, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			mon := &Monitor{}
			var cancelled time.Time
			watch := func() {
				for !tt.when(mon) {
					time.Sleep(50 * time.Microsecond)
				}
				cancelled = time.Now()
				cancel()
			}
			var err error
			if tt.run {
				go watch()
				_, err = Run(ctx, in, cfg, all, mon)
			} else {
				res, rerr := Run(context.Background(), in, cfg, all, nil)
				if rerr != nil {
					t.Fatal(rerr)
				}
				defer res.Close()
				go watch()
				_, err = res.Write(ctx, Output{Dir: dir, Command: "reproduce", Force: true}, mon)
			}
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("%v, want context.Canceled", err)
			}
			if d := time.Since(cancelled); d > time.Second {
				t.Errorf("returned %v after the cancellation", d)
			}
			if got := testfs.Files(t, dir); !reflect.DeepEqual(got, before) {
				t.Errorf("the output directory holds %v, was %v", got, before)
			}
			if names := testfs.Names(t, parent); !reflect.DeepEqual(names, []string{"out"}) {
				t.Errorf("beside the output directory: %v", names)
			}
		})
	}
}
