package synth

import (
	"context"
	"flag"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/pipeline"
	"github.com/afsel/afsel/stats"
)

var calibrationPairs = flag.Int("synth.calibrate", 0, "print the calibration table measured on this many pairs (seeds 1-3)")

// figures are the pipeline's results that DefaultModel is calibrated on,
// in percent (RCT percentiles in ms).
type figures struct {
	Eligible     float64
	V4, None, V6 float64 // Table 1, shares of eligible pairs
	A, B, C, D   float64 // Table 2
	Q05v4, Q95v4 float64 // global RCT percentiles
	Q05v6, Q95v6 float64
	Pairs        int
	Rows         int64
	RowsPerPair  float64
}

// paper holds the published figures (Piraux & Bonaventure, Tables 1 and 2,
// Figure 1) and the eligible share of the golden week.
var paper = figures{
	Eligible: 81,
	V4:       28.4, None: 39.2, V6: 32.4,
	A: 1.2, B: 8.2, C: 6.9, D: 83.9,
	Q05v4: 19.7, Q95v4: 575.5, Q05v6: 20.2, Q95v6: 588.5,
}

// measure runs the real pipeline (its tables) on the generator's output.
func measure(tb testing.TB, cfg Config) figures {
	tb.Helper()
	ctx := context.Background()
	open := func() (ingest.Reader, error) { return New(ctx, cfg) }
	res, err := pipeline.Run(ctx, pipeline.Input{Open: open}, pipeline.Artefacts(), pipeline.Stages{Tables: true}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	var v4, v6 []float64
	r, err := New(ctx, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	defer r.Release()
	for r.Next() {
		rec := r.Record()
		v4 = append(v4, rec.Column(ingest.IdxV4).(*array.Float64).Float64Values()...)
		v6 = append(v6, rec.Column(ingest.IdxV6).(*array.Float64).Float64Values()...)
	}
	slices.Sort(v4)
	slices.Sort(v6)
	el := float64(res.Eligible())
	pct := func(n int) float64 { return 100 * float64(n) / el }
	t1, t2 := res.Table1, res.Table2
	return figures{
		Eligible: 100 * el / float64(len(res.Tables)),
		V4:       pct(t1.V4), None: pct(t1.None), V6: pct(t1.V6),
		A: pct(t2.A), B: pct(t2.B), C: pct(t2.C), D: pct(t2.D()),
		Q05v4: stats.Quantile(v4, 0.05), Q95v4: stats.Quantile(v4, 0.95),
		Q05v6: stats.Quantile(v6, 0.05), Q95v6: stats.Quantile(v6, 0.95),
		Pairs:       len(res.Tables),
		Rows:        int64(len(v4)),
		RowsPerPair: float64(len(v4)) / float64(len(res.Tables)),
	}
}

// TestCalibration checks that the default model lands near the paper. The
// tolerance is 5 points: with 1500 pairs (about 1200 eligible) the
// sampling standard error of a share near 30% is 1.3 points, so 5 points
// is about 4 standard errors around a calibration that itself is within a
// point or two; a model change that moves a share by more fails.
func TestCalibration(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the pipeline on 1500 pairs")
	}
	cfg := DefaultConfig()
	cfg.Pairs = 1500
	got := measure(t, cfg)
	t.Logf("measured: %+v", got)
	const tol = 5
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"eligible share", got.Eligible, paper.Eligible},
		{"Table 1 IPv4 better", got.V4, paper.V4},
		{"Table 1 none better", got.None, paper.None},
		{"Table 1 IPv6 better", got.V6, paper.V6},
	} {
		if math.Abs(c.got-c.want) > tol {
			t.Errorf("%s = %.1f%%, want %.1f%% ± %d", c.name, c.got, c.want, tol)
		}
	}
	// Table 2's D group and the RCT percentiles are looser: they depend on
	// the tails.
	if math.Abs(got.D-paper.D) > 2*tol {
		t.Errorf("Table 2 D = %.1f%%, want %.1f%% ± %d", got.D, paper.D, 2*tol)
	}
	for _, q := range []struct {
		name      string
		got, want float64
	}{
		{"q05 v4", got.Q05v4, paper.Q05v4}, {"q95 v4", got.Q95v4, paper.Q95v4},
		{"q05 v6", got.Q05v6, paper.Q05v6}, {"q95 v6", got.Q95v6, paper.Q95v6},
	} {
		if r := q.got / q.want; r < 0.8 || r > 1.25 {
			t.Errorf("%s = %.1f ms, want %.1f ms within 20%%", q.name, q.got, q.want)
		}
	}
}

// TestCalibrationReport prints the calibration table in markdown with
// -synth.calibrate=N.
func TestCalibrationReport(t *testing.T) {
	if *calibrationPairs <= 0 {
		t.Skip("set -synth.calibrate=N")
	}
	var runs []figures
	for seed := uint64(1); seed <= 3; seed++ {
		cfg := DefaultConfig()
		cfg.Pairs = *calibrationPairs
		cfg.Seed = seed
		runs = append(runs, measure(t, cfg))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n| figure | paper | seed 1 | seed 2 | seed 3 |\n|---|---|---|---|---|\n")
	row := func(name string, want float64, f func(figures) float64) {
		fmt.Fprintf(&b, "| %s | %.1f |", name, want)
		for _, r := range runs {
			fmt.Fprintf(&b, " %.1f |", f(r))
		}
		b.WriteString("\n")
	}
	row("eligible pairs %", paper.Eligible, func(f figures) float64 { return f.Eligible })
	row("Table 1 IPv4 better %", paper.V4, func(f figures) float64 { return f.V4 })
	row("Table 1 none better %", paper.None, func(f figures) float64 { return f.None })
	row("Table 1 IPv6 better %", paper.V6, func(f figures) float64 { return f.V6 })
	row("Table 2 A %", paper.A, func(f figures) float64 { return f.A })
	row("Table 2 B %", paper.B, func(f figures) float64 { return f.B })
	row("Table 2 C %", paper.C, func(f figures) float64 { return f.C })
	row("Table 2 D %", paper.D, func(f figures) float64 { return f.D })
	row("RCT q05 v4 ms", paper.Q05v4, func(f figures) float64 { return f.Q05v4 })
	row("RCT q95 v4 ms", paper.Q95v4, func(f figures) float64 { return f.Q95v4 })
	row("RCT q05 v6 ms", paper.Q05v6, func(f figures) float64 { return f.Q05v6 })
	row("RCT q95 v6 ms", paper.Q95v6, func(f figures) float64 { return f.Q95v6 })
	row("rows per pair", 320, func(f figures) float64 { return f.RowsPerPair })
	t.Log(b.String())
}
