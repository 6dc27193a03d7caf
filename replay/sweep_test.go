package replay_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/afsel/afsel/replay"
)

// TestSweep checks that a sweep's gamma 0.1 equals the single replay, that
// every gamma gets its own simulation, and sweep.csv's shape.
func TestSweep(t *testing.T) {
	cfg := replay.DefaultConfig()
	single := replayGolden(t, cfg)
	cfg.Gammas = []float64{0.05, 0.1, 1}
	cfg.Workers = 3
	sweep := replayGolden(t, cfg)
	var a, b bytes.Buffer
	if err := replay.WriteSimulation(&a, single.Replay, 0); err != nil {
		t.Fatal(err)
	}
	if err := replay.WriteSimulation(&b, sweep.Replay, 1); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("gamma 0.1 in a sweep differs from the single replay")
	}
	if sweep.Steps != 3*single.Steps {
		t.Errorf("sweep simulated %d steps, want 3 x %d", sweep.Steps, single.Steps)
	}
	var s bytes.Buffer
	if err := replay.WriteSweep(&s, sweep.Replay, cfg.Gammas); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(s.String()), "\n")
	if len(lines) != 1+3*4 {
		t.Fatalf("sweep.csv has %d lines, want 13:\n%s", len(lines), s.String())
	}
	rows := replay.Sweep(sweep.Replay, cfg.Gammas)
	for _, r := range rows {
		if r.Zone == 0 && r.Pairs != 644 {
			t.Errorf("gamma %v: %d pairs in all zones, want 644", r.Gamma, r.Pairs)
		}
		if !(r.Q1 <= r.Median && r.Median <= r.Q3) {
			t.Errorf("gamma %v zone %v: quartiles out of order %+v", r.Gamma, r.Zone, r)
		}
	}
	// With gamma 1 EXP3 chooses uniformly: in the zones where one family is
	// better, about half its choices are best; with gamma 0.1 far more.
	for _, r := range rows {
		if r.Zone == 1 && r.Gamma == 1 && !(r.Median > 0.4 && r.Median < 0.6) {
			t.Errorf("gamma 1, zone 1: median best choice %v, want about 0.5", r.Median)
		}
		if r.Zone == 1 && r.Gamma == 0.1 && !(r.Median > 0.8) {
			t.Errorf("gamma 0.1, zone 1: median best choice %v, want above 0.8", r.Median)
		}
	}
}
