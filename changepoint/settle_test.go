package changepoint

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// flatSeries returns n tests of noise with standard deviation sd around 100
// ms (6 decimals), plus a level shift of shift ms from the middle on (0 for
// none): with no or a small shift nothing is pruned and near ties abound.
func flatSeries(r *rand.Rand, n int, sd, shift float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		v := 100 + sd*r.NormFloat64()
		if i >= n/2 {
			v += shift
		}
		x[i] = round6(v)
	}
	return x
}

// TestSettledTiesMatchExact checks that the guarded pass, which settles near
// ties in exact arithmetic instead of rerunning the series through the exact
// pass, finds the exact pass's breakpoints on flat and near-flat series of
// several lengths, and the naive reference's where that is affordable. It
// also checks that settling happened, so the test exercises it.
func TestSettledTiesMatchExact(t *testing.T) {
	type series struct {
		name string
		x    []float64
	}
	r := rand.New(rand.NewPCG(18, 336))
	var all []series
	for _, n := range []int{150, 336, 1000, 3360} {
		if testing.Short() && n > 1000 {
			continue
		}
		all = append(all,
			series{fmt.Sprintf("flat sd=0.3 n=%d", n), flatSeries(r, n, 0.3, 0)},
			series{fmt.Sprintf("flat sd=0.01 n=%d", n), flatSeries(r, n, 0.01, 0)},
			series{fmt.Sprintf("near-flat shift=0.1 n=%d", n), flatSeries(r, n, 0.3, 0.1)},
			series{fmt.Sprintf("flat sd=1e-5 n=%d", n), flatSeries(r, n, 1e-5, 0)},
		)
		q := make([]float64, n) // three levels 1 µs apart: exact ties
		for i := range q {
			q[i] = 100 + 0.001*float64(r.IntN(3))
		}
		all = append(all, series{fmt.Sprintf("quantised n=%d", n), q},
			// Four levels 0.5 ms apart: equal costs make the argmin tie too.
			series{fmt.Sprintf("ties n=%d", n), genSeries(r, "ties", n)},
			// Constant data: every cost is numpy's rounding residue, so
			// with a zero penalty the argmin is decided by rounding alone.
			series{fmt.Sprintf("constant n=%d", n), repeat(113.660974, n)})
	}
	// The benchmark's flat series (BenchmarkPeltLong).
	bench := rand.New(rand.NewPCG(336, 6))
	flat := make([]float64, 3360)
	for i := range flat {
		flat[i] = round6(100 + 0.3*bench.NormFloat64())
	}
	if !testing.Short() {
		all = append(all, series{"benchmark flat n=3360", flat})
	}

	configs := []Config{
		DefaultConfig(),
		{MinSize: 30, Jump: 5, Penalty: 0},
		{MinSize: 2, Jump: 1, Penalty: 1},
		{MinSize: 7, Jump: 3, Penalty: 0.05},
	}
	var guarded, exact Pelt
	exact.Exact = true
	for _, s := range all {
		for _, cfg := range configs {
			n := len(s.x)
			// Small jumps make the exact pass (and the reference) cubic in n.
			if n/cfg.Jump > 700 && n > 1000 || cfg.Jump == 1 && n > 336 {
				continue
			}
			t.Run(fmt.Sprintf("%s/%+v", s.name, cfg), func(t *testing.T) {
				got, err := guarded.Breakpoints(nil, s.x, cfg)
				if err != nil {
					t.Fatal(err)
				}
				want, err := exact.Breakpoints(nil, s.x, cfg)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, want) {
					t.Fatalf("guarded %v, exact %v", got, want)
				}
				if n > 1000 {
					return
				}
				ref, err := refPelt(s.x, cfg.MinSize, cfg.Jump, cfg.Penalty)
				if err != nil || !slices.Equal(got, ref) {
					t.Fatalf("guarded %v, reference %v (%v)", got, ref, err)
				}
			})
		}
	}
	st := guarded.Stats()
	t.Logf("%+v", st)
	if st.Fallback == 0 || st.Settled == 0 {
		t.Errorf("no near tie settled (%+v): the test does not exercise settling", st)
	}
	if st.Series != st.Fast+st.Fallback+st.Exact {
		t.Errorf("Stats invariant broken: %+v", st)
	}
}

// TestZeroCosts checks the series whose costs settle without being
// computed: on constant integer series every segment's numpy cost is
// exactly 0 and the guarded pass finds the exact pass's breakpoints; other
// constants, and integers too large, compute their costs.
func TestZeroCosts(t *testing.T) {
	tests := []struct {
		x    []float64
		zero bool
	}{
		{repeat(5, 165), true},
		{repeat(8, 327), true},
		{repeat(0, 100), true},
		{repeat(-3, 250), true},
		{repeat(1<<40, 2000), true},
		{repeat(1<<44, 256), true},
		{repeat(1<<44, 257), false},
		{repeat(0.5, 100), false},
		{repeat(113.660974, 100), false},
		{concat(repeat(5, 99), []float64{6}), false},
		{concat([]float64{6}, repeat(5, 99)), false},
		{nil, false},
	}
	configs := []Config{DefaultConfig(), {MinSize: 30, Jump: 5, Penalty: 0}, {MinSize: 2, Jump: 1, Penalty: 1}}
	var guarded, exact Pelt
	exact.Exact = true
	sq := make([]float64, 2000)
	for _, tt := range tests {
		if got := zeroCosts(tt.x); got != tt.zero {
			t.Errorf("zeroCosts(%d × %v) = %v, want %v", len(tt.x), tt.x[:min(1, len(tt.x))], got, tt.zero)
		}
		if !tt.zero {
			continue
		}
		for s := 0; s < len(tt.x); s += 7 {
			for e := s + 1; e <= len(tt.x); e += 3 {
				if c := exactCost(tt.x[s:e], sq); c != 0 || math.Signbit(c) {
					t.Fatalf("%d × %v: cost of [%d, %d) = %v", len(tt.x), tt.x[0], s, e, c)
				}
			}
		}
		for _, cfg := range configs {
			if len(tt.x) > 400 && cfg.Jump == 1 {
				continue
			}
			got, err := guarded.Breakpoints(nil, tt.x, cfg)
			if err != nil {
				t.Fatal(err)
			}
			want, err := exact.Breakpoints(nil, tt.x, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%d × %v, %+v: guarded %v, exact %v", len(tt.x), tt.x[0], cfg, got, want)
			}
		}
	}
}
