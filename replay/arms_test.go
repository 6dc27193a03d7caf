package replay

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/afsel/afsel/bandit"
	"github.com/afsel/afsel/pairs"
)

// armsOf steps bandit.Exp3 round by round as the replay's loop does and
// returns each run's arms: the reference for Exp3Arms.
func armsOf(e *Engine, gamma, maxWeight float64, v4, v6 []float64, runs int) []int8 {
	n := len(v4)
	u := e.Draws(runs * n)
	arms := make([]int8, runs*n)
	ex := bandit.NewExp3(bandit.Exp3Config{Gamma: gamma, MaxWeight: maxWeight})
	for r := range runs {
		ex.Reset()
		last := [2]float64{math.NaN(), math.NaN()}
		for i := range n {
			arm := ex.Choose(u[r*n+i])
			d := [2]float64{v4[i], v6[i]}
			var reward float64
			if d[arm] <= last[1-arm] {
				reward = 1
			}
			last[arm] = d[arm]
			ex.Update(arm, reward)
			arms[r*n+i] = int8(arm)
		}
	}
	return arms
}

// TestExp3ArmsMatchesExp3: the kernel's arms are those of bandit.Exp3
// stepped round by round, for run counts that fill whole groups of four
// runs, leave some lanes unused and need the kernel's minimum of three
// groups; and Play declines the pairs the kernel cannot play exactly.
func TestExp3ArmsMatchesExp3(t *testing.T) {
	eng, err := NewEngine(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(21, 22))
	for _, tt := range []struct {
		gamma, maxWeight float64
		runs             int
	}{{0.1, 0, 100}, {0.1, 0, 7}, {0.1, 0, 1}, {0.3, 50, 13}, {1, 0, 4}} {
		x := eng.NewExp3Arms(tt.gamma, tt.maxWeight)
		for rep := range 10 {
			n := 1 + rng.IntN(400)
			v4, v6 := make([]float64, n), make([]float64, n)
			for i := range v4 {
				if rep%3 == 0 { // ties
					v4[i], v6[i] = float64(rng.IntN(3)), float64(rng.IntN(3))
				} else {
					v4[i], v6[i] = 20+200*rng.Float64(), 30+150*rng.Float64()
				}
			}
			got := make([]int8, tt.runs*n)
			if !x.Play(v4, v6, tt.runs, got) {
				if hasKernel {
					t.Fatal("Play declined a finite pair")
				}
				continue
			}
			want := armsOf(eng, tt.gamma, tt.maxWeight, v4, v6, tt.runs)
			for k := range want {
				if got[k] != want[k] {
					t.Fatalf("gamma %v runs %d n %d: run %d round %d: arm %d, want %d", tt.gamma, tt.runs, n, k/n, k%n, got[k], want[k])
				}
			}
		}
	}
	x := eng.NewExp3Arms(0.1, 0)
	if x.Play([]float64{1, math.NaN()}, []float64{2, 3}, 4, make([]int8, 8)) {
		t.Error("Play accepted a NaN duration")
	}
}

// BenchmarkExp3Arms plays 100 runs of a 320-round pair with the kernel and
// gives their arms, as the comparison of policies uses it.
func BenchmarkExp3Arms(b *testing.B) {
	eng, err := NewEngine(DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	const n, runs = 320, 100
	v4, v6 := make([]float64, n), make([]float64, n)
	for i := range v4 {
		v4[i], v6[i] = 20+200*rng.Float64(), 20+200*rng.Float64()
	}
	x := eng.NewExp3Arms(0.1, 0)
	arms := make([]int8, runs*n)
	for b.Loop() {
		if !x.Play(v4, v6, runs, arms) {
			b.Skip("no vector kernel")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n*runs), "ns/step")
}

// TestWorkerArms: the arms a worker keeps from Probe are Exp3Arms.Play's
// for each eligible pair and gamma, for run counts that fill whole groups
// of four runs or not, a weight cap of 0 or the default alike; and Arms
// declines what Probe did not play: another gamma or cap, other slices
// with the same durations, an ineligible pair, a pair of an earlier probe,
// a worker without KeepArms.
func TestWorkerArms(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	series := func(id int64, n int) pairs.Series {
		s := pairs.Series{Probe: id, Anchor: 1, V4: make([]float64, n), V6: make([]float64, n)}
		for i := range n {
			s.V4[i], s.V6[i] = 20+200*rng.Float64(), 30+150*rng.Float64()
		}
		return s
	}
	for _, runs := range []int{100, 7} {
		cfg := DefaultConfig()
		cfg.Gammas, cfg.Runs = []float64{0.1, 0.3}, runs
		eng, err := NewEngine(cfg)
		if err != nil {
			t.Fatal(err)
		}
		w, plain := eng.NewWorker(), eng.NewWorker()
		w.KeepArms()
		p := pairs.Probe{ID: 1, Series: []pairs.Series{series(1, 160), series(1, 400), series(1, 20)}}
		p.Series[1].Anchor, p.Series[2].Anchor = 2, 3
		if _, _, err := w.Probe(context.Background(), &p, nil); err != nil {
			t.Fatal(err)
		}
		if _, _, err := plain.Probe(context.Background(), &p, nil); err != nil {
			t.Fatal(err)
		}
		for _, s := range p.Series[:2] {
			n := len(s.V4)
			got := make([]int8, runs*n)
			for _, gamma := range cfg.Gammas {
				for _, mw := range []float64{0, bandit.DefaultMaxWeight} {
					if !w.Arms(s.V4, s.V6, gamma, mw, got) {
						if hasKernel {
							t.Fatalf("runs %d n %d gamma %v cap %v: no arms", runs, n, gamma, mw)
						}
						continue
					}
					want := make([]int8, runs*n)
					if !eng.NewExp3Arms(gamma, mw).Play(s.V4, s.V6, runs, want) {
						t.Fatal("Play declined a finite pair")
					}
					if !slices.Equal(got, want) {
						t.Fatalf("runs %d n %d gamma %v: the kept arms differ from Play's", runs, n, gamma)
					}
				}
			}
			if w.Arms(s.V4, s.V6, 0.2, 0, got) || w.Arms(s.V4, s.V6, 0.1, 50, got) {
				t.Error("Arms gave arms for a gamma or cap the worker did not play")
			}
			if w.Arms(slices.Clone(s.V4), slices.Clone(s.V6), 0.1, 0, got) {
				t.Error("Arms gave arms for other slices")
			}
			if plain.Arms(s.V4, s.V6, 0.1, 0, got) {
				t.Error("Arms gave arms without KeepArms")
			}
		}
		s := p.Series[2] // too short to be eligible
		if w.Arms(s.V4, s.V6, 0.1, 0, make([]int8, runs*len(s.V4))) {
			t.Error("Arms gave arms for an ineligible pair")
		}
		q := pairs.Probe{ID: 2, Series: []pairs.Series{series(2, 200)}}
		if _, _, err := w.Probe(context.Background(), &q, nil); err != nil {
			t.Fatal(err)
		}
		s = p.Series[0]
		if w.Arms(s.V4, s.V6, 0.1, 0, make([]int8, runs*len(s.V4))) {
			t.Error("Arms gave arms for a pair of an earlier probe")
		}
	}
}
