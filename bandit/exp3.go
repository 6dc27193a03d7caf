package bandit

import (
	"errors"
	"fmt"
	"math"

	"github.com/afsel/afsel/internal/glibc"
)

// DefaultMaxWeight is the weight sum EXP3 rescales to when
// Exp3Config.MaxWeight is zero. It is the value the artefacts' replay
// (simulations/ripe.py) passes; the EXP3 class's own default, 10_000, is
// never used there.
const DefaultMaxWeight = 100

// ErrConfig is wrapped by every error Exp3Config.Validate returns.
var ErrConfig = errors.New("invalid EXP3 configuration")

// Exp3Config parameterises Exp3. New options must keep the zero
// value of their field meaning the artefacts' behaviour.
type Exp3Config struct {
	// Gamma is the exploration rate, in (0, 1]: every arm keeps a
	// probability of at least Gamma/K. The paper replays with 0.1.
	Gamma float64
	// MaxWeight is the sum the weights are rescaled to after each update,
	// before each weight is floored at 1; it must exceed 1. Zero means
	// DefaultMaxWeight.
	MaxWeight float64
}

// Validate reports whether c is usable, with an error wrapping ErrConfig if
// not. The constructors panic on a configuration Validate rejects, so code
// that takes parameters from users should call it first.
func (c Exp3Config) Validate() error {
	// Written so that NaN fails both checks, as it fails Python's asserts.
	if !(c.Gamma > 0 && c.Gamma <= 1) {
		return fmt.Errorf("bandit: %w: gamma %v is not in (0, 1]", ErrConfig, c.Gamma)
	}
	if c.MaxWeight != 0 && !(c.MaxWeight > 1 && !math.IsInf(c.MaxWeight, 1)) {
		return fmt.Errorf("bandit: %w: max weight %v is not a finite number above 1", ErrConfig, c.MaxWeight)
	}
	return nil
}

// maxWeight returns MaxWeight with its default applied.
func (c Exp3Config) maxWeight() float64 {
	if c.MaxWeight == 0 {
		return DefaultMaxWeight
	}
	return c.MaxWeight
}

func (c Exp3Config) mustValidate() {
	if err := c.Validate(); err != nil {
		panic(err.Error())
	}
}

// badUpdate panics with the reason Update rejects its arguments. It is kept
// out of line so the checks cost only a compare and a branch in the hot path.
//
//go:noinline
func badUpdate(arm int, reward float64) {
	if arm < 0 || arm > 1 {
		panic(fmt.Sprintf("bandit: arm %d out of range [0, 2)", arm))
	}
	panic(fmt.Sprintf("bandit: reward %v is not in [0, 1]", reward))
}

// Exp3 is the artefacts' EXP3 (simulations/exp3.py) with two arms, the case
// the paper replays (arm 0 = IPv4, arm 1 = IPv6). It holds its whole state
// in the value.
//
// Each weight starts at 1. With K = 2 and w the weights:
//
//	p_i    = (1 - gamma) * (w_i / (w_0 + w_1)) + gamma / K
//	choose: 0 if u * (p_0 + p_1) < p_0, else 1   (random.choices)
//	update: w_a *= exp(reward / p_a * gamma / K)
//	        f = MaxWeight / (w_0 + w_1); w_i = max(1, w_i * f) for each i
//
// The floating-point operations are Python's, in Python's order, and exp is
// glibc's (internal/glibc), so decisions and weights are the artefacts' bit for bit.
// The probabilities are kept up to date after every update: Python
// recomputes them from the same weights, so caching them changes no bit. An
// Exp3 holds no references, so copying the value snapshots its state.
//
// Each round depends on the previous one through three divisions and an exp,
// so one instance is bound by their latency (about 45 ns a round on a
// 2.5 GHz Xeon). Independent instances stepped in the same loop, such as the
// runs of one replay pair once its draws are generated, overlap in the CPU
// (about 25 ns a round there); see BenchmarkExp3StepInterleaved.
type Exp3 struct {
	w0, w1 float64 // weights
	p0, p1 float64 // probabilities of the current weights
	total  float64 // p0 + p1, the total random.choices scales u by

	gamma         float64
	oneMinusGamma float64 // 1.0 - gamma, as Python computes it each time
	gammaOverK    float64 // gamma / 2, likewise
	maxWeight     float64
}

// NewExp3 returns a two-arm EXP3 with both weights at 1. It panics if
// cfg.Validate fails.
func NewExp3(cfg Exp3Config) *Exp3 {
	cfg.mustValidate()
	e := &Exp3{
		gamma:         cfg.Gamma,
		oneMinusGamma: 1.0 - cfg.Gamma,
		gammaOverK:    cfg.Gamma / 2,
		maxWeight:     cfg.maxWeight(),
	}
	e.Reset()
	return e
}

// Arms returns 2.
func (e *Exp3) Arms() int { return 2 }

// Reset sets both weights back to 1, the state of a new instance.
func (e *Exp3) Reset() {
	e.w0, e.w1 = 1, 1
	e.refresh()
}

// refresh recomputes the probabilities from the weights, as the artefacts'
// probabilities property does.
func (e *Exp3) refresh() {
	s := e.w0 + e.w1
	// The conversions forbid fusing the multiply and the add into one FMA
	// (which Go allows, e.g. on arm64): Python rounds the product first.
	e.p0 = float64(e.oneMinusGamma*(e.w0/s)) + e.gammaOverK
	e.p1 = float64(e.oneMinusGamma*(e.w1/s)) + e.gammaOverK
	e.total = e.p0 + e.p1
}

// Choose returns the arm random.choices([0, 1], weights=p) picks when its
// random() draw is u. It does not change e.
func (e *Exp3) Choose(u float64) int {
	if u*e.total < e.p0 {
		return 0
	}
	return 1
}

// Update gives reward to arm, then rescales the weights. It panics unless arm
// is 0 or 1 and 0 <= reward <= 1.
func (e *Exp3) Update(arm int, reward float64) {
	// The range checks of the artefacts' asserts; !(a && b) also rejects NaN.
	if uint(arm) > 1 || !(reward >= 0 && reward <= 1) {
		badUpdate(arm, reward)
	}
	w0, w1 := e.w0, e.w1
	// A zero reward multiplies by exp(0) = 1 exactly: skip the call.
	if reward != 0 {
		if arm == 0 {
			w0 *= glibc.Exp(reward / e.p0 * e.gamma / 2)
		} else {
			w1 *= glibc.Exp(reward / e.p1 * e.gamma / 2)
		}
	}
	f := e.maxWeight / (w0 + w1)
	// !(w > 1) rather than w < 1 so NaN becomes 1, as Python's max(1, w) does.
	if w0 *= f; !(w0 > 1) {
		w0 = 1
	}
	if w1 *= f; !(w1 > 1) {
		w1 = 1
	}
	e.w0, e.w1 = w0, w1
	e.refresh()
}

// Weights returns the current weights.
func (e *Exp3) Weights() [2]float64 { return [2]float64{e.w0, e.w1} }

// Probabilities returns the current probabilities of choosing each arm.
func (e *Exp3) Probabilities() [2]float64 { return [2]float64{e.p0, e.p1} }
