package stats

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// rankedKeys returns the keys of the values of x at idx, in idx's order.
func rankedKeys(x []float64, idx []int32) []uint64 {
	keys := make([]uint64, len(idx))
	for j, i := range idx {
		keys[j] = Key(x[i])
	}
	return keys
}

// keysOf returns the keys of x, in x's order.
func keysOf(x []float64) []uint64 {
	keys := make([]uint64, len(x))
	for i, v := range x {
		keys[i] = Key(v)
	}
	return keys
}

// sortedKeys returns the keys of x, sorted by slices.Sort.
func sortedKeys(x []float64) []uint64 {
	keys := make([]uint64, len(x))
	for i, v := range x {
		keys[i] = Key(v)
	}
	slices.Sort(keys)
	return keys
}

// checkRanked ranks x and splits it at ends, and compares the whole
// series' and each part's values in rank order with slices.Sort's.
func checkRanked(t *testing.T, r *Ranked, x []float64, ends []int) {
	t.Helper()
	r.Rank(x)
	want := sortedKeys(x)
	if got := rankedKeys(x, r.all); !slices.Equal(got, want) {
		t.Fatalf("%d values: ranks differ from slices.Sort", len(x))
	}
	if got := keysOf(r.sorted); !slices.Equal(got, want) {
		t.Fatalf("%d values: sorted values differ from slices.Sort", len(x))
	}
	seen := make([]bool, len(x))
	for _, i := range r.all {
		if seen[i] {
			t.Fatalf("%d values: index %d ranked twice", len(x), i)
		}
		seen[i] = true
	}
	if len(ends) == 0 {
		return
	}
	r.Split(ends)
	start := 0
	for k, e := range ends {
		if got, want := keysOf(r.part(k)), sortedKeys(x[start:e]); !slices.Equal(got, want) {
			t.Fatalf("%d values, part %d [%d, %d): values differ from slices.Sort's", len(x), k, start, e)
		}
		start = e
	}
}

// randomEnds cuts n into parts of 1 to maxLen values.
func randomEnds(r *rand.Rand, n, maxLen int) []int {
	var ends []int
	for e := 0; e < n; {
		e = min(n, e+1+r.IntN(maxLen))
		ends = append(ends, e)
	}
	return ends
}

// TestRanked compares Rank and Split with slices.Sort on durations, few
// distinct values, signed values with both zeros, values a few ulps apart
// (equal above the bits that carry the index), a tight cluster, and
// clusters squeezed by outliers, on both sides of bucketMin.
func TestRanked(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var r Ranked
	for it := 0; it < 20000; it++ {
		n := 1 + rng.IntN(450)
		x := make([]float64, n)
		for i := range x {
			switch it % 6 {
			case 0:
				x[i] = 20 * (1 + rng.ExpFloat64())
			case 1:
				x[i] = float64(rng.IntN(5))
			case 2:
				x[i] = []float64{math.Copysign(0, -1), 0, rng.NormFloat64() * 1e6}[rng.IntN(3)]
			case 3:
				x[i] = math.Float64frombits(math.Float64bits(100) + uint64(rng.IntN(1<<10)))
			case 4:
				x[i] = 10 + rng.Float64()*1e-9
			case 5:
				x[i] = math.Round(math.Exp(3+rng.NormFloat64())*1e3) / 1e3
			}
			if it%7 == 0 && i%50 == 0 {
				x[i] = 1e5 * rng.Float64()
			}
		}
		checkRanked(t, &r, x, randomEnds(rng, n, 1+rng.IntN(n)))
	}
	checkRanked(t, &r, nil, nil)
}

// FuzzRanked compares Rank and Split with slices.Sort on arbitrary values
// (NaN excluded) and parts.
func FuzzRanked(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, uint64(7))
	f.Add(make([]byte, 8*40), uint64(1))
	f.Fuzz(func(t *testing.T, data []byte, seed uint64) {
		var x []float64
		for ; len(data) >= 8; data = data[8:] {
			v := math.Float64frombits(binary.LittleEndian.Uint64(data))
			if math.IsNaN(v) {
				v = 0
			}
			x = append(x, v)
		}
		var ends []int
		if len(x) > 0 {
			ends = randomEnds(rand.New(rand.NewPCG(seed, 0)), len(x), 1+int(seed%uint64(len(x))))
		}
		var r Ranked
		checkRanked(t, &r, x, ends)
	})
}

// TestClassifyRanked compares ClassifyRanked and ClassifyPart with Classify
// on the same series and sub-slices, bit for bit.
func TestClassifyRanked(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	c, ref := NewClassifier(DefaultConfig()), NewClassifier(DefaultConfig())
	var r4, r6 Ranked
	same := func(a, b Result) bool {
		return a.Zone == b.Zone && a.NaNQuirk == b.NaNQuirk &&
			math.Float64bits(a.Gain) == math.Float64bits(b.Gain) &&
			math.Float64bits(a.Median) == math.Float64bits(b.Median)
	}
	for it := 0; it < 3000; it++ {
		n := 30 + rng.IntN(300)
		v4, v6 := make([]float64, n), make([]float64, n)
		d := rng.NormFloat64() * 5
		for i := range v4 {
			v4[i] = math.Round((100+d+10*rng.NormFloat64())*1e3) / 1e3
			v6[i] = math.Round((100+10*rng.NormFloat64())*1e3) / 1e3
			if it%5 == 0 {
				v4[i], v6[i] = 7, 7 // the NaN quirk
			}
		}
		r4.Rank(v4)
		r6.Rank(v6)
		if got, want := c.ClassifyRanked(&r4, &r6), ref.Classify(v4, v6); !same(got, want) {
			t.Fatalf("case %d: ranked %+v, sorted %+v", it, got, want)
		}
		ends := randomEnds(rng, n, 60)
		r4.Split(ends)
		r6.Split(ends)
		start := 0
		for k, e := range ends {
			if got, want := c.ClassifyPart(&r4, &r6, k), ref.Classify(v4[start:e], v6[start:e]); !same(got, want) {
				t.Fatalf("case %d, part [%d, %d): ranked %+v, sorted %+v", it, start, e, got, want)
			}
			start = e
		}
	}
}

// BenchmarkRanked sorts 200 samples like a pair's (BenchmarkSortKeys) and
// their segments, parts of 5 to 60 values: "sorts" sorts the whole and each
// part, "ranked" ranks the whole and splits it.
func BenchmarkRanked(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	var sets [][]float64
	var ends [][]int
	for range 200 {
		x := pairLike(r)
		n := len(x)
		sets = append(sets, x)
		var e []int
		for end := 0; end < n; {
			end = min(n, end+5+r.IntN(56))
			e = append(e, end)
		}
		ends = append(ends, e)
	}
	b.Run("sorts", func(b *testing.B) {
		var sb sortBuf
		for b.Loop() {
			for i, x := range sets {
				sb.sortKeys(x)
				start := 0
				for _, end := range ends[i] {
					sb.sortKeys(x[start:end])
					start = end
				}
			}
		}
	})
	b.Run("ranked", func(b *testing.B) {
		var rk Ranked
		for b.Loop() {
			for i, x := range sets {
				rk.Rank(x)
				rk.Split(ends[i])
			}
		}
	})
}
