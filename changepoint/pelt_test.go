package changepoint

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/afsel/afsel/stats"
)

// repeat returns v repeated n times.
func repeat(v float64, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = v
	}
	return x
}

// concat joins series.
func concat(parts ...[]float64) []float64 {
	return slices.Concat(parts...)
}

// runAll segments x with the fast path (guarded), the exact path and the
// naive reference, fails unless all three agree, and returns the result.
func runAll(t *testing.T, x []float64, cfg Config) ([]int, error) {
	t.Helper()
	var fast, exact Pelt
	exact.Exact = true
	gotFast, errFast := fast.Breakpoints(nil, x, cfg)
	gotExact, errExact := exact.Breakpoints(nil, x, cfg)
	want, errRef := refPelt(x, cfg.MinSize, cfg.Jump, cfg.Penalty)
	if (errFast != nil) != (errRef != nil) || (errExact != nil) != (errRef != nil) {
		t.Fatalf("errors differ: fast %v, exact %v, reference %v", errFast, errExact, errRef)
	}
	if errRef != nil {
		return nil, errFast
	}
	if !slices.Equal(gotFast, want) || !slices.Equal(gotExact, want) {
		t.Fatalf("breakpoints differ (n=%d, %+v):\n fast      %v\n exact     %v\n reference %v",
			len(x), cfg, gotFast, gotExact, want)
	}
	return gotFast, nil
}

func TestBreakpointsHandChecked(t *testing.T) {
	def := DefaultConfig()
	// Every expected value was also checked against ruptures' own Pelt.
	tests := []struct {
		name string
		x    []float64
		cfg  Config
		want []int
	}{
		{"constant", repeat(7.5, 100), def, []int{100}},
		{"one step", concat(repeat(0, 60), repeat(10, 60)), def, []int{60, 120}},
		{"two steps", concat(repeat(0, 60), repeat(10, 60), repeat(0, 60)), def, []int{60, 120, 180}},
		{"n equals min_size", concat(repeat(0, 15), repeat(1, 15)), def, []int{30}},
		// 333 is not a multiple of 5: the last end appends 300 a second time.
		{"n not a multiple of jump", concat(repeat(0, 150), repeat(10, 183)), def, []int{150, 333}},
		{"last segment between min_size and 2*min_size", concat(repeat(0, 31), repeat(10, 31)), def, []int{30, 62}},
		{"jump 1", concat(repeat(0, 47), repeat(10, 53)), Config{MinSize: 10, Jump: 1, Penalty: 5}, []int{47, 100}},
		{"min_size below jump", concat(repeat(0, 40), repeat(10, 40)), Config{MinSize: 3, Jump: 10, Penalty: 5}, []int{40, 80}},
		{"min_size not a multiple of jump", concat(repeat(0, 60), repeat(10, 60)), Config{MinSize: 32, Jump: 5, Penalty: 5}, []int{60, 120}},
		// 30 < min_size 32 cannot end a segment; 35 is the best end left.
		{"step before min_size", concat(repeat(0, 30), repeat(10, 70)), Config{MinSize: 32, Jump: 5, Penalty: 5}, []int{35, 100}},
		{"min_size 0 acts as 1", []float64{0, 0, 0, 10, 10, 10}, Config{MinSize: 0, Jump: 1, Penalty: 1}, []int{3, 6}},
		{"single point", []float64{42}, Config{MinSize: 0, Jump: 1, Penalty: 1}, []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := runAll(t, tt.x, tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBreakpointsErrors(t *testing.T) {
	tests := []struct {
		name string
		x    []float64
		cfg  Config
		want error
	}{
		{"n below min_size", repeat(1, 29), DefaultConfig(), ErrTooShort},
		{"empty", nil, DefaultConfig(), ErrTooShort},
		{"empty with min_size 0", nil, Config{MinSize: 0, Jump: 1, Penalty: 1}, ErrTooShort},
		{"jump 0", repeat(1, 100), Config{MinSize: 30, Jump: 0, Penalty: 5}, ErrConfig},
		{"negative jump", repeat(1, 100), Config{MinSize: 30, Jump: -5, Penalty: 5}, ErrConfig},
		// NaN in the first segment: every candidate is NaN, pruning drops
		// them all, and the next end has no start point (ruptures: ValueError).
		{"NaN early", concat([]float64{math.NaN()}, repeat(1, 99)), DefaultConfig(), ErrNoSegmentation},
		// A penalty so negative that the best start point is pruned.
		{"negative penalty", concat(repeat(0, 60), repeat(10, 60)), Config{MinSize: 30, Jump: 5, Penalty: -1e4}, ErrNoSegmentation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, exact := range []bool{false, true} {
				p := Pelt{Exact: exact}
				dst := []int{1, 2, 3}
				got, err := p.Breakpoints(dst, tt.x, tt.cfg)
				if !errors.Is(err, tt.want) {
					t.Fatalf("exact=%v: error %v, want %v", exact, err, tt.want)
				}
				if len(got) != 0 {
					t.Errorf("exact=%v: got %v with an error, want empty", exact, got)
				}
			}
			if tt.want == ErrConfig {
				if err := tt.cfg.Validate(); !errors.Is(err, ErrConfig) {
					t.Errorf("Validate: %v, want ErrConfig", err)
				}
				return
			}
			if _, err := refPelt(tt.x, tt.cfg.MinSize, tt.cfg.Jump, tt.cfg.Penalty); err == nil {
				t.Errorf("reference accepted the input")
			}
		})
	}
}

func TestDefaultConfig(t *testing.T) {
	c := DefaultConfig()
	if c != (Config{MinSize: 30, Jump: 5, Penalty: 5}) {
		t.Errorf("DefaultConfig() = %+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

// TestBreakpointsReuse checks that a workspace reused across series of
// different lengths and configurations gives fresh results, and that dst is
// reused.
func TestBreakpointsReuse(t *testing.T) {
	var p Pelt
	long := concat(repeat(0, 150), repeat(10, 150), repeat(3, 100))
	short := concat(repeat(0, 60), repeat(10, 60))
	dst := make([]int, 0, 16)
	for range 3 {
		got, err := p.Breakpoints(dst, long, DefaultConfig())
		if err != nil || !slices.Equal(got, []int{150, 300, 400}) {
			t.Fatalf("long: %v, %v", got, err)
		}
		if &got[0] != &dst[:1][0] {
			t.Errorf("dst not reused")
		}
		got, err = p.Breakpoints(got, short, DefaultConfig())
		if err != nil || !slices.Equal(got, []int{60, 120}) {
			t.Fatalf("short: %v, %v", got, err)
		}
		if _, err := p.Breakpoints(got, short[:10], DefaultConfig()); !errors.Is(err, ErrTooShort) {
			t.Fatalf("too short: %v", err)
		}
	}
	st := p.Stats()
	if st.Series != 6 || st.Series != st.Fast+st.Fallback+st.Exact {
		t.Errorf("Stats = %+v, want 6 series", st)
	}
	p.ResetStats()
	if p.Stats() != (Stats{}) {
		t.Errorf("ResetStats left %+v", p.Stats())
	}
}

// TestBreakpointsDoesNotModifyInput guards the documented contract.
func TestBreakpointsDoesNotModifyInput(t *testing.T) {
	x := concat(repeat(1.25, 70), repeat(9.5, 70))
	orig := slices.Clone(x)
	for _, exact := range []bool{false, true} {
		p := Pelt{Exact: exact}
		if _, err := p.Breakpoints(nil, x, DefaultConfig()); err != nil {
			t.Fatal(err)
		}
	}
	if !slices.Equal(x, orig) {
		t.Error("input modified")
	}
}

// TestGuardFiresOnTies checks that exact ties send the series to the exact
// pass. On constant data every cost is 0 in exact arithmetic, so the pruning
// test F(t) + cost + pen <= F(e) + pen is an exact tie; the fast pass must not
// trust its own rounding there.
func TestGuardFiresOnTies(t *testing.T) {
	var p Pelt
	if _, err := p.Breakpoints(nil, repeat(113.660974, 200), DefaultConfig()); err != nil {
		t.Fatal(err)
	}
	if st := p.Stats(); st.Fallback != 1 {
		t.Errorf("Stats = %+v, want one fallback", st)
	}
}

// fastAllowed is Breakpoints' choice of the fast pass for x and pen, with
// the largest |x|.
func fastAllowed(x []float64, pen float64) (maxAbs float64, ok bool) {
	if !fastPenalty(pen) {
		return 0, false
	}
	var p Pelt
	p.grow(len(x))
	maxAbs, nums := p.prefix(x)
	return maxAbs, fastData(maxAbs, nums)
}

// fastAllowedScan is fastAllowed as a scan of its own, before the prefix
// sums' pass found the bounds.
func fastAllowedScan(x []float64, pen float64) (maxAbs float64, ok bool) {
	if !(pen >= 0 && pen <= maxFastPenalty) {
		return 0, false
	}
	for _, v := range x {
		a := math.Abs(v)
		if !(a <= maxFastAbs) { // also catches NaN and Inf
			return 0, false
		}
		if a > maxAbs {
			maxAbs = a
		}
	}
	return maxAbs, maxAbs == 0 || maxAbs >= minFastAbs
}

// TestPrefixBounds compares the bounds the prefix sums' pass finds with a
// scan of their own, on series with NaN, infinities, huge, tiny and
// negative values anywhere.
func TestPrefixBounds(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	special := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 1e200, -1e200, 1e100, -1e100, 1e-200, 0, math.Copysign(0, -1), -5, 1e-100}
	for it := 0; it < 20000; it++ {
		x := make([]float64, 1+r.IntN(60))
		scale := []float64{1, 1e-150, 1e99, 0}[it%4]
		for i := range x {
			x[i] = scale * r.NormFloat64()
		}
		for range r.IntN(3) {
			x[r.IntN(len(x))] = special[r.IntN(len(special))]
		}
		gm, gok := fastAllowed(x, 5)
		wm, wok := fastAllowedScan(x, 5)
		if gok != wok || gok && gm != wm {
			t.Fatalf("%v: prefix (%v, %v), scan (%v, %v)", x, gm, gok, wm, wok)
		}
	}
}

// TestExactPathChoice checks which inputs skip the fast pass.
func TestExactPathChoice(t *testing.T) {
	base := concat(repeat(10, 50), repeat(20, 50))
	tests := []struct {
		name string
		x    []float64
		pen  float64
		fast bool
	}{
		{"ordinary", base, 5, true},
		{"zero data", repeat(0, 100), 5, true},
		{"NaN", concat(base, []float64{math.NaN()}), 5, false},
		{"Inf", concat(base, []float64{math.Inf(1)}), 5, false},
		{"huge", concat(base, []float64{1e200}), 5, false},
		{"tiny", repeat(1e-200, 100), 5, false},
		{"negative penalty", base, -1, false},
		{"NaN penalty", base, math.NaN(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, ok := fastAllowed(tt.x, tt.pen); ok != tt.fast {
				t.Errorf("fastAllowed = %v, want %v", ok, tt.fast)
			}
		})
	}
}

func TestPairwiseSum(t *testing.T) {
	// numpy's results (numpy_values_test.go) on values where the order of
	// additions shows: 1e16 + 1 rounds back to 1e16, 1e16 + 2 does not.
	seven := []float64{1e16, 1, 1, 1, 1, 1, 1}
	tests := []struct {
		name string
		x    []float64
		want float64
	}{
		// Sequential: every 1 is lost.
		{"seven", seven, numpySeven},
		// Eight accumulators: ((1e16+1)+(1+1)) + ((1+1)+(1+1)) = 1e16+6.
		{"eight", append(slices.Clone(seven), 1), numpyEight},
		// Then the ninth is added: 1e16+6 + 1 rounds to even, 1e16+8.
		{"nine", append(slices.Clone(seven), 1, 1), numpyNine},
		{"37 latencies", numpyLatencies[:37], numpyLatenciesSum37},
		{"203 latencies (split)", numpyLatencies, numpyLatenciesSum},
	}
	for _, tt := range tests {
		if got := stats.Sum(tt.x); got != tt.want {
			t.Errorf("%s: stats.Sum = %v, want %v", tt.name, got, tt.want)
		}
	}
	// Against the independent transcription over all split patterns.
	x := make([]float64, 1100)
	for i := range x {
		x[i] = math.Sin(float64(i)*0.7)*1e3 + 1/float64(i+1)
	}
	for n := range len(x) + 1 {
		if got, want := stats.Sum(x[:n]), refPairwise(x[:n]); got != want {
			t.Fatalf("n=%d: %v, want %v", n, got, want)
		}
	}
}

// TestExactCostMatchesNumpy checks exactCost on values whose numpy results
// were recorded with numpy 1.24.2: np.array(x).reshape(-1, 1).var(axis=0).
// sum() * len(x), printed with repr.
func TestExactCostMatchesNumpy(t *testing.T) {
	tests := []struct {
		name string
		x    []float64
		want float64
	}{
		{"tenths", []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1}, numpyTenths},
		{"latencies", numpyLatencies, numpyLatenciesCost},
		{"constant 0.1 x 30", repeat(0.1, 30), numpyConstCost},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sq := make([]float64, len(tt.x))
			if got := exactCost(tt.x, sq); got != tt.want {
				t.Errorf("exactCost = %v (%b), want %v (%b)", got, got, tt.want, tt.want)
			}
			if got := refCost(tt.x, 0, len(tt.x)); got != tt.want {
				t.Errorf("refCost = %v, want %v", got, tt.want)
			}
		})
	}
}
