package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortFloats compares SortFloats with slices.Sort, around the radix
// threshold, on durations, ties, signed values with both zeros, and
// arbitrary bits.
func TestSortFloats(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	gens := map[string]func() float64{
		"durations": func() float64 { return math.Round(math.Exp(3+rng.NormFloat64())*1e3) / 1e3 },
		"ties":      func() float64 { return float64(rng.IntN(7)) },
		"signed":    func() float64 { return []float64{math.Copysign(0, -1), 0, rng.NormFloat64()}[rng.IntN(3)] },
		"bits": func() float64 {
			for {
				if v := math.Float64frombits(rng.Uint64()); !math.IsNaN(v) {
					return v
				}
			}
		},
	}
	for name, gen := range gens {
		for _, n := range []int{0, 1, radixMin - 1, radixMin, radixMin + 1, 50000} {
			s := make([]float64, n)
			for i := range s {
				s[i] = gen()
			}
			want := slices.Clone(s)
			slices.Sort(want)
			SortFloats(s)
			for i := range s {
				// Equal values; and, sorted by radix, -0 before +0, which
				// slices.Sort leaves in any order.
				zerosOutOfOrder := n >= radixMin && i > 0 && s[i] == 0 && s[i-1] == 0 && math.Signbit(s[i]) && !math.Signbit(s[i-1])
				if s[i] != want[i] || zerosOutOfOrder {
					t.Fatalf("%s, n=%d: index %d = %v, slices.Sort %v", name, n, i, s[i], want[i])
				}
			}
			if !slices.IsSorted(s) {
				t.Fatalf("%s, n=%d: not sorted", name, n)
			}
		}
	}
}

func BenchmarkSortFloats(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, 207099)
	for i := range x {
		x[i] = math.Round(math.Exp(3+rng.NormFloat64())*1e3) / 1e3
	}
	s := make([]float64, len(x))
	b.Run("radix", func(b *testing.B) {
		for b.Loop() {
			copy(s, x)
			SortFloats(s)
		}
	})
	b.Run("pdqsort", func(b *testing.B) {
		for b.Loop() {
			copy(s, x)
			slices.Sort(s)
		}
	})
}
