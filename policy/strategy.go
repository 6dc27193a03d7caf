package policy

import (
	"math"

	"github.com/afsel/afsel/bandit"
)

// Source is the uniform random source of a Strategy: Float64 returns a draw
// in [0, 1). *pyrand.Rand, *math/rand/v2.Rand and *Draws satisfy it. It has
// bandit.Source's method set, so a Learner hands it to its bandit.
type Source interface {
	Float64() float64
}

// Draws is a Source that replays a slice of pre-generated draws, such as a
// run's share of the artefacts' random.Random("test") stream. It panics when
// the slice is used up.
type Draws struct {
	U []float64
	i int
}

// Float64 returns the next draw.
func (d *Draws) Float64() float64 {
	u := d.U[d.i]
	d.i++
	return u
}

// Outcome is what one replayed round cost.
type Outcome struct {
	// Arm is the family whose connection served the request: 0 IPv4, 1 IPv6.
	Arm int
	// Latency is the time in ms from the start of the request to its
	// response: the served family's duration plus the delay before its
	// connection started (0 unless it was a raced second connection).
	Latency float64
	// Conns is the number of connections opened (1 or 2).
	Conns int
}

// Strategy picks the address family of each round of a replayed pair.
//
// Play is given both families' recorded durations (ms) of the round and
// returns what happened; what the strategy learns from the round is its own
// contract. Race-type strategies (Happy Eyeballs, the RTT cache, the full
// race) observe the durations of the connections they opened; learners
// observe only the chosen family's duration and earn the artefacts' binary
// reward: 1 when it is no slower than the other family's last observed
// duration (0 before any).
//
// Reset starts a new run, drawing any randomness from src (deterministic
// strategies ignore it and accept nil). A Strategy is not safe for
// concurrent use.
type Strategy interface {
	Play(v4, v6 float64) Outcome
	Reset(src Source)
}

// Fixed always uses one family with one connection: Fixed(0) is IPv4,
// Fixed(1) IPv6 (RFC 6724's default preference).
type Fixed int

// Play returns the fixed family.
func (f Fixed) Play(v4, v6 float64) Outcome {
	if f == 0 {
		return Outcome{Arm: 0, Latency: v4, Conns: 1}
	}
	return Outcome{Arm: 1, Latency: v6, Conns: 1}
}

// Reset does nothing.
func (Fixed) Reset(Source) {}

// HappyEyeballs races the families as RFC 8305 does, on the recorded
// durations: IPv6 starts at 0; if it has not finished within Delay (ms) an
// IPv4 connection starts at Delay, and the family whose start offset plus
// duration is smaller serves the request (ties to IPv6). With Delay 0 it is
// the per-round oracle; with a Delay longer than every IPv6 duration it is
// Fixed(1).
//
// The recorded durations are whole HTTP requests, not connection set-ups,
// so this is the race a client would run if the connection time dominated.
type HappyEyeballs struct {
	Delay float64 // ms
}

// Play races the round.
func (h *HappyEyeballs) Play(v4, v6 float64) Outcome {
	return race(v6, 1, v4, h.Delay)
}

// Reset does nothing.
func (*HappyEyeballs) Reset(Source) {}

// race starts the primary family (duration dp, arm ap) at 0 and the other at
// delay if the primary has not finished by then; the primary wins ties.
func race(dp float64, ap int, ds, delay float64) Outcome {
	if dp <= delay {
		return Outcome{Arm: ap, Latency: dp, Conns: 1}
	}
	if dp <= delay+ds {
		return Outcome{Arm: ap, Latency: dp, Conns: 2}
	}
	return Outcome{Arm: 1 - ap, Latency: delay + ds, Conns: 2}
}

// Race opens both families every round: the faster serves (ties to IPv6),
// two connections every round.
type Race struct{}

// Play races both families from the start.
func (Race) Play(v4, v6 float64) Outcome {
	if v4 < v6 {
		return Outcome{Arm: 0, Latency: v4, Conns: 2}
	}
	return Outcome{Arm: 1, Latency: v6, Conns: 2}
}

// Reset does nothing.
func (Race) Reset(Source) {}

// RTTCache is a Safari-style choice: a per-family EWMA of the durations
// observed when that family served a request (est += Alpha*(d - est), the
// first observation taken as is). The family with the lower estimate starts
// first (IPv6 on a tie or when neither is known; a family never observed
// counts as infinitely slow) and the other joins, Happy-Eyeballs style, when
// the first has not finished within its own estimate; before any estimate of
// the first family, the head start is Delay (ms).
type RTTCache struct {
	Alpha float64 // EWMA weight of a new observation, in (0, 1]
	Delay float64 // head start while the first family has no estimate, ms
	est   [2]float64
}

// Play races the round and updates the winner's estimate.
func (c *RTTCache) Play(v4, v6 float64) Outcome {
	d := [2]float64{v4, v6}
	p := 1
	if c.est[0] < c.est[1] { // NaN (unknown) compares false
		p = 0
	} else if math.IsNaN(c.est[1]) && !math.IsNaN(c.est[0]) {
		p = 0
	}
	head := c.est[p]
	if math.IsNaN(head) {
		head = c.Delay
	}
	o := race(d[p], p, d[1-p], head)
	a := o.Arm
	if e := c.est[a]; math.IsNaN(e) {
		c.est[a] = d[a]
	} else {
		c.est[a] = e + c.Alpha*(d[a]-e)
	}
	return o
}

// Reset forgets both estimates.
func (c *RTTCache) Reset(Source) { c.est = [2]float64{math.NaN(), math.NaN()} }

// Estimates returns the current per-family estimates (NaN: none yet).
func (c *RTTCache) Estimates() [2]float64 { return c.est }

// Learner drives a two-arm bandit.Learner with the artefacts' observation
// rule: it sees only the chosen family's duration, and the reward is 1 when
// that duration is no slower than the other family's last observed duration
// (0 before any). One connection per round.
type Learner struct {
	b    bandit.Learner
	src  bandit.Source // converted once per Reset, not once per round
	last [2]float64
}

// NewLearner returns a strategy that plays b, already Reset with a nil
// source.
func NewLearner(b bandit.Learner) *Learner {
	l := &Learner{b: b}
	l.Reset(nil)
	return l
}

// Play chooses a family, observes its duration and updates the learner.
func (l *Learner) Play(v4, v6 float64) Outcome {
	d := [2]float64{v4, v6}
	arm := l.b.Choose(l.src) & 1
	mine := d[arm]
	var reward float64
	if mine <= l.last[1-arm] { // false while NaN: nothing observed yet
		reward = 1
	}
	l.last[arm] = mine
	l.b.Update(arm, reward)
	return Outcome{Arm: arm, Latency: mine, Conns: 1}
}

// Reset restarts the learner from its initial state with the source src.
func (l *Learner) Reset(src Source) {
	l.src = src
	l.last = [2]float64{math.NaN(), math.NaN()}
	l.b.Reset()
}
