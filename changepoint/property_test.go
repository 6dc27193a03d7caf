package changepoint

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// genKinds are the shapes of random series in the property test.
var genKinds = []string{"noise", "steps", "spikes", "runs", "ties", "constant", "mixed"}

// round6 rounds to 6 decimals, as RIPE Atlas durations are printed.
func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }

// genSeries returns a latency-like series of n points in ms (20 to 600,
// 6 decimals) of the given kind.
func genSeries(r *rand.Rand, kind string, n int) []float64 {
	x := make([]float64, n)
	level := func() float64 { return 20 + 580*r.Float64() }
	switch kind {
	case "noise":
		mu, sd := level(), 0.1+50*r.Float64()
		for i := range x {
			x[i] = mu + sd*r.NormFloat64()
		}
	case "steps":
		for i := 0; i < n; {
			mu, sd := level(), 0.1+20*r.Float64()
			for end := min(n, i+1+r.IntN(120)); i < end; i++ {
				x[i] = mu + sd*r.NormFloat64()
			}
		}
	case "spikes": // heavy tails: Pareto(1.2) spikes on 5% of the tests
		mu := level()
		for i := range x {
			x[i] = mu + 2*r.NormFloat64()
			if r.Float64() < 0.05 {
				x[i] += 100 * (math.Pow(r.Float64(), -1/1.2) - 1)
			}
		}
	case "runs": // exactly constant runs
		for i := 0; i < n; {
			v := round6(level())
			for end := min(n, i+1+r.IntN(80)); i < end; i++ {
				x[i] = v
			}
		}
	case "ties": // few distinct values: many exactly equal costs
		for i := range x {
			x[i] = 100 + 0.5*float64(r.IntN(4))
		}
	case "constant":
		v := level()
		for i := range x {
			x[i] = v
		}
	case "mixed": // noise with constant stretches and spikes
		mu := level()
		for i := range x {
			x[i] = mu + 5*r.NormFloat64()
		}
		for range 3 {
			s := r.IntN(n)
			v := x[s]
			for i := s; i < min(n, s+r.IntN(60)); i++ {
				x[i] = v
			}
		}
		for range 2 {
			x[r.IntN(n)] += 1000 * r.Float64()
		}
	default:
		panic("unknown kind " + kind)
	}
	for i, v := range x {
		x[i] = round6(max(v, 0))
	}
	return x
}

// propertyConfigs are the parameter sets of the property test.
var propertyConfigs = []Config{
	DefaultConfig(),
	{MinSize: 30, Jump: 5, Penalty: 0},
	{MinSize: 30, Jump: 5, Penalty: 1000},
	{MinSize: 2, Jump: 1, Penalty: 1},
	{MinSize: 3, Jump: 10, Penalty: 5},
	{MinSize: 32, Jump: 5, Penalty: 5},
	{MinSize: 7, Jump: 3, Penalty: 2},
	{MinSize: 1, Jump: 2, Penalty: 0.5},
}

// TestPropertyFastExactReference checks, on many random series, that the
// guarded fast path, the exact path and the naive reference agree, and
// reports how often the guard sent a series to the exact path.
func TestPropertyFastExactReference(t *testing.T) {
	perConfig := 300
	if testing.Short() {
		perConfig = 25
	}
	r := rand.New(rand.NewPCG(2023, 6))
	total := Stats{}
	for ci, cfg := range propertyConfigs {
		t.Run(fmt.Sprintf("%d-%d-%g", cfg.MinSize, cfg.Jump, cfg.Penalty), func(t *testing.T) {
			var fast Pelt
			exact := Pelt{Exact: true}
			byKind := map[string]int{}
			var got, gotExact []int
			for i := range perConfig {
				kind := genKinds[i%len(genKinds)]
				hi := 400
				if cfg.Jump <= 2 {
					hi = 200 // the naive reference is quadratic in the ends
				}
				lo := max(30, cfg.minSize())
				n := lo + r.IntN(hi-lo+1)
				x := genSeries(r, kind, n)
				before := fast.Stats().Fallback
				var err, errExact error
				got, err = fast.Breakpoints(got, x, cfg)
				gotExact, errExact = exact.Breakpoints(gotExact, x, cfg)
				want, errRef := refPelt(x, cfg.MinSize, cfg.Jump, cfg.Penalty)
				if err != nil || errExact != nil || errRef != nil {
					t.Fatalf("config %d, %s n=%d: errors %v / %v / %v", ci, kind, n, err, errExact, errRef)
				}
				if !slices.Equal(got, want) || !slices.Equal(gotExact, want) {
					t.Fatalf("config %d, %s n=%d:\n fast      %v\n exact     %v\n reference %v\n x = %v",
						ci, kind, n, got, gotExact, want, x)
				}
				if fast.Stats().Fallback > before {
					byKind[kind]++
				}
			}
			st := fast.Stats()
			t.Logf("%+v; fallbacks by kind %v", st, byKind)
			// Continuous data must not need the exact path often, or the
			// fast path is not doing its job.
			if cont := byKind["noise"] + byKind["steps"] + byKind["spikes"]; cont > perConfig/20+1 {
				t.Errorf("%d fallbacks on continuous data", cont)
			}
			total.Series += st.Series
			total.Fast += st.Fast
			total.Fallback += st.Fallback
			total.Exact += st.Exact
		})
	}
	t.Logf("all configurations: %+v", total)
}

// TestFastPassAgreesWhenTrusted checks the guard's contract directly: when
// the unguarded fast pass says its result can be trusted, the result equals
// the exact pass's, including on data built to produce near ties.
func TestFastPassAgreesWhenTrusted(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	var p, e Pelt
	e.Exact = true
	trusted, checked := 0, 0
	for i := range 3000 {
		cfg := propertyConfigs[i%len(propertyConfigs)]
		kind := genKinds[i%len(genKinds)]
		x := genSeries(r, kind, 30+r.IntN(371))
		maxAbs, ok := fastAllowed(x, cfg.Penalty)
		if !ok {
			t.Fatalf("fast path refused ordinary data")
		}
		p.grow(len(x))
		ms := cfg.minSize()
		checked++
		if !p.fastPass(x, ms, cfg.Jump, cfg.Penalty, maxAbs) {
			continue
		}
		trusted++
		got := p.backtrack(nil, len(x))
		want, err := e.Breakpoints(nil, x, cfg)
		if err != nil || !slices.Equal(got, want) {
			t.Fatalf("%s %+v: trusted fast %v, exact %v (%v)", kind, cfg, got, want, err)
		}
	}
	t.Logf("fast pass trusted on %d of %d series", trusted, checked)
}
