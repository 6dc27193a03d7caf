package pcgrand

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestMatchesMathRand draws a mix of Uint64, Float64 and NormFloat64 from
// Rand and from rand.New(rand.NewPCG) with the same seeds, bit for bit,
// enough normals that the ziggurat's rare paths (the wedges and the base
// strip's tail) are taken many times.
func TestMatchesMathRand(t *testing.T) {
	n := 2_000_000
	if testing.Short() {
		n = 200_000
	}
	pick := rand.New(rand.NewPCG(9, 9))
	var tails int
	for seed := range uint64(20) {
		want := rand.New(rand.NewPCG(seed, ^seed*0x9e3779b97f4a7c15))
		var got Rand
		got.Seed(seed, ^seed*0x9e3779b97f4a7c15)
		for k := range n / 20 {
			var g, w uint64
			switch op := pick.IntN(8); {
			case op == 0:
				g, w = got.Uint64(), want.Uint64()
			case op < 3:
				g, w = math.Float64bits(got.Float64()), math.Float64bits(want.Float64())
			default:
				x := got.NormFloat64()
				if math.Abs(x) > 3.44 {
					tails++
				}
				g, w = math.Float64bits(x), math.Float64bits(want.NormFloat64())
			}
			if g != w {
				t.Fatalf("seed %d, draw %d: %#x, math/rand/v2 %#x", seed, k, g, w)
			}
		}
	}
	if tails == 0 {
		t.Error("no draw from the base strip's tail: the test shows too little")
	}
}

func TestZeroValue(t *testing.T) {
	var r Rand
	want := rand.NewPCG(0, 0)
	for range 10 {
		if g, w := r.Uint64(), want.Uint64(); g != w {
			t.Fatalf("%#x, want %#x", g, w)
		}
	}
}

var sink float64

func BenchmarkNormFloat64(b *testing.B) {
	b.Run("pcgrand", func(b *testing.B) {
		var r Rand
		var s float64
		for b.Loop() {
			s += r.NormFloat64()
		}
		sink = s
	})
	b.Run("math-rand-v2", func(b *testing.B) {
		r := rand.New(rand.NewPCG(0, 0))
		var s float64
		for b.Loop() {
			s += r.NormFloat64()
		}
		sink = s
	})
}
