package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestUpperMedian: UpperMedian is sorted(x)[len/2] in slices.Sort's order, on
// samples of every length up to 130 with many ties, NaNs and infinities.
func TestUpperMedian(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for trial := range 5000 {
		n := 1 + rng.IntN(130)
		x := make([]float64, n)
		for i := range x {
			switch rng.IntN(12) {
			case 0:
				x[i] = math.NaN()
			case 1:
				x[i] = math.Inf(1 - 2*rng.IntN(2))
			case 2, 3, 4:
				x[i] = float64(rng.IntN(4)) // ties
			default:
				x[i] = rng.NormFloat64()
			}
			if trial%3 == 0 && !math.IsNaN(x[i]) {
				x[i] = float64(rng.IntN(3)) // few distinct values
			}
		}
		want := slices.Clone(x)
		slices.Sort(want)
		w := want[n/2]
		if got := UpperMedian(x); got != w && !(math.IsNaN(got) && math.IsNaN(w)) {
			t.Fatalf("trial %d: median of %d = %v, want %v", trial, n, got, w)
		}
	}
}
