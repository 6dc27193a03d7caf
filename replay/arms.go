package replay

import (
	"cmp"

	"github.com/afsel/afsel/bandit"
)

// Exp3Arms plays the replay's EXP3 runs over a pair for other callers, such
// as a comparison of policies that scores the runs its own way: it gives
// each run's arm of every round. Use one per goroutine.
type Exp3Arms struct {
	eng    *Engine
	gamma  float64
	consts *kernelConsts
	kern   kernelScratch
	res    []runResult
}

// NewExp3Arms returns a player of the artefacts' EXP3 with gamma and
// maxWeight (0: bandit.DefaultMaxWeight) that reads the engine's draws. It
// panics if the bandit.Exp3Config they make is not valid.
func (e *Engine) NewExp3Arms(gamma, maxWeight float64) *Exp3Arms {
	cfg := bandit.Exp3Config{Gamma: gamma, MaxWeight: maxWeight}
	if err := cfg.Validate(); err != nil {
		panic(err.Error())
	}
	if maxWeight == 0 {
		maxWeight = bandit.DefaultMaxWeight
	}
	return &Exp3Arms{eng: e, gamma: gamma, consts: newKernelConsts(gamma, maxWeight)}
}

// Play plays runs runs over the pair (v4, v6), run r choosing with the
// draws Draws(runs*n)[r*n:(r+1)*n] as the replay's runs do, each from a
// fresh bandit.Exp3 rewarded by the replay's rule, and writes run r's arm of
// round i to arms[r*n+i]. It reports false and does nothing when the vector
// kernel cannot play the pair exactly (kernelUsable): the caller then steps
// bandit.Exp3 itself.
func (x *Exp3Arms) Play(v4, v6 []float64, runs int, arms []int8) bool {
	n := len(v4)
	if len(arms) < runs*n {
		panic("replay: Exp3Arms.Play: arms too short")
	}
	if runs < 1 || n == 0 || !kernelUsable(x.gamma, v4, v6) {
		return false
	}
	if cap(x.res) < runs {
		x.res = make([]runResult, runs)
	}
	kernelRuns(x.consts, v4, v6, x.eng.draws.prefix(kernelDraws(runs, n)), 0, x.res[:runs], &x.kern)
	unpackArms(x.kern.masks, len(x.kern.groups), n, runs, arms)
	return true
}

// unpackArms writes the arms of runs runs of n rounds from the kernel's
// masks of ng groups to arms, run r's arm of round i at arms[r*n+i].
func unpackArms(masks []uint8, ng, n, runs int, arms []int8) {
	for r := range runs {
		g, bit := r/4, uint(r%4)
		out := arms[r*n : (r+1)*n]
		m := masks[g:]
		for i := range out {
			out[i] = int8(1 - m[i*ng]>>bit&1)
		}
	}
}

// keptArms is the kernel's masks of the runs of one pair and gamma.
type keptArms struct {
	v4, v6 *float64 // the pair's durations, by identity
	n      int
	gamma  int // index in Config.Gammas
	masks  []uint8
}

// KeepArms makes Probe keep the arms of the runs it plays on the vector
// kernel, for Arms, until its next call: a comparison of policies that
// plays the replay's EXP3 on the same pairs can take them instead of
// running the kernel again.
func (r *Worker) KeepArms() { r.keep = true }

// keepArms keeps the kernel's masks of gamma index g on the pair (v4, v6).
func (r *Worker) keepArms(g int, v4, v6 []float64) {
	if len(r.kept) < cap(r.kept) {
		r.kept = r.kept[:len(r.kept)+1]
	} else {
		r.kept = append(r.kept, keptArms{})
	}
	k := &r.kept[len(r.kept)-1]
	k.v4, k.v6, k.n, k.gamma = &v4[0], &v6[0], len(v4), g
	k.masks = append(k.masks[:0], r.kern.masks...)
}

// Arms writes the arms of the runs that the last Probe played on the pair
// (v4, v6), the same slices, at gamma with the weight cap maxWeight (0:
// bandit.DefaultMaxWeight), run r's arm of round i at arms[r*n+i], and
// reports whether it could: only after KeepArms, for a pair that Probe
// replayed on the vector kernel, at one of the worker's gammas and its
// cap, and for its number of runs (len(arms) = Runs*n). They are the arms
// Exp3Arms.Play gives for the same pair, gamma, cap and runs.
func (r *Worker) Arms(v4, v6 []float64, gamma, maxWeight float64, arms []int8) bool {
	n := len(v4)
	if n == 0 || len(v6) != n || len(arms) != r.cfg.Runs*n || cmp.Or(maxWeight, bandit.DefaultMaxWeight) != cmp.Or(r.cfg.MaxWeight, bandit.DefaultMaxWeight) {
		return false
	}
	for i := range r.kept {
		k := &r.kept[i]
		if k.v4 == &v4[0] && k.v6 == &v6[0] && k.n == n && r.cfg.Gammas[k.gamma] == gamma {
			unpackArms(k.masks, kernelGroups(r.cfg.Runs), n, r.cfg.Runs, arms)
			return true
		}
	}
	return false
}
