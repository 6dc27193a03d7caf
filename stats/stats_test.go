package stats

import (
	"math"
	"math/rand/v2"
	"testing"
)

func near(a, b, rel float64) bool {
	if a == b {
		return true
	}
	return math.Abs(a-b) <= rel*math.Max(math.Abs(a), math.Abs(b))
}

func TestWelchKnownValues(t *testing.T) {
	// scipy.stats.ttest_ind(x, y, equal_var=False) and its
	// confidence_interval(0.95); values from the tables issue. That t
	// (…211235) comes from a one-pass variance, sum(x²) - n·mean²; scipy
	// 1.10, which produced the golden outputs, takes two passes as we do
	// (…208552), so t and p agree to rounding, 1e-12.
	x := []float64{20.3, 22.1, 21.9}
	y := []float64{18.9, 20.3, 19}
	r := Welch(x, y, 0.95)
	checks := []struct {
		name      string
		got, want float64
		rel       float64
	}{
		{"t", r.T, 2.7988719532211235, 1e-12},
		{"p", r.P, 0.051807360348581945, 1e-12},
		{"low", r.Low, -0.026294346671631885, 1e-10},
		{"high", r.High, 4.092961013338302, 1e-13},
		{"diff", r.Diff, (20.3+22.1+21.9)/3 - (18.9+20.3+19)/3, 1e-15},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if !near(c.got, c.want, c.rel) {
				t.Errorf("%s = %.17g, want %.17g", c.name, c.got, c.want)
			}
		})
	}
}

func TestWelchDegenerate(t *testing.T) {
	tests := []struct {
		name      string
		a, b      []float64
		wantP     float64 // NaN means NaN
		wantDF    float64
		wantLowHi [2]float64
		wantInfT  bool
	}{
		// Both constant and equal: 0/0 everywhere; scipy sets df = 1 and the
		// interval collapses to [0, 0].
		{"equal constants", []float64{5, 5, 5, 5}, []float64{5, 5, 5}, math.NaN(), 1, [2]float64{0, 0}, false},
		// Both constant, different: se = 0, |t| = inf, p = 0.
		{"different constants", []float64{5, 5, 5}, []float64{3, 3, 3}, 0, 1, [2]float64{2, 2}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Welch(tc.a, tc.b, 0.95)
			if math.IsNaN(tc.wantP) != math.IsNaN(r.P) || (!math.IsNaN(tc.wantP) && r.P != tc.wantP) {
				t.Errorf("p = %v, want %v", r.P, tc.wantP)
			}
			if r.DF != tc.wantDF {
				t.Errorf("df = %v, want %v", r.DF, tc.wantDF)
			}
			if r.Low != tc.wantLowHi[0] || r.High != tc.wantLowHi[1] {
				t.Errorf("CI = [%v, %v], want %v", r.Low, r.High, tc.wantLowHi)
			}
			if math.IsInf(r.T, 0) != tc.wantInfT {
				t.Errorf("t = %v", r.T)
			}
		})
	}
}

func TestStudentTQuantile(t *testing.T) {
	// scipy.stats.t.ppf values; gonum's quantile is within 1e-10.
	tests := []struct{ p, df, want float64 }{
		{0.975, 1, 12.706204736174707},
		{0.975, 10, 2.2281388519649385},
		{0.975, 30, 2.0422724563012373},
		{0.5, 7.5, 0},
		{0.025, 10, -2.2281388519649385},
	}
	for _, tc := range tests {
		got := StudentTQuantile(tc.p, tc.df)
		if !near(got, tc.want, 1e-10) && math.Abs(got-tc.want) > 1e-15 {
			t.Errorf("quantile(%v, df=%v) = %.17g, want %.17g", tc.p, tc.df, got, tc.want)
		}
	}
}

// The quantile inverts the CDF.
func TestStudentTQuantileInvertsCDF(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		df := 1 + rng.Float64()*400
		p := 0.5 + rng.Float64()*0.499
		q := StudentTQuantile(p, df)
		// Compare through the symmetric lower tail, which has full precision.
		if got := studentCDF(-q, df); !near(got, 1-p, 1e-9) {
			t.Fatalf("df %v p %v: CDF(-q) = %.17g, want %.17g", df, p, got, 1-p)
		}
	}
}

// Sum is checked against numpy's own results in package changepoint
// (TestPairwiseSum), which depends on it for PELT's exact costs.

func TestTrim(t *testing.T) {
	tests := []struct {
		name string
		x    []float64
		f    float64
		want []float64
	}{
		{"ten", []float64{9, 8, 7, 6, 5, 4, 3, 2, 1, 0}, 0.1, []float64{1, 2, 3, 4, 5, 6, 7, 8}},
		{"nine", []float64{9, 8, 7, 6, 5, 4, 3, 2, 1}, 0.1, []float64{1, 2, 3, 4, 5, 6, 7, 8}}, // int(0.9)=0, int(8.1)=8
		{"twenty five", seq(25), 0.1, seq(25)[2:22]},                                           // int(2.5)=2, int(22.5)=22
		{"none", []float64{3, 1, 2}, 0, []float64{1, 2, 3}},
		{"empty", nil, 0.1, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Trim(nil, tc.x, tc.f)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
	// Trim appends after what dst holds.
	got := Trim([]float64{-1}, []float64{2, 1}, 0)
	if len(got) != 3 || got[0] != -1 || got[1] != 1 || got[2] != 2 {
		t.Errorf("append: %v", got)
	}
}

// The float product bound equals integer n/10 and 9n/10 for 0.1 (REFERENCE §3).
func TestTrimBoundsFloatProduct(t *testing.T) {
	for n := 0; n < 200000; n++ {
		nf := float64(n)
		if int(nf*0.1) != n/10 || int(nf*(1-0.1)) != 9*n/10 {
			t.Fatalf("n=%d: %d,%d vs %d,%d", n, int(nf*0.1), int(nf*0.9), n/10, 9*n/10)
		}
	}
}

func seq(n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(i)
	}
	return x
}

func TestClassify(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	noisy := func(mean, sd float64, n int) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = mean + sd*rng.NormFloat64()
		}
		return x
	}
	tests := []struct {
		name     string
		v4, v6   []float64
		want     Zone
		wantNaN  bool
		wantZero bool // gain and median 0 (p > alpha)
	}{
		{"v4 much faster", noisy(20, 1, 200), noisy(40, 1, 200), ZoneV4, false, false},
		{"v6 much faster", noisy(60, 1, 200), noisy(30, 1, 200), ZoneV6, false, false},
		{"same", noisy(50, 5, 200), noisy(50, 5, 200), ZoneNone, false, true},
		// Significant but smaller than one standard deviation: none.
		{"small difference", noisy(50, 10, 3000), noisy(52, 10, 3000), ZoneNone, false, false},
		{"equal constants", constant(7, 200), constant(7, 200), ZoneV4, true, false},
	}
	c := NewClassifier(DefaultConfig())
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := c.Classify(tc.v4, tc.v6)
			if r.Zone != tc.want {
				t.Errorf("zone %v, want %v", r.Zone, tc.want)
			}
			if r.NaNQuirk != tc.wantNaN {
				t.Errorf("NaN quirk %v, want %v", r.NaNQuirk, tc.wantNaN)
			}
			if tc.wantZero != (r.Gain == 0 && r.Median == 0) {
				t.Errorf("gain %v median %v", r.Gain, r.Median)
			}
		})
	}
	// The NaN quirk: zone 1, gain 0, median of the trimmed v6.
	r := c.Classify(constant(7, 200), constant(7, 200))
	if r.Gain != 0 || r.Median != 7 {
		t.Errorf("NaN quirk: gain %v median %v, want 0 and 7", r.Gain, r.Median)
	}
}

func constant(v float64, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = v
	}
	return x
}

// TestClassifyFastMatchesExact checks that the guarded fast path takes the
// decisions the exact p-value and interval take, on samples built to sit
// near every boundary: p near Alpha, the interval near 0 and near one
// standard deviation, small and large df.
func TestClassifyFastMatchesExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	c := NewClassifier(DefaultConfig())
	var fast, slow int
	for i := 0; i < 20000; i++ {
		n4 := 3 + rng.IntN(300)
		n6 := 3 + rng.IntN(300)
		sd4 := 0.5 + rng.Float64()*20
		sd6 := sd4 * (0.3 + rng.Float64()*2)
		// Mean differences spread around the interesting scales.
		diff := (rng.Float64()*2 - 1) * sd4 * math.Pow(10, rng.Float64()*2-1.5)
		v4, v6 := make([]float64, n4), make([]float64, n6)
		for k := range v4 {
			v4[k] = 100 + diff + sd4*rng.NormFloat64()
		}
		for k := range v6 {
			v6[k] = 100 + sd6*rng.NormFloat64()
		}
		got := c.Classify(v4, v6)
		a := Trim(nil, v4, c.Trim)
		b := Trim(nil, v6, c.Trim)
		ref := &Classifier{Config: c.Config, a: a, b: b, ma: momentsOf(a), mb: momentsOf(b)}
		exact := ref.rules(Welch(a, b, c.Confidence))
		if got.Zone != exact.Zone || got.Median != exact.Median || !near(got.Gain, exact.Gain, 1e-12) {
			t.Fatalf("case %d: fast %+v, exact %+v", i, got, exact)
		}
		if _, ok := ref.classifyFast(welchCore(ref.ma, ref.mb)); ok {
			fast++
		} else {
			slow++
		}
	}
	t.Logf("fast path decided %d, exact path %d", fast, slow)
	if fast == 0 || slow == 0 {
		t.Errorf("both paths should be exercised: fast %d, exact %d", fast, slow)
	}
}

func TestProbeFamily(t *testing.T) {
	tests := []struct {
		votes []string
		want  Family
	}{
		{[]string{"v4", "v4", ""}, "v4"},
		{[]string{"v4", "v6", ""}, ""},
		{[]string{"v6", "v6", "", "v4"}, "v6"},
		{[]string{"v6", "", ""}, ""},       // ineligible pairs vote none
		{[]string{"v4", "v4", "", ""}, ""}, // a tie with none is no family
		{nil, ""},
	}
	for _, tc := range tests {
		if got := ProbeFamily(tc.votes); got != tc.want {
			t.Errorf("ProbeFamily(%q) = %q, want %q", tc.votes, got, tc.want)
		}
	}
}

func BenchmarkWelch(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 8))
	x, y := make([]float64, 240), make([]float64, 240) // 300 tests trimmed 10%-90%
	for i := range x {
		x[i], y[i] = 50+10*rng.NormFloat64(), 55+10*rng.NormFloat64()
	}
	b.ReportAllocs()
	for b.Loop() {
		Welch(x, y, 0.95)
	}
}

func BenchmarkClassify(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 8))
	x, y := make([]float64, 300), make([]float64, 300)
	for i := range x {
		x[i], y[i] = 50+10*rng.NormFloat64(), 55+10*rng.NormFloat64()
	}
	c := NewClassifier(DefaultConfig())
	b.ReportAllocs()
	for b.Loop() {
		c.Classify(x, y)
	}
}
