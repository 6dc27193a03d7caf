package figures

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/afsel/afsel/internal/figtest"
	"github.com/afsel/afsel/internal/rankstat"
)

// fig1Data are the data sets Figure1Passes must agree with Figure1 on.
var fig1Data = []struct {
	name string
	gen  func(rng *rand.Rand) (v4, v6 []float64)
}{
	{"continuous", func(rng *rand.Rand) ([]float64, []float64) { return lognormal(rng, 1+rng.IntN(3000), 0) }},
	{"ties 0.5 ms", func(rng *rand.Rand) ([]float64, []float64) { return lognormal(rng, 1+rng.IntN(3000), 0.5) }},
	{"ties 10 ms", func(rng *rand.Rand) ([]float64, []float64) { return lognormal(rng, 1+rng.IntN(3000), 10) }},
	{"one row", func(rng *rand.Rand) ([]float64, []float64) { return lognormal(rng, 1, 0) }},
	{"two rows", func(rng *rand.Rand) ([]float64, []float64) { return lognormal(rng, 2, 0) }},
	{"three rows", func(rng *rand.Rand) ([]float64, []float64) { return lognormal(rng, 3, 0) }},
	{"constant v6", func(rng *rand.Rand) ([]float64, []float64) {
		v4, v6 := lognormal(rng, 1+rng.IntN(500), 0)
		for i := range v6 {
			v6[i] = 42
		}
		return v4, v6
	}},
	{"all equal", func(rng *rand.Rand) ([]float64, []float64) {
		v4, v6 := lognormal(rng, 1+rng.IntN(500), 0)
		for i := range v4 {
			v4[i], v6[i] = 7, 7
		}
		return v4, v6
	}},
	{"NaN", func(rng *rand.Rand) ([]float64, []float64) {
		v4, v6 := lognormal(rng, 1+rng.IntN(2000), 0.5)
		for i := range v4 {
			if rng.IntN(5) == 0 {
				v4[i] = math.NaN()
			}
			if rng.IntN(7) == 0 {
				v6[i] = math.NaN()
			}
		}
		return v4, v6
	}},
	{"all NaN v4", func(rng *rand.Rand) ([]float64, []float64) {
		v4, v6 := lognormal(rng, 1+rng.IntN(100), 0)
		for i := range v4 {
			v4[i] = math.NaN()
		}
		return v4, v6
	}},
	{"negative and zero", func(rng *rand.Rand) ([]float64, []float64) {
		n := 1 + rng.IntN(2000)
		v4, v6 := make([]float64, n), make([]float64, n)
		for i := range v4 {
			v4[i] = math.Round(rng.NormFloat64()*4) / 2
			v6[i] = rng.NormFloat64() * 3
			if rng.IntN(4) == 0 {
				v6[i] = 0
			}
		}
		return v4, v6
	}},
	{"infinities", func(rng *rand.Rand) ([]float64, []float64) {
		v4, v6 := lognormal(rng, 1+rng.IntN(500), 1)
		for i := range v4 {
			if rng.IntN(3) == 0 {
				v4[i] = math.Inf(1)
			}
			if rng.IntN(9) == 0 {
				v6[i] = math.Inf(-1)
			}
		}
		return v4, v6
	}},
	{"filter keeps nothing", func(rng *rand.Rand) ([]float64, []float64) {
		// Two values per family: every test sits on a quantile or beyond.
		n := 1 + rng.IntN(100)
		v4, v6 := make([]float64, n), make([]float64, n)
		for i := range v4 {
			v4[i], v6[i] = float64(rng.IntN(2)), 3
		}
		return v4, v6
	}},
	{"tiny ratios", func(rng *rand.Rand) ([]float64, []float64) {
		v4, v6 := lognormal(rng, 1+rng.IntN(2000), 0)
		for i := range v4 {
			v4[i] *= 1e-300
			v6[i] *= 1e300
		}
		return v4, v6
	}},
}

var lognormal = figtest.Lognormal

// passConfigs range from memory bounds that force refinement at every
// level to the default.
var passConfigs = []passConfig{{bins: 2, limit: 8}, {bins: 4, limit: 100}, {bins: 64, limit: 2000}, defaultPassConfig}

func sameFloat(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }

// checkSameFig1 fails unless got's outputs at points are want's.
func checkSameFig1(t *testing.T, got, want *Fig1, points int) {
	t.Helper()
	if got.RowsBefore != want.RowsBefore || got.RowsAfter != want.RowsAfter {
		t.Errorf("rows %d -> %d, want %d -> %d", got.RowsBefore, got.RowsAfter, want.RowsBefore, want.RowsAfter)
	}
	for _, f := range []struct {
		name      string
		got, want float64
	}{
		{"q05 v4", got.Q05V4, want.Q05V4}, {"q95 v4", got.Q95V4, want.Q95V4},
		{"q05 v6", got.Q05V6, want.Q05V6}, {"q95 v6", got.Q95V6, want.Q95V6},
		{"share v4", got.ShareV4Faster, want.ShareV4Faster}, {"share v6", got.ShareV6Faster, want.ShareV6Faster},
		{"ratio At(lo)", got.Ratio.At(ratioAxisLo), want.Ratio.At(ratioAxisLo)},
		{"ratio At(hi)", got.Ratio.At(ratioAxisHi), want.Ratio.At(ratioAxisHi)},
	} {
		if !sameFloat(f.got, f.want) {
			t.Errorf("%s = %v, want %v", f.name, f.got, f.want)
		}
	}
	if got.V4.N != want.V4.N || got.V6.N != want.V6.N || got.Ratio.N != want.Ratio.N {
		t.Errorf("N = %d, %d, %d, want %d, %d, %d", got.V4.N, got.V6.N, got.Ratio.N, want.V4.N, want.V6.N, want.Ratio.N)
	}
	g, w := got.Rows(points), want.Rows(points)
	if len(g) != len(w) {
		t.Fatalf("points %d: %d rows, want %d", points, len(g), len(w))
	}
	for i := range g {
		if g[i].Figure != w[i].Figure || g[i].Panel != w[i].Panel || g[i].Series != w[i].Series ||
			!sameFloat(g[i].X, w[i].X) || !sameFloat(g[i].Y, w[i].Y) {
			t.Fatalf("points %d: row %d = %v, want %v", points, i, g[i], w[i])
		}
	}
}

// TestFigure1PassesProperty: on random data sets of every kind, with
// memory bounds from tiny (refining down to single keys) to the default,
// Figure1Passes's outputs are Figure1's, bit for bit.
func TestFigure1PassesProperty(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(5, 6))
	trials := 6
	if testing.Short() {
		trials = 3
	}
	for _, tc := range fig1Data {
		t.Run(tc.name, func(t *testing.T) {
			for trial := range trials {
				v4, v6 := tc.gen(rng)
				want, err := Figure1(v4, v6)
				if err != nil {
					t.Fatal(err)
				}
				cfg := passConfigs[trial%len(passConfigs)]
				batch := 1 + rng.IntN(len(v4)+1)
				for _, points := range []int{1, 2, 10, 1000} {
					got, _, err := figure1Passes(ctx, rankstat.ColumnsPass(v4, v6, batch), points, cfg)
					if err != nil {
						t.Fatalf("trial %d, %+v: %v", trial, cfg, err)
					}
					checkSameFig1(t, got, want, points)
				}
			}
		})
	}
}

// TestFigure1PassesErrors: the errors of Figure1, and those of the passes.
func TestFigure1PassesErrors(t *testing.T) {
	ctx := context.Background()
	boom := errors.New("boom")
	calls := 0
	changing := func(ctx context.Context, visit func(v4, v6 []float64) error) error {
		calls++
		return visit(make([]float64, calls), make([]float64, calls))
	}
	shifting := func(ctx context.Context, visit func(v4, v6 []float64) error) error {
		calls++
		v4, v6 := lognormal(rand.New(rand.NewPCG(1, uint64(calls))), 100, 0)
		return visit(v4, v6)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		pass rankstat.Pass
		want error // nil: any error
	}{
		{"no rows", ctx, rankstat.ColumnsPass(nil, nil, 1), ErrBadInput},
		{"different lengths", ctx, rankstat.ColumnsPass([]float64{1, 2}, []float64{1}, 1), nil},
		{"pass error", ctx, func(context.Context, func(v4, v6 []float64) error) error { return boom }, boom},
		{"cancelled", cancelled, rankstat.ColumnsPass([]float64{1, 2}, []float64{1, 2}, 1), context.Canceled},
		{"rows change", ctx, changing, ErrBadInput},
		{"values change", ctx, shifting, ErrBadInput},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls = 0
			_, err := Figure1Passes(tc.ctx, tc.pass, 10)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := Figure1(nil, nil); !errors.Is(err, ErrBadInput) {
		t.Errorf("Figure1: error %v, want ErrBadInput", err)
	}
}

// generatedPass yields n paired tests from a seeded generator, in batches,
// storing none: the same tests on every call. sample, if not nil, is called
// after each call.
func generatedPass(n int, round float64, sample func()) rankstat.Pass {
	const batch = 4096
	v4, v6 := make([]float64, batch), make([]float64, batch)
	return func(ctx context.Context, visit func(v4, v6 []float64) error) error {
		rng := rand.New(rand.NewPCG(7, 8))
		for i := 0; i < n; i += batch {
			if err := ctx.Err(); err != nil {
				return err
			}
			m := min(batch, n-i)
			for j := range m {
				base := 20 + 100*rng.ExpFloat64()
				v4[j] = base * (1 + 0.1*rng.Float64())
				v6[j] = base * (1 + 0.1*rng.Float64())
				if round > 0 {
					v4[j] = math.Round(v4[j]/round) * round
					v6[j] = math.Round(v6[j]/round) * round
				}
			}
			if err := visit(v4[:m], v6[:m]); err != nil {
				return err
			}
		}
		if sample != nil {
			sample()
		}
		return nil
	}
}

// TestFigure1PassesMemory: on 12 million generated paired tests, the live
// heap at the end of every pass (when all histograms are held) stays under
// a bound independent of the number of tests, and so does what was
// allocated in all.
func TestFigure1PassesMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("12 million rows")
	}
	const n = 12_000_000
	// The two first-level histograms, the refinement budget, and 16 MB for
	// the rest (the generator's batch, maps, slack).
	bound := uint64(2*8*defaultPassConfig.bins + 8*defaultPassConfig.limit + 16<<20)
	var before, m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var peak uint64
	sample := func() {
		runtime.GC()
		runtime.ReadMemStats(&m)
		peak = max(peak, m.HeapAlloc-min(m.HeapAlloc, before.HeapAlloc))
	}
	f, passes, err := figure1Passes(context.Background(), generatedPass(n, 0, sample), DefaultPoints, defaultPassConfig)
	if err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&m)
	total := m.TotalAlloc - before.TotalAlloc
	t.Logf("%d rows, %d kept, %d passes, live heap peak %.1f MB, allocated %.1f MB", n, f.RowsAfter, passes, float64(peak)/(1<<20), float64(total)/(1<<20))
	if peak > bound {
		t.Errorf("live heap peak %d bytes, want <= %d", peak, bound)
	}
	// Per pass: at most the first-level histograms and the refinement budget.
	if total > uint64(passes)*bound {
		t.Errorf("allocated %d bytes in %d passes, want <= %d", total, passes, uint64(passes)*bound)
	}
	if f.RowsBefore != n || len(f.V4.X) == 0 || len(f.V4.X) > DefaultPoints+1 {
		t.Errorf("rows %d, %d v4 steps", f.RowsBefore, len(f.V4.X))
	}
}

// BenchmarkFigure1Passes reads generated paired tests, continuous and
// rounded to the microsecond, and reports the passes and rows per second
// per pass. The tests are generated once, before the timing, and read from
// memory in the spill's batches: the passes are measured, not the
// generator.
func BenchmarkFigure1Passes(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000, 10_000_000} {
		for _, round := range []float64{0, 0.001} {
			b.Run(fmt.Sprintf("rows=%d/round=%g", n, round), func(b *testing.B) {
				v4, v6 := make([]float64, 0, n), make([]float64, 0, n)
				err := generatedPass(n, round, nil)(context.Background(), func(a, c []float64) error {
					v4, v6 = append(v4, a...), append(v6, c...)
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
				pass := rankstat.ColumnsPass(v4, v6, 1<<16) // the spill's chunks
				var passes int
				for b.Loop() {
					var err error
					_, passes, err = figure1Passes(context.Background(), pass, DefaultPoints, defaultPassConfig)
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(passes), "passes")
				b.ReportMetric(float64(n)*float64(passes)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			})
		}
	}
}
