package figures

import (
	"fmt"
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
