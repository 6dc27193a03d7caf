package bandit

import (
	"fmt"
	"math"
)

// Source is the uniform random source of a Learner: Float64 returns a draw
// in [0, 1). *pyrand.Rand and *math/rand/v2.Rand satisfy it.
type Source interface {
	Float64() float64
}

// Learner is a two-arm bandit (arm 0 = IPv4, arm 1 = IPv6) driven round by
// round: Choose an arm, drawing what randomness it needs from src, then
// Update that arm with the reward it earned, in [0, 1]. Reset restores the
// state of a fresh learner without allocating, so one instance serves many
// runs. Deterministic learners ignore src. A Learner is not safe for
// concurrent use.
//
// The constructors take parameters in the ranges policy.Parse accepts; ties
// between arms go to IPv6.
type Learner interface {
	Choose(src Source) int
	Update(arm int, reward float64)
	Reset()
}

// NewExp3Learner is the artefacts' floored EXP3 (Exp3) as a Learner: one
// draw per round. It panics if cfg.Validate fails.
func NewExp3Learner(cfg Exp3Config) Learner { return exp3Learner{NewExp3(cfg)} }

type exp3Learner struct{ e *Exp3 }

func (l exp3Learner) Choose(src Source) int          { return l.e.Choose(src.Float64()) }
func (l exp3Learner) Update(arm int, reward float64) { l.e.Update(arm, reward) }
func (l exp3Learner) Reset()                         { l.e.Reset() }

// NewExp3Raw is textbook EXP3 with exploration gamma in (0, 1].
func NewExp3Raw(gamma float64) Learner {
	e := &exp3Raw{gamma: gamma}
	e.Reset()
	return e
}

// NewExp3IX is EXP3-IX with learning rate eta > 0 and implicit exploration
// gamma in [0, 1].
func NewExp3IX(eta, gamma float64) Learner { return &exp3IX{eta: eta, gamma: gamma} }

// NewExp3S is EXP3.S with exploration gamma in (0, 1] and share alpha in
// [0, 1].
func NewExp3S(gamma, alpha float64) Learner {
	e := &exp3S{gamma: gamma, alpha: alpha}
	e.Reset()
	return e
}

// NewUCB1 is UCB1 with exploration coefficient c >= 0 (2 in the paper).
func NewUCB1(c float64) Learner { return &ucb1{c: c} }

// NewSWUCB is sliding-window UCB over the last window >= 1 rounds, with
// exploration coefficient c >= 0. It panics if window < 1.
func NewSWUCB(window int, c float64) Learner {
	if window < 1 {
		panic(fmt.Sprintf("bandit: sliding-window UCB with window %d", window))
	}
	return &swUCB{c: c, window: window, arms: make([]int8, window), rew: make([]float64, window)}
}

// NewDUCB is discounted UCB with discount in (0, 1] and exploration
// coefficient c >= 0.
func NewDUCB(discount, c float64) Learner { return &dUCB{c: c, discount: discount} }

// NewThompson is Beta-Bernoulli Thompson sampling with a uniform prior.
func NewThompson() Learner { return &thompson{} }

// exp3Raw is textbook EXP3 (Auer et al. 2002): p_i = (1-gamma) w_i/sum(w) +
// gamma/2, w_a *= exp(gamma * (r/p_a) / 2), no floor and no rescaling. The
// weights are kept as logarithms so that they cannot overflow; that changes
// no probability.
type exp3Raw struct {
	gamma float64
	lw    [2]float64 // log weights
	p     [2]float64 // probabilities of the current weights
}

func (e *exp3Raw) refresh() {
	m := max(e.lw[0], e.lw[1])
	w0, w1 := math.Exp(e.lw[0]-m), math.Exp(e.lw[1]-m)
	s := w0 + w1
	e.p[0] = (1-e.gamma)*w0/s + e.gamma/2
	e.p[1] = (1-e.gamma)*w1/s + e.gamma/2
}

func (e *exp3Raw) Choose(src Source) int {
	if src.Float64() < e.p[0] {
		return 0
	}
	return 1
}

func (e *exp3Raw) Update(arm int, reward float64) {
	if reward == 0 {
		return
	}
	e.lw[arm] += e.gamma * (reward / e.p[arm]) / 2
	e.refresh()
}

func (e *exp3Raw) Reset() {
	e.lw = [2]float64{}
	e.refresh()
}

// exp3IX is EXP3-IX (Neu 2015): p_i proportional to exp(-eta * L_i), where
// L_a += (1 - r) / (p_a + gamma) estimates the cumulative loss with implicit
// exploration gamma.
type exp3IX struct {
	eta, gamma float64
	loss       [2]float64
}

func (e *exp3IX) p0() float64 {
	// exp(-eta L0) / (exp(-eta L0) + exp(-eta L1)), computed stably.
	return 1 / (1 + math.Exp(-e.eta*(e.loss[1]-e.loss[0])))
}

func (e *exp3IX) Choose(src Source) int {
	if src.Float64() < e.p0() {
		return 0
	}
	return 1
}

func (e *exp3IX) Update(arm int, reward float64) {
	p := e.p0()
	if arm == 1 {
		p = 1 - p
	}
	e.loss[arm] += (1 - reward) / (p + e.gamma)
}

func (e *exp3IX) Reset() { e.loss = [2]float64{} }

// exp3S is EXP3.S (Auer et al. 2002, fixed share): p_i = (1-gamma) w_i/W +
// gamma/2, then w_i = w_i exp(gamma x_i/2) + e*alpha/2 * W with x_a = r/p_a
// and x_i = 0 otherwise. The weights are renormalised to sum 1 after each
// update, which the update's homogeneity allows.
type exp3S struct {
	gamma, alpha float64
	w            [2]float64
}

func (e *exp3S) p(arm int) float64 {
	return (1-e.gamma)*e.w[arm]/(e.w[0]+e.w[1]) + e.gamma/2
}

func (e *exp3S) Choose(src Source) int {
	if src.Float64() < e.p(0) {
		return 0
	}
	return 1
}

func (e *exp3S) Update(arm int, reward float64) {
	pa := e.p(arm)
	s := e.w[0] + e.w[1]
	share := math.E * e.alpha / 2 * s
	e.w[arm] *= math.Exp(e.gamma * (reward / pa) / 2)
	e.w[0] += share
	e.w[1] += share
	s = e.w[0] + e.w[1]
	e.w[0] /= s
	e.w[1] /= s
}

func (e *exp3S) Reset() { e.w = [2]float64{0.5, 0.5} }

// ucbIndex returns the arm with the larger index mean + sqrt(c ln t / n);
// an arm with no plays is played first (IPv6 before IPv4); ties to IPv6.
func ucbIndex(sum, n [2]float64, t, c float64) int {
	if n[1] == 0 {
		return 1
	}
	if n[0] == 0 {
		return 0
	}
	lt := math.Log(t)
	i0 := sum[0]/n[0] + math.Sqrt(c*lt/n[0])
	i1 := sum[1]/n[1] + math.Sqrt(c*lt/n[1])
	if i0 > i1 {
		return 0
	}
	return 1
}

// ucb1 is UCB1 (Auer et al. 2002) with exploration coefficient c (2 in the
// paper): index mean_i + sqrt(c ln t / n_i).
type ucb1 struct {
	c      float64
	sum, n [2]float64
}

func (u *ucb1) Choose(Source) int { return ucbIndex(u.sum, u.n, u.n[0]+u.n[1], u.c) }
func (u *ucb1) Update(arm int, reward float64) {
	u.n[arm]++
	u.sum[arm] += reward
}
func (u *ucb1) Reset() { u.sum, u.n = [2]float64{}, [2]float64{} }

// swUCB is sliding-window UCB (Garivier and Moulines 2011): UCB1 over the
// last window rounds, index mean_i + sqrt(c ln min(t, window) / n_i).
type swUCB struct {
	c      float64
	window int
	arms   []int8
	rew    []float64
	t      int
	sum, n [2]float64
}

func (u *swUCB) Choose(Source) int {
	return ucbIndex(u.sum, u.n, float64(min(u.t, u.window)), u.c)
}

func (u *swUCB) Update(arm int, reward float64) {
	i := u.t % u.window
	if u.t >= u.window {
		old := u.arms[i]
		u.n[old]--
		u.sum[old] -= u.rew[i]
	}
	u.arms[i], u.rew[i] = int8(arm), reward
	u.n[arm]++
	u.sum[arm] += reward
	u.t++
}

func (u *swUCB) Reset() {
	u.t = 0
	u.sum, u.n = [2]float64{}, [2]float64{}
}

// dUCB is discounted UCB (Garivier and Moulines 2011): every round each
// arm's count and reward sum are multiplied by discount before the played
// arm's are incremented; index mean_i + sqrt(c ln sum(n) / n_i).
type dUCB struct {
	c, discount float64
	sum, n      [2]float64
}

func (u *dUCB) Choose(Source) int { return ucbIndex(u.sum, u.n, u.n[0]+u.n[1], u.c) }

func (u *dUCB) Update(arm int, reward float64) {
	for i := range 2 {
		u.n[i] *= u.discount
		u.sum[i] *= u.discount
	}
	u.n[arm]++
	u.sum[arm] += reward
}

func (u *dUCB) Reset() { u.sum, u.n = [2]float64{}, [2]float64{} }

// thompson is Beta-Bernoulli Thompson sampling with a uniform prior: sample
// Beta(1 + wins_i, 1 + losses_i) for each arm, play the larger sample.
type thompson struct {
	wins, losses [2]float64
}

func (t *thompson) Choose(src Source) int {
	s0 := betaSample(src, 1+t.wins[0], 1+t.losses[0])
	s1 := betaSample(src, 1+t.wins[1], 1+t.losses[1])
	if s0 > s1 {
		return 0
	}
	return 1
}

func (t *thompson) Update(arm int, reward float64) {
	t.wins[arm] += reward
	t.losses[arm] += 1 - reward
}

func (t *thompson) Reset() { t.wins, t.losses = [2]float64{}, [2]float64{} }

// betaSample draws Beta(a, b), a, b >= 1, as X/(X+Y) with X ~ Gamma(a),
// Y ~ Gamma(b).
func betaSample(src Source, a, b float64) float64 {
	x := gammaSample(src, a)
	y := gammaSample(src, b)
	return x / (x + y)
}

// normSource is a Source with its own standard normal generator, such as
// *math/rand/v2.Rand (ziggurat), which is much faster than Box-Muller.
type normSource interface {
	NormFloat64() float64
}

// gammaSample draws Gamma(a, 1) for a >= 1 by Marsaglia and Tsang's method.
// Normals come from src's NormFloat64 when it has one, else by Box-Muller
// from its uniforms.
func gammaSample(src Source, a float64) float64 {
	d := a - 1.0/3
	c := 1 / math.Sqrt(9*d)
	ns, fast := src.(normSource)
	for {
		var x float64
		if fast {
			x = ns.NormFloat64()
		} else {
			u1 := 1 - src.Float64() // (0, 1]
			u2 := src.Float64()
			x = math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
		}
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := 1 - src.Float64()
		x2 := x * x
		if u < 1-0.0331*x2*x2 || math.Log(u) < 0.5*x2+d*(1-v+math.Log(v)) {
			return d * v
		}
	}
}
