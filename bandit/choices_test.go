package bandit

import (
	"math"
	"testing"

	"github.com/afsel/afsel/internal/pyrand"
)

// fnv64 is FNV-1a over small integers, to compare long pick sequences with
// ones recorded from Python.
func fnv64(h uint64, x int) uint64 {
	if h == 0 {
		h = 0xcbf29ce484222325
	}
	h ^= uint64(x)
	return h * 0x100000001b3
}

func TestWeightedChoicePython(t *testing.T) {
	// Recorded with CPython 3.11.7:
	//
	//	r = random.Random("choices")
	//	for i in range(5000):
	//	    K = r.getrandbits(32) % 5 + 1
	//	    w = [r.random() if r.getrandbits(32) % 4 else 0.0 for _ in range(K)]
	//	    if sum(w) == 0: w[0] = 1.0
	//	    picks.append(r.choices(range(K), weights=w)[0])
	//
	// then FNV-1a of the picks (as fnv64 computes it) and the count of each.
	const wantHash = 4932995674171685440
	wantCounts := [5]int{2299, 1275, 775, 476, 175}

	r := pyrand.NewString("choices")
	var h uint64
	var counts [5]int
	w := make([]float64, 0, 5)
	for range 5000 {
		k := int(r.Uint32()%5 + 1)
		w = w[:0]
		var sum float64
		for range k {
			x := 0.0
			if r.Uint32()%4 != 0 {
				x = r.Float64()
			}
			w = append(w, x)
			sum += x
		}
		if sum == 0 {
			w[0] = 1
		}
		pick := WeightedChoice(w, r.Float64())
		h = fnv64(h, pick)
		counts[pick]++
	}
	if h != wantHash || counts != wantCounts {
		t.Errorf("picks hash %d counts %v, want %d %v", h, counts, uint64(wantHash), wantCounts)
	}
}

func TestWeightedChoice2Agrees(t *testing.T) {
	// The two-arm fast path must be the general rule: check it on random
	// weights (some zero, some tiny, some huge) and random draws.
	r := pyrand.NewString("agree")
	weight := func() float64 {
		switch r.Uint32() % 8 {
		case 0:
			return 0
		case 1:
			return math.Ldexp(r.Float64(), -1000)
		case 2:
			return math.Ldexp(r.Float64(), 900)
		}
		return r.Float64()
	}
	for i := range 1_000_000 {
		w0, w1 := weight(), weight()
		if !(w0+w1 > 0) || math.IsInf(w0+w1, 0) {
			continue
		}
		u := r.Float64()
		if g, k := WeightedChoice2(w0, w1, u), WeightedChoice([]float64{w0, w1}, u); g != k {
			t.Fatalf("draw %d: w=(%v, %v) u=%v: fast path %d, general %d", i, w0, w1, u, g, k)
		}
	}
}

func TestWeightedChoiceEdges(t *testing.T) {
	// Every want was checked with CPython 3.11.7 random.choices.
	below1 := math.Nextafter(1, 0) // the largest random() value
	tests := []struct {
		name    string
		weights []float64
		u       float64
		want    int
	}{
		{"u zero picks first", []float64{1, 1}, 0, 0},
		{"u max picks last", []float64{1, 1}, below1, 1},
		{"u at boundary goes right", []float64{1, 1}, 0.5, 1},
		{"u just below boundary", []float64{1, 1}, math.Nextafter(0.5, 0), 0},
		{"zero weight first never picked", []float64{0, 1}, 0, 1},
		{"zero weight last never picked", []float64{1, 0}, below1, 0},
		{"zero weight middle skipped", []float64{1, 0, 1}, 0.5, 2},
		{"single arm", []float64{3}, below1, 0},
		{"u max with tiny last weight", []float64{1, 1e-300}, below1, 0},
		{"index capped at last arm", []float64{1, 1, 1}, below1, 2},
		// Python compares u*total with the rounded running sums: here
		// u*total and the sum 0.1+0.2 are both 0.30000000000000004.
		{"rounded running sum", []float64{0.1, 0.2, 0.3}, 0.5, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := WeightedChoice(tt.weights, tt.u); got != tt.want {
				t.Errorf("WeightedChoice(%v, %v) = %d, want %d", tt.weights, tt.u, got, tt.want)
			}
			if len(tt.weights) == 2 {
				if got := WeightedChoice2(tt.weights[0], tt.weights[1], tt.u); got != tt.want {
					t.Errorf("WeightedChoice2 = %d, want %d", got, tt.want)
				}
			}
		})
	}
}

func TestWeightedChoicePanics(t *testing.T) {
	tests := []struct {
		name    string
		weights []float64
	}{
		{"empty", nil},
		{"all zero", []float64{0, 0}},
		{"negative", []float64{1, -0.5}},
		{"NaN", []float64{math.NaN(), 1}},
		{"infinite sum", []float64{math.MaxFloat64, math.MaxFloat64}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustPanic(t, func() { WeightedChoice(tt.weights, 0.5) })
		})
	}
}

func mustPanic(t *testing.T, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	f()
}
