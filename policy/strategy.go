package policy

import (
	"math"

	"github.com/afsel/afsel/bandit"
	"github.com/afsel/afsel/outcome"
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

// Round is one replayed request: each family's recorded test. A family
// whose outcome is a failure has no duration (its value is ignored).
type Round struct {
	V4, V6     float64      // HTTP durations, ms
	Out4, Out6 outcome.Code // outcome.OK unless the test failed
	// Timeout is how long, in ms, a client waits on a silent failure
	// (outcome.Code.Silent) before giving it up: its OS's connect timeout.
	// Strategies with a timeout of their own (os, steer) use theirs. A
	// round with a failure needs it (0 would make silence free).
	Timeout float64
}

// Both is the round where both families worked, with durations v4 and v6.
func Both(v4, v6 float64) Round { return Round{V4: v4, V6: v6} }

// failures reports whether either family failed.
func (r *Round) failures() bool { return r.Out4|r.Out6 != outcome.OK }

func (r *Round) dur(arm int) float64 {
	if arm == 0 {
		return r.V4
	}
	return r.V6
}

func (r *Round) out(arm int) outcome.Code {
	if arm == 0 {
		return r.Out4
	}
	return r.Out6
}

// Outcome is what one replayed round cost.
type Outcome struct {
	// Arm is the family whose connection served the request: 0 IPv4, 1 IPv6.
	// For a failed request it is the family tried first.
	Arm int
	// Latency is the time in ms from the start of the request to its
	// response: the served family's duration plus the delay before its
	// connection started (0 unless it was a raced second connection). For a
	// failed request it is the time until the client gave up.
	Latency float64
	// Conns is the number of connections opened (1 or 2).
	Conns int
	// Failed is true when no family served the request.
	Failed bool
}

// V4Conns is the number of IPv4 connections opened: the cost Huston counts
// in carrier-grade NAT bindings.
func (o Outcome) V4Conns() int {
	if o.Conns == 2 || o.Arm == 0 {
		return 1
	}
	return 0
}

// attempt plays a client on a round with failures: it starts family p at 0
// and, when fallback allows and p has not finished, the other family at
// delay ms, or at once when p fails at once, or at timeout ms when p fails
// silently and delay is longer. A silent failure is given up timeout ms
// after its start; a failure of the other kind is known at once. On rounds
// where both work it is race(r.dur(p), p, r.dur(1-p), delay).
func attempt(r *Round, p int, delay float64, fallback bool, timeout float64) Outcome {
	s := 1 - p
	op, os := r.out(p), r.out(s)
	if op == outcome.OK {
		dp := r.dur(p)
		if !fallback || dp <= delay {
			return Outcome{Arm: p, Latency: dp, Conns: 1}
		}
		if os == outcome.OK && delay+r.dur(s) < dp {
			return Outcome{Arm: s, Latency: delay + r.dur(s), Conns: 2}
		}
		return Outcome{Arm: p, Latency: dp, Conns: 2}
	}
	failAt := 0.0 // when p's failure is known
	if op.Silent() {
		failAt = timeout
	}
	if !fallback {
		return Outcome{Arm: p, Latency: failAt, Conns: 1, Failed: true}
	}
	start := min(delay, failAt)
	switch {
	case os == outcome.OK:
		return Outcome{Arm: s, Latency: start + r.dur(s), Conns: 2}
	case os.Silent():
		return Outcome{Arm: p, Latency: max(failAt, start+timeout), Conns: 2, Failed: true}
	}
	return Outcome{Arm: p, Latency: max(failAt, start), Conns: 2, Failed: true}
}

// Strategy picks the address family of each round of a replayed pair.
//
// Play is given both families' recorded tests of the round and returns
// what happened; what the strategy learns from the round is its own
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
	Play(r Round) Outcome
	Reset(src Source)
}

// Fixed always uses one family with one connection: Fixed(0) is IPv4,
// Fixed(1) IPv6 (RFC 6724's default preference).
type Fixed int

// Play returns the fixed family; it fails when that family fails.
func (f Fixed) Play(r Round) Outcome {
	if r.failures() {
		return attempt(&r, int(f), 0, false, r.Timeout)
	}
	if f == 0 {
		return Outcome{Arm: 0, Latency: r.V4, Conns: 1}
	}
	return Outcome{Arm: 1, Latency: r.V6, Conns: 1}
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

// Play races the round. When IPv6 fails at once IPv4 starts at once;
// when it fails silently IPv4 starts at Delay.
func (h *HappyEyeballs) Play(r Round) Outcome {
	if r.failures() {
		return attempt(&r, 1, h.Delay, true, r.Timeout)
	}
	return race(r.V6, 1, r.V4, h.Delay)
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
func (Race) Play(r Round) Outcome {
	if r.failures() {
		o := attempt(&r, 1, 0, true, r.Timeout)
		o.Conns = 2
		return o
	}
	if r.V4 < r.V6 {
		return Outcome{Arm: 0, Latency: r.V4, Conns: 2}
	}
	return Outcome{Arm: 1, Latency: r.V6, Conns: 2}
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
	h     history
}

// Play races the round and updates the winner's estimate. A family that
// failed is estimated infinitely slow until it next serves a request.
func (c *RTTCache) Play(r Round) Outcome {
	p := c.h.first()
	head := c.h.est[p]
	if math.IsNaN(head) || math.IsInf(head, 1) {
		head = c.Delay
	}
	var o Outcome
	if r.failures() {
		o = attempt(&r, p, head, true, r.Timeout)
	} else {
		o = race(r.dur(p), p, r.dur(1-p), head)
	}
	c.h.observe(&r, p, o, c.Alpha)
	return o
}

// Reset forgets both estimates.
func (c *RTTCache) Reset(Source) { c.h.reset() }

// history is a per-family EWMA of the durations of the requests each family
// served: NaN before any, +Inf after a failure until the family next
// serves a request.
type history struct{ est [2]float64 }

func (h *history) reset() { h.est = [2]float64{math.NaN(), math.NaN()} }

// first is the family to try first: the lower estimate; IPv6 on a tie or
// when neither is known; a family never observed counts as infinitely
// slow, and one that failed goes after one never tried.
func (h *history) first() int {
	switch e := h.est; {
	case e[0] < e[1]: // NaN (unknown) compares false
		return 0
	case math.IsNaN(e[1]) && !math.IsNaN(e[0]) && !math.IsInf(e[0], 1):
		return 0
	case math.IsInf(e[1], 1) && math.IsNaN(e[0]):
		return 0
	}
	return 1
}

// observe learns from round r, where p started first and o happened: the
// families tried that failed, and the served family's duration.
func (h *history) observe(r *Round, p int, o Outcome, alpha float64) {
	if r.failures() {
		for a := range 2 {
			if (a == p || o.Conns == 2) && r.out(a).Failed() {
				h.est[a] = math.Inf(1)
			}
		}
		if o.Failed {
			return
		}
	}
	a := o.Arm
	d := r.dur(a)
	if e := h.est[a]; math.IsNaN(e) || math.IsInf(e, 1) {
		h.est[a] = d
	} else {
		h.est[a] = e + alpha*(d-e)
	}
}

// Estimates returns the current per-family estimates (NaN: none yet).
func (c *RTTCache) Estimates() [2]float64 { return c.h.est }

// Learner drives a two-arm bandit.Learner with the artefacts' observation
// rule: it sees only the chosen family's duration, and the reward is 1 when
// that duration is no slower than the other family's last observed duration
// (0 before any, and 0 when the chosen family failed).
//
// Plain, it is the paper's DNS steering: the client gets one address, so
// one connection per round and no fallback: when the chosen family fails,
// the request fails (after Timeout when the failure is silent). With
// Fallback the learner only orders the families and Happy Eyeballs keeps
// the other one, started Delay ms later: the paper's suggestion of HE v3
// with an SVCB priority.
type Learner struct {
	b    bandit.Learner
	src  bandit.Source // converted once per Reset, not once per round
	last [2]float64

	Fallback bool
	Delay    float64 // ms, with Fallback
	Timeout  float64 // ms a silent failure costs; 0: the round's
}

// NewLearner returns a strategy that plays b, already Reset with a nil
// source.
func NewLearner(b bandit.Learner) *Learner {
	l := &Learner{b: b}
	l.Reset(nil)
	return l
}

// Play chooses a family, observes its outcome and updates the learner.
func (l *Learner) Play(r Round) Outcome {
	d := [2]float64{r.V4, r.V6}
	arm := l.b.Choose(l.src) & 1
	var o Outcome
	switch {
	case r.failures():
		timeout := r.Timeout
		if l.Timeout > 0 {
			timeout = l.Timeout
		}
		o = attempt(&r, arm, l.Delay, l.Fallback, timeout)
		if r.out(arm).Failed() {
			l.b.Update(arm, 0)
			return o
		}
	case l.Fallback:
		o = race(d[arm], arm, d[1-arm], l.Delay)
	default:
		o = Outcome{Arm: arm, Latency: d[arm], Conns: 1}
	}
	mine := d[arm]
	var reward float64
	if mine <= l.last[1-arm] { // false while NaN: nothing observed yet
		reward = 1
	}
	l.last[arm] = mine
	l.b.Update(arm, reward)
	return o
}

// Reset restarts the learner from its initial state with the source src.
func (l *Learner) Reset(src Source) {
	l.src = src
	l.last = [2]float64{math.NaN(), math.NaN()}
	l.b.Reset()
}
