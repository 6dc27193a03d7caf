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

// TestKey: Key orders as the values do, -0 just below +0 and v+0 folding
// them into one key, and FromKey inverts it bit for bit.
func TestKey(t *testing.T) {
	negZero := math.Copysign(0, -1)
	ordered := []float64{math.Inf(-1), -math.MaxFloat64, -1, -math.SmallestNonzeroFloat64, negZero, 0, math.SmallestNonzeroFloat64, 1, math.MaxFloat64, math.Inf(1)}
	for i, v := range ordered {
		if back := FromKey(Key(v)); math.Float64bits(back) != math.Float64bits(v) {
			t.Errorf("FromKey(Key(%v)) = %v", v, back)
		}
		if i > 0 && Key(ordered[i-1]) >= Key(v) {
			t.Errorf("Key(%v) >= Key(%v)", ordered[i-1], v)
		}
	}
	if Key(negZero+0) != Key(0) || Key(negZero)+1 != Key(0) {
		t.Errorf("keys of -0, -0+0, +0: %x %x %x", Key(negZero), Key(negZero+0), Key(0))
	}
	if Key(math.NaN()) <= Key(math.Inf(1)) {
		t.Error("NaN's key is not above +Inf's")
	}
}

func TestZoneLabel(t *testing.T) {
	for z, want := range map[Zone]string{0: "all", ZoneV4: "IPv4 is better", ZoneNone: "None is better", ZoneV6: "IPv6 is better"} {
		if got := z.Label(); got != want {
			t.Errorf("Zone(%d).Label() = %q, want %q", z, got, want)
		}
	}
}

// TestSortKeys compares sortKeys with slices.Sort on durations, few
// distinct values, signed values, a tight cluster, values spread over
// decades (bins of very unequal counts, sorted by buckets to every level),
// and clusters squeezed into one bucket by outliers, on both sides of
// bucketMin.
func TestSortKeys(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var sb sortBuf
	for it := 0; it < 20000; it++ {
		n := 1 + r.IntN(450)
		if it%10 == 0 {
			n = 1 + r.IntN(5000)
		}
		x := make([]float64, n)
		for i := range x {
			switch it % 5 {
			case 0:
				x[i] = 20 * (1 + r.ExpFloat64())
			case 1:
				x[i] = float64(r.IntN(5))
			case 2:
				x[i] = r.NormFloat64() * 1e6
			case 3:
				x[i] = 10 + r.Float64()*1e-9
			case 4:
				x[i] = math.Ldexp(1+r.Float64()*1e-12, r.IntN(60))
			}
			if it%7 == 0 && i%50 == 0 {
				x[i] = 1e5 * r.Float64() // outliers that squeeze the rest into a bucket
			}
		}
		keys := make([]uint64, n)
		for i, v := range x {
			keys[i] = Key(v)
		}
		want := slices.Clone(keys)
		slices.Sort(want)
		if got := sb.sortKeys(x); !slices.Equal(got, want) {
			t.Fatalf("case %d (%d values) differs from slices.Sort", it, n)
		}
	}
}

// pairLike is a sample of 150 to 336 durations like a pair's: clustered
// around a base, rounded to the microsecond, with spikes.
func pairLike(r *rand.Rand) []float64 {
	n := 150 + r.IntN(187)
	base := 10 + 200*r.Float64()
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(int64(base*(1+0.03*r.ExpFloat64())*1000)) / 1000
		if r.IntN(30) == 0 {
			x[i] *= 1 + 20*r.Float64()
		}
	}
	return x
}

// BenchmarkSortKeys sorts 200 samples of 150 to 336 durations like a
// pair's: clustered, with spikes; pdq is slices.Sort on the same keys.
func BenchmarkSortKeys(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	var sets [][]float64
	for range 200 {
		sets = append(sets, pairLike(r))
	}
	b.Run("pdq", func(b *testing.B) {
		keys := make([]uint64, 400)
		for b.Loop() {
			for _, x := range sets {
				keys = keys[:0]
				for _, v := range x {
					keys = append(keys, Key(v))
				}
				slices.Sort(keys)
			}
		}
	})
	b.Run("bucket", func(b *testing.B) {
		var sb sortBuf
		for b.Loop() {
			for _, x := range sets {
				sb.sortKeys(x)
			}
		}
	})
}
