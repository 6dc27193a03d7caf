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
	// rw, when not nil, has replayed the probe and kept its EXP3 runs'
	// arms (ShareReplay).
	rw *replay.Worker
	// off makes every policy take the Strategy path (tests compare both).
	off bool
}

// ShareReplay makes the worker take the EXP3 runs it would play with the
// replay's kernel from rw, the replay worker whose Probe gave the replay
// pairs passed to Probe, when rw played them (replay.Worker.Arms) rather
// than run the kernel a second time. rw must be of the comparer's engine;
// it is ignored otherwise.
func (w *Worker) ShareReplay(rw *replay.Worker) {
	if rw.Engine() != w.eng {
		return
	}
	rw.KeepArms()
	w.batch.rw = rw
}

// batched plays the runs runs of sp on the pair into w.batch.arms when sp
// has a batched implementation, and reports whether it did. A batched
// policy makes the choices its Strategy makes from the same random stream
// (TestBatchedMatchesStrategies), and serves each request on the chosen
// family alone, so its metrics follow from the arms (scoreRuns).
func (w *Worker) batched(sp policy.Spec, rp *replay.Pair, v4, v6 []float64, runs int) bool {
	if w.batch.off {
		return false
	}
	n := len(v4)
	switch sp.Kind {
	case policy.KindExp3:
		// The Strategy's bandit.Exp3 has the default weight cap.
		w.batch.arms = grow(w.batch.arms, runs*n)
		if w.batch.rw != nil && w.batch.rw.Arms(v4, v6, sp.Gamma, 0, w.batch.arms) {
			return true
		}
		x := w.batch.exp3[sp.Gamma]
		if x == nil {
			x = w.eng.NewExp3Arms(sp.Gamma, 0)
			if w.batch.exp3 == nil {
				w.batch.exp3 = map[float64]*replay.Exp3Arms{}
			}
			w.batch.exp3[sp.Gamma] = x
		}
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

// scoreRuns records the metrics of runs runs from their arms (run r's at
// arms[r*n:(r+1)*n]), as runOnce does for a policy that serves each request
// on the chosen family with one connection. Each sum is a chain of
// dependent additions, so four runs are scored in one pass over the pair,
// each run's sums still added in round order; the chosen family's values
// are picked by indexing, not by branches the random arms would mispredict.
func (w *Worker) scoreRuns(arms []int8, v4, v6 []float64, runs int) {
	train := w.cfg.Train
	n := len(v4)
	scored := float64(n - train - 1)
	for r0 := 0; r0 < runs; r0 += 4 {
		k := min(4, runs-r0)
		// Lanes past k score run r0 again, and are dropped.
		a0, a1, a2, a3 := arms[r0*n:][:n], arms[(r0+1%k)*n:][:n], arms[(r0+2%k)*n:][:n], arms[(r0+3%k)*n:][:n]
		var best [4]int
		var lat, gain, regret [4]float64
		for i := train + 1; i < n; i++ {
			d := [2]float64{v4[i], v6[i]}
			// mine <= other for arm 0 and for arm 1; min(mine, other) is
			// min(v4, v6) whichever the arm.
			le := [2]int{b2i(d[0] <= d[1]), b2i(d[1] <= d[0])}
			lo, x6 := min(d[0], d[1]), d[1]
			c0, c1, c2, c3 := a0[i]&1, a1[i]&1, a2[i]&1, a3[i]&1
			m0, m1, m2, m3 := d[c0], d[c1], d[c2], d[c3]
			best[0] += le[c0]
			best[1] += le[c1]
			best[2] += le[c2]
			best[3] += le[c3]
			lat[0] += m0
			lat[1] += m1
			lat[2] += m2
			lat[3] += m3
			gain[0] += x6 - m0
			gain[1] += x6 - m1
			gain[2] += x6 - m2
			gain[3] += x6 - m3
			regret[0] += m0 - lo
			regret[1] += m1 - lo
			regret[2] += m2 - lo
			regret[3] += m3 - lo
		}
		for l := range k {
			run := r0 + l
			w.best[run] = float64(best[l]) / float64(n-train)
			w.mean[run] = lat[l] / scored
			w.gain[run] = gain[l] / scored
			w.regret[run] = regret[l]
			w.conns[run] = 1 // one connection a request (runOnce: scored / scored)
		}
	}
}

func grow[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	return b[:n]
}
