package changepoint

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchSeries is a latency-like series with level shifts and spikes, the
// shape of the paired-test series (about 150 to 340 points per family).
func benchSeries(n int) []float64 {
	r := rand.New(rand.NewPCG(336, 5))
	x := genSeries(r, "steps", n)
	for i := range x {
		if r.Float64() < 0.03 {
			x[i] = round6(x[i] + 300*r.Float64())
		}
	}
	return x
}

// BenchmarkPelt reports the time per series (ns/op; divide by 1000 for µs)
// of the guarded fast path and of the exact reference path.
func BenchmarkPelt(b *testing.B) {
	for _, n := range []int{150, 336, 1000} {
		x := benchSeries(n)
		for _, exact := range []bool{false, true} {
			name := "fast"
			if exact {
				name = "exact"
			}
			b.Run(fmt.Sprintf("%s/n=%d", name, n), func(b *testing.B) {
				p := Pelt{Exact: exact}
				dst, err := p.Breakpoints(nil, x, DefaultConfig())
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					dst, _ = p.Breakpoints(dst, x, DefaultConfig())
				}
				if st := p.Stats(); !exact && st.Fallback > 0 {
					b.Fatalf("benchmark series fell back to the exact pass: %+v", st)
				}
			})
		}
	}
}

func BenchmarkMerge(b *testing.B) {
	a := []int{30, 60, 95, 125, 155, 190, 220, 250, 285, 313}
	c := []int{35, 60, 90, 125, 160, 190, 225, 255, 290, 313}
	var dst []int
	b.ReportAllocs()
	for b.Loop() {
		dst = Merge(dst, a, c)
	}
}

// BenchmarkPeltGolden segments every eligible series of the public golden
// dataset (1288 series of 150 to 336 points); ns/op is per series.
func BenchmarkPeltGolden(b *testing.B) {
	keys, v4, v6 := goldenSeries(b)
	var series [][]float64
	for _, k := range keys {
		if len(v4[k]) >= 150 {
			series = append(series, v4[k], v6[k])
		}
	}
	for _, exact := range []bool{false, true} {
		name := "fast"
		if exact {
			name = "exact"
		}
		b.Run(name, func(b *testing.B) {
			p := Pelt{Exact: exact}
			var dst []int
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				dst, _ = p.Breakpoints(dst, series[i%len(series)], DefaultConfig())
				i++
			}
		})
	}
}

// BenchmarkPeltLong reports the cost of one long series, a week (336
// tests every 30 minutes), ten weeks (3,360) and a year (17,500), with
// µs/series; near-linear growth means the pruning holds (a cost per test
// about constant: µs/test). The "steps" series has level shifts at most
// 120 tests apart, as paired-test series do, so change points keep coming;
// the "flat" one is small noise around one level, with no change point,
// PELT's worst case for pruning: nothing is pruned, so the fast pass
// evaluates O(n^2) candidates, and its near ties (the "fallbacks" metric
// counts series that met one) are settled in exact arithmetic. Rerunning the
// whole series through the exact pass instead took over 30 s a series at
// 17,500 tests (BENCHMARKS.md).
func BenchmarkPeltLong(b *testing.B) {
	for _, n := range []int{336, 3360, 17500} {
		r := rand.New(rand.NewPCG(336, 6))
		flat := make([]float64, n)
		for i := range flat {
			flat[i] = round6(100 + 0.3*r.NormFloat64())
		}
		for _, c := range []struct {
			name  string
			x     []float64
			exact bool
		}{{"steps/fast", benchSeries(n), false}, {"steps/exact", benchSeries(n), true}, {"flat/fast", flat, false}} {
			x, exact := c.x, c.exact
			b.Run(fmt.Sprintf("%s/n=%d", c.name, n), func(b *testing.B) {
				p := Pelt{Exact: exact}
				dst, err := p.Breakpoints(nil, x, DefaultConfig())
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					dst, _ = p.Breakpoints(dst, x, DefaultConfig())
				}
				us := float64(b.Elapsed().Microseconds()) / float64(b.N)
				b.ReportMetric(us, "µs/series")
				b.ReportMetric(us/float64(n), "µs/test")
				b.ReportMetric(float64(len(dst)), "breakpoints")
				if st := p.Stats(); st.Fallback > 0 {
					b.ReportMetric(float64(st.Fallback), "fallbacks")
				}
			})
		}
	}
}
