package compare

import (
	"math"

	"github.com/afsel/afsel/bandit"
	"github.com/afsel/afsel/internal/pcgrand"
	"github.com/afsel/afsel/policy"
	"github.com/afsel/afsel/replay"
)

// batchState is a worker's scratch for the learners played all runs at
// once rather than round by round through policy.Strategy.
type batchState struct {
	arms []int8 // run r's arm of round i at r*n + i
	rng  pcgrand.Rand
	ts   bandit.ThompsonPCG
	exp3 map[float64]*replay.Exp3Arms // by gamma
	// off makes every policy take the Strategy path (tests compare both).
	off bool
}

// batched plays the runs runs of sp on the pair into w.batch.arms when sp
// has a batched implementation, and reports whether it did. A batched
// policy makes the choices its Strategy makes from the same random stream
// (TestBatchedMatchesStrategies), and serves each request on the chosen
// family alone, so its metrics follow from the arms (score).
func (w *Worker) batched(sp policy.Spec, rp *replay.Pair, v4, v6 []float64, runs int) bool {
	if w.batch.off {
		return false
	}
	n := len(v4)
	switch sp.Kind {
	case policy.KindExp3:
		// The Strategy's bandit.Exp3 has the default weight cap.
		x := w.batch.exp3[sp.Gamma]
		if x == nil {
			x = w.eng.NewExp3Arms(sp.Gamma, 0)
			if w.batch.exp3 == nil {
				w.batch.exp3 = map[float64]*replay.Exp3Arms{}
			}
			w.batch.exp3[sp.Gamma] = x
		}
		w.batch.arms = grow(w.batch.arms, runs*n)
		return x.Play(v4, v6, runs, w.batch.arms)
	case policy.KindTS:
		w.batch.arms = grow(w.batch.arms, runs*n)
		label := sp.String()
		for run := range runs {
			h1, h2 := runSeed(w.cfg.Seed, rp.Probe, rp.Anchor, run, label)
			w.batch.rng.Seed(h1, h2)
			thompsonRun(&w.batch.ts, &w.batch.rng, v4, v6, w.batch.arms[run*n:(run+1)*n])
		}
		return true
	}
	return false
}

// thompsonRun is one run of policy.Learner over Thompson sampling with the
// source r: the reward is 1 when the chosen family's duration is no slower
// than the other family's last observed one (0 before any).
func thompsonRun(ts *bandit.ThompsonPCG, r *pcgrand.Rand, v4, v6 []float64, arms []int8) {
	ts.Reset(len(v4))
	last := [2]float64{math.NaN(), math.NaN()}
	for i := range arms {
		arm := ts.Choose(r) & 1
		d := [2]float64{v4[i], v6[i]}
		mine := d[arm]
		win := mine <= last[1-arm] // false while NaN
		last[arm] = mine
		ts.Update(arm, win)
		arms[i] = int8(arm)
	}
}

// score records run's metrics from its arms, as runOnce does for a policy
// that serves each request on the chosen family with one connection.
func (w *Worker) score(arms []int8, v4, v6 []float64, run int) {
	train := w.cfg.Train
	n := len(v4)
	var best, conns int
	var lat, gain, regret float64
	for i := train + 1; i < n; i++ {
		mine, other := v4[i], v6[i]
		if arms[i] == 1 {
			mine, other = other, mine
		}
		best += b2i(mine <= other)
		lat += mine
		gain += v6[i] - mine
		regret += mine - min(mine, other)
		conns++
	}
	scored := float64(n - train - 1)
	w.best[run] = float64(best) / float64(n-train)
	w.mean[run] = lat / scored
	w.gain[run] = gain / scored
	w.regret[run] = regret
	w.conns[run] = float64(conns) / scored
}

func grow[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	return b[:n]
}
