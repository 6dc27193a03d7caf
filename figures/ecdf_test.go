package figures

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/afsel/afsel/stats"
)

func TestNewECDF(t *testing.T) {
	tests := []struct {
		name   string
		sample []float64
		x, p   []float64
		n      int
	}{
		{"empty", nil, nil, nil, 0},
		{"one", []float64{7}, []float64{7}, []float64{1}, 1},
		{"ties and NaN", []float64{3, 1, 2, math.NaN(), 2}, []float64{1, 2, 3}, []float64{0.25, 0.75, 1}, 4},
		{"all equal", []float64{5, 5, 5}, []float64{5}, []float64{1}, 3},
		{"negative", []float64{-1, 0, -2, 4, 0}, []float64{-2, -1, 0, 4}, []float64{0.2, 0.4, 0.8, 1}, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := NewECDF(tc.sample)
			if e.N != tc.n || !slices.Equal(e.X, tc.x) || !slices.Equal(e.P, tc.p) {
				t.Errorf("got X %v P %v N %d, want %v %v %d", e.X, e.P, e.N, tc.x, tc.p, tc.n)
			}
		})
	}
}

func TestECDFAt(t *testing.T) {
	e := NewECDF([]float64{3, 1, 2, 2})
	for _, c := range []struct{ x, want float64 }{
		{0, 0}, {1, 0.25}, {1.5, 0.25}, {2, 0.75}, {2.99, 0.75}, {3, 1}, {100, 1}, {math.Inf(-1), 0},
	} {
		if got := e.At(c.x); got != c.want {
			t.Errorf("At(%v) = %v, want %v", c.x, got, c.want)
		}
	}
}

// TestQuantile checks the quantiles Figure 1 uses (stats.Quantile, numpy's
// linear interpolation) against values computed by hand.
func TestQuantile(t *testing.T) {
	s := []float64{1, 2, 2, 3}
	for _, c := range []struct{ q, want float64 }{
		{0, 1}, {0.05, 1.15}, {0.5, 2}, {0.95, 2.85}, {1, 3},
	} {
		if got := stats.Quantile(s, c.q); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("Quantile(%v, %v) = %v, want %v", s, c.q, got, c.want)
		}
	}
	// np.quantile(np.arange(1, 11), [0.05, 0.95]) = [1.45, 9.55]
	ten := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	if q := stats.Quantile(ten, 0.05); math.Abs(q-1.45) > 1e-12 {
		t.Errorf("q05 = %v, want 1.45", q)
	}
	if q := stats.Quantile(ten, 0.95); math.Abs(q-9.55) > 1e-12 {
		t.Errorf("q95 = %v, want 9.55", q)
	}
}

// TestFigure1Hand: v4 = 1..10, v6 = 20, 18, ..., 2. q05/q95: v4 1.45/9.55,
// v6 2.9/19.1, so the strict filter keeps v4 = 2..9 (v6 = 18..4), and the
// ratios i/(22-2i) are below 1/1.1 for i = 2..7 and above 1.1 for 8, 9.
func TestFigure1Hand(t *testing.T) {
	var v4, v6 []float64
	for i := 1; i <= 10; i++ {
		v4 = append(v4, float64(i))
		v6 = append(v6, float64(22-2*i))
	}
	f, err := Figure1(v4, v6)
	if err != nil {
		t.Fatal(err)
	}
	near := func(name string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-12 {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	near("q05 v4", f.Q05V4, 1.45)
	near("q95 v4", f.Q95V4, 9.55)
	near("q05 v6", f.Q05V6, 2.9)
	near("q95 v6", f.Q95V6, 19.1)
	if f.RowsBefore != 10 || f.RowsAfter != 8 {
		t.Errorf("rows %d -> %d, want 10 -> 8", f.RowsBefore, f.RowsAfter)
	}
	if !slices.Equal(f.V4.X, []float64{2, 3, 4, 5, 6, 7, 8, 9}) || !slices.Equal(f.V6.X, []float64{4, 6, 8, 10, 12, 14, 16, 18}) {
		t.Errorf("kept v4 %v v6 %v", f.V4.X, f.V6.X)
	}
	near("share v4 faster", f.ShareV4Faster, 0.75)
	near("share v6 faster", f.ShareV6Faster, 0.25)
	near("ratio max", f.Ratio.X[len(f.Ratio.X)-1], 9.0/4)
	if _, err := Figure1(v4, v6[:3]); err == nil {
		t.Error("columns of different lengths: no error")
	}
	// Values equal to a quantile are dropped (strict inequalities).
	f, err = Figure1([]float64{1, 1, 1}, []float64{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	if f.RowsAfter != 0 {
		t.Errorf("constant v4 kept %d rows, want 0", f.RowsAfter)
	}
}

// TestDownsampleProperty: on random samples (continuous, heavy ties,
// tiny), the downsampled ECDF keeps the minimum and maximum, keeps only true
// steps, has at most points+1 of them, and is never more than 1/points from
// the exact ECDF.
func TestDownsampleProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 400 {
		n := 1 + rng.IntN(5000)
		sample := make([]float64, n)
		ties := trial%3 == 0
		for i := range sample {
			v := rng.ExpFloat64() * 100
			if ties {
				v = math.Round(v / 10)
			}
			sample[i] = v
		}
		e := NewECDF(sample)
		for _, points := range []int{1, 2, 3, 10, 100, 1000} {
			d := e.Downsample(points)
			if d.X[0] != e.X[0] || d.X[len(d.X)-1] != e.X[len(e.X)-1] || d.P[len(d.P)-1] != 1 {
				t.Fatalf("trial %d points %d: min/max not kept: %v..%v of %v..%v", trial, points, d.X[0], d.X[len(d.X)-1], e.X[0], e.X[len(e.X)-1])
			}
			if len(d.X) > points+1 {
				t.Fatalf("trial %d points %d: %d points", trial, points, len(d.X))
			}
			for i, x := range d.X {
				if e.At(x) != d.P[i] {
					t.Fatalf("trial %d: kept point (%v, %v) is not a step of the ECDF (%v)", trial, x, d.P[i], e.At(x))
				}
			}
			// The distance, checked at every true step (where the exact
			// ECDF takes all its values).
			var worst float64
			for i, x := range e.X {
				worst = math.Max(worst, math.Abs(e.P[i]-d.At(x)))
			}
			if worst > 1/float64(points)+1e-12 {
				t.Fatalf("trial %d (n %d) points %d: distance %v > %v", trial, n, points, worst, 1/float64(points))
			}
			if md := MaxDistance(e, d); md != worst {
				t.Fatalf("MaxDistance %v, direct %v", md, worst)
			}
		}
	}
}

func TestDownsampleSmall(t *testing.T) {
	// Steps at 0.1, 0.2, ..., 1 with points = 4 (bound 0.25): keep 0.1,
	// then the first step more than 0.25 above: 0.4, 0.7, 1.
	var s []float64
	for i := 1; i <= 10; i++ {
		s = append(s, float64(i))
	}
	d := NewECDF(s).Downsample(4)
	if want := []float64{1, 4, 7, 10}; !slices.Equal(d.X, want) {
		t.Errorf("kept %v, want %v", d.X, want)
	}
	if d := (ECDF{}).Downsample(3); len(d.X) != 0 {
		t.Errorf("empty: %v", d.X)
	}
}
