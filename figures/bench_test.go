package figures

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// BenchmarkECDF builds the exact ECDF of n values and downsamples it to
// DefaultPoints, as Figure 1 does for each column (the golden set: 207k
// paired tests; the paper: 157M).
func BenchmarkECDF(b *testing.B) {
	for _, n := range []int{1000, 100_000, 1_000_000} {
		rng := rand.New(rand.NewPCG(1, uint64(n)))
		x := make([]float64, n)
		for i := range x {
			x[i] = rng.ExpFloat64() * 100
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				NewECDF(x).Downsample(DefaultPoints)
			}
		})
	}
}

// BenchmarkFigure1 computes Figure 1 in memory from the golden set's number
// of paired tests (207,099), durations rounded to the µs as RIPE Atlas
// reports them.
func BenchmarkFigure1(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 8))
	v4, v6 := make([]float64, 207099), make([]float64, 207099)
	for i := range v4 {
		base := math.Exp(4 + rng.NormFloat64())
		v4[i] = math.Round(base*math.Exp(0.1*rng.NormFloat64())*1e3) / 1e3
		v6[i] = math.Round(base*math.Exp(0.1*rng.NormFloat64()-0.02)*1e3) / 1e3
	}
	for b.Loop() {
		if _, err := Figure1(v4, v6); err != nil {
			b.Fatal(err)
		}
	}
}
