package replay

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/afsel/afsel/bandit"
)

// TestKernelMatchesScalar checks the vector kernel against replayRuns, bit
// for bit, on random series: continuous, tied and short ones, several gammas
// and weight caps, and run counts that leave lanes of the last group unused.
func TestKernelMatchesScalar(t *testing.T) {
	if !hasKernel {
		t.Skip("no vector kernel on this machine")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	draws := newDrawCache("test")
	tests := []struct {
		name      string
		n, runs   int
		gamma     float64
		maxWeight float64
		train     int
		gen       func() float64
	}{
		{"continuous", 300, 100, 0.1, 100, 30, func() float64 { return 20 + 200*rng.Float64() }},
		{"ties", 250, 7, 0.1, 100, 30, func() float64 { return float64(rng.IntN(4)) }},
		{"equal", 160, 5, 0.1, 100, 30, func() float64 { return 42 }},
		{"short", 3, 9, 0.1, 100, 30, func() float64 { return rng.ExpFloat64() }},
		{"one round", 1, 1, 0.1, 100, 0, func() float64 { return rng.ExpFloat64() }},
		{"gamma 1", 200, 13, 1, 100, 10, func() float64 { return rng.NormFloat64()*5 + 50 }},
		{"gamma small", 200, 4, 1e-6, 100, 10, func() float64 { return rng.NormFloat64()*5 + 50 }},
		{"gamma 0.37 cap 7", 400, 12, 0.37, 7, 60, func() float64 { return math.Exp(rng.NormFloat64()) }},
		{"cap 1e6", 400, 6, 0.05, 1e6, 30, func() float64 { return math.Exp(rng.NormFloat64()) }},
		{"heavy tail", 500, 100, 0.1, 100, 30, func() float64 { return 10 / (rng.Float64() + 1e-3) }},
	}
	var scratch kernelScratch
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for rep := range 20 {
				v4, v6 := make([]float64, tt.n), make([]float64, tt.n)
				for i := range v4 {
					v4[i], v6[i] = tt.gen(), tt.gen()
				}
				if !kernelUsable(tt.gamma, v4, v6) {
					t.Fatal("kernel not usable")
				}
				need := kernelDraws(tt.runs, tt.n)
				u := draws.prefix((rep + 1) * need)[rep*need:]
				init := bandit.NewExp3(bandit.Exp3Config{Gamma: tt.gamma, MaxWeight: tt.maxWeight})
				want := make([]runResult, tt.runs)
				for run := 0; run < tt.runs; run += lanes {
					k := min(lanes, tt.runs-run)
					replayRuns(init, v4, v6, u[run*tt.n:(run+k)*tt.n], tt.train, want[run:run+k])
				}
				got := make([]runResult, tt.runs)
				kernelRuns(newKernelConsts(tt.gamma, tt.maxWeight), v4, v6, u, tt.train, got, &scratch)
				for l := range want {
					g, w := got[l], want[l]
					if g.best != w.best || math.Float64bits(g.gain) != math.Float64bits(w.gain) || math.Float64bits(g.regret) != math.Float64bits(w.regret) {
						t.Fatalf("rep %d run %d: kernel %+v, scalar %+v", rep, l, g, w)
					}
				}
			}
		})
	}
}

func TestKernelUsable(t *testing.T) {
	ok := []float64{1, 2, 3}
	tests := []struct {
		name   string
		gamma  float64
		v4, v6 []float64
		want   bool
	}{
		{"finite", 0.1, ok, ok, hasKernel},
		{"tiny gamma", 1e-300, ok, ok, false},
		{"NaN", 0.1, []float64{1, math.NaN(), 3}, ok, false},
		{"Inf", 0.1, ok, []float64{1, 2, math.Inf(1)}, false},
	}
	for _, tt := range tests {
		if got := kernelUsable(tt.gamma, tt.v4, tt.v6); got != tt.want {
			t.Errorf("%s: kernelUsable = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// BenchmarkKernel times the vector kernel on a 320-round pair, 100 runs.
func BenchmarkKernel(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n, runs = 320, 100
	v4, v6 := make([]float64, n), make([]float64, n)
	for i := range v4 {
		v4[i], v6[i] = 20+200*rng.Float64(), 20+200*rng.Float64()
	}
	u := newDrawCache("test").prefix(kernelDraws(runs, n))
	c := newKernelConsts(0.1, 100)
	res := make([]runResult, runs)
	var scratch kernelScratch
	b.Run("vector", func(b *testing.B) {
		if !hasKernel {
			b.Skip("no vector kernel")
		}
		for b.Loop() {
			kernelRuns(c, v4, v6, u, 30, res, &scratch)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n*runs), "ns/step")
	})
	b.Run("scalar", func(b *testing.B) {
		init := bandit.NewExp3(bandit.Exp3Config{Gamma: 0.1})
		for b.Loop() {
			for run := 0; run < runs; run += lanes {
				replayRuns(init, v4, v6, u[run*n:(run+lanes)*n], 30, res[run:run+lanes])
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n*runs), "ns/step")
	})
}
