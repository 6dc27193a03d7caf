package rankstat

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/afsel/afsel/stats"
)

// exactSteps is the exact ECDF of sorted (no NaN, -0 and +0 one value, +0)
// downsampled as figures' ECDF.Downsample(points) does.
func exactSteps(sorted []float64, points int) (x, p []float64) {
	n := float64(len(sorted))
	last := -1.0
	for i, v := range sorted {
		if i+1 < len(sorted) && sorted[i+1] == v {
			continue
		}
		share := float64(i+1) / n
		if len(x) == 0 || i+1 == len(sorted) || share-last > 1/float64(points) {
			x, p, last = append(x, v+0), append(p, share), share
		}
	}
	return x, p
}

// TestSample: on samples with ties, both zeros, infinities and NaNs (which
// are skipped), under budgets from tiny to ample, observed a value at a
// time and a batch at a time, the quantiles are stats.Quantile's and the
// steps the exact downsampled ECDF's, bit for bit.
func TestSample(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	negZero := math.Copysign(0, -1)
	gens := []struct {
		name string
		gen  func() float64
	}{
		{"continuous", func() float64 { return math.Exp(3 + rng.NormFloat64()) }},
		{"ties", func() float64 { return float64(rng.IntN(20)) / 4 }},
		{"zeros", func() float64 { return []float64{negZero, 0, rng.NormFloat64()}[rng.IntN(3)] }},
		{"infinities", func() float64 { return []float64{math.Inf(-1), math.Inf(1), rng.NormFloat64()}[rng.IntN(3)] }},
		{"nans", func() float64 { return []float64{math.NaN(), rng.NormFloat64()}[rng.IntN(2)] }},
	}
	for _, g := range gens {
		for _, limit := range []int{8, 200, 1 << 16} {
			for _, batch := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%d/batch=%t", g.name, limit, batch), func(t *testing.T) {
					testSample(t, rng, g.gen, limit, batch)
				})
			}
		}
	}
}

func testSample(t *testing.T, rng *rand.Rand, gen func() float64, limit int, batch bool) {
	t.Helper()
	x := make([]float64, 1+rng.IntN(3000))
	for i := range x {
		x[i] = gen()
	}
	sorted := slices.DeleteFunc(slices.Clone(x), math.IsNaN)
	if len(sorted) == 0 {
		sorted, x = []float64{1}, append(x, 1)
	}
	stats.SortFloats(sorted)
	r := NewPasses(context.Background(), ColumnsPass(x, x, 1+rng.IntN(500)))
	var s Sample
	s.StartAll(4, false)
	visit := func(a, _ []float64) {
		if batch {
			s.ObserveAll(a)
			return
		}
		for i := range a {
			s.ObserveAll(a[i : i+1])
		}
	}
	pass := func() {
		t.Helper()
		if err := r.Run(visit); err != nil {
			t.Fatal(err)
		}
		if err := r.Finish(&s); err != nil {
			t.Fatal(err)
		}
	}
	pass()
	if s.N() != int64(len(sorted)) {
		t.Fatalf("N = %d, want %d", s.N(), len(sorted))
	}
	for _, q := range []float64{0, 0.05, 0.5, 0.95, 1} {
		for {
			p := NewPlanner(limit)
			v, ok := s.Quantile(q, p)
			if ok {
				if want := stats.Quantile(sorted, q) + 0; math.Float64bits(v) != math.Float64bits(want) {
					t.Errorf("Quantile(%v) = %v, want %v", q, v, want)
				}
				break
			}
			p.Start()
			pass()
		}
	}
	wx, wp := exactSteps(sorted, 10)
	for {
		w := s.Steps(10)
		if w.Done {
			if !slices.Equal(w.X, wx) || !slices.Equal(w.P, wp) {
				t.Errorf("steps %v %v, want %v %v", w.X, w.P, wx, wp)
			}
			break
		}
		p := NewPlanner(limit)
		p.Plan(w)
		p.Start()
		pass()
	}
}

// TestPassesDiffer: a pass with other rows than the first is an error.
func TestPassesDiffer(t *testing.T) {
	calls := 0
	r := NewPasses(context.Background(), func(ctx context.Context, visit func(a, b []float64) error) error {
		calls++
		return visit(make([]float64, calls), make([]float64, calls))
	})
	if err := r.Run(func(a, b []float64) {}); err != nil {
		t.Fatal(err)
	}
	if err := r.Run(func(a, b []float64) {}); !errors.Is(err, ErrPassesDiffer) || r.Count() != 2 {
		t.Errorf("second pass: error %v after %d passes", err, r.Count())
	}
}

// TestRunVisits: several visits each see every batch, in order and intact,
// though the pass reuses one buffer for its batches and one visit is slow;
// a cancelled pass returns the context's error.
func TestRunVisits(t *testing.T) {
	const batches, size = 50, 7
	reused := func(ctx context.Context, visit func(a, b []float64) error) error {
		a, b := make([]float64, size), make([]float64, size)
		for k := range batches {
			for i := range a {
				a[i], b[i] = float64(k*size+i), -float64(k*size+i)
			}
			if err := visit(a, b); err != nil {
				return err
			}
			clear(a) // the next batch overwrites this one's buffer
			clear(b)
		}
		return nil
	}
	for _, n := range []int{1, 2, 3} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			seen := make([][]float64, n)
			visits := make([]func(a, b []float64), n)
			for v := range visits {
				visits[v] = func(a, b []float64) {
					if v == 0 {
						time.Sleep(100 * time.Microsecond)
					}
					for i := range a {
						if b[i] != -a[i] {
							t.Errorf("visit %d: row (%v, %v)", v, a[i], b[i])
						}
					}
					seen[v] = append(seen[v], a...)
				}
			}
			r := NewPasses(context.Background(), reused)
			if err := r.Run(visits...); err != nil {
				t.Fatal(err)
			}
			for v := range seen {
				if len(seen[v]) != batches*size {
					t.Fatalf("visit %d saw %d rows", v, len(seen[v]))
				}
				for i, x := range seen[v] {
					if x != float64(i) {
						t.Fatalf("visit %d: row %d is %v", v, i, x)
					}
				}
			}
			if r.Rows() != batches*size {
				t.Errorf("rows %d", r.Rows())
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := NewPasses(ctx, reused)
	calls := 0
	err := r.Run(func(a, b []float64) {}, func(a, b []float64) {
		if calls++; calls == 3 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled pass: %v", err)
	}
}
