package replay

import "github.com/afsel/afsel/bandit"

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
	ng := len(x.kern.groups)
	for r := range runs {
		g, bit := r/4, uint(r%4)
		out := arms[r*n : (r+1)*n]
		m := x.kern.masks[g:]
		for i := range out {
			out[i] = int8(1 - m[i*ng]>>bit&1)
		}
	}
	return true
}
