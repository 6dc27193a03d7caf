package policy

import "math"

// Sequential is a client without Happy Eyeballs: it connects to IPv6 and
// tries IPv4 only once the OS has given up on IPv6 (Huston's "Dual Stack
// Esotropia" measured 21 s on Windows, 75 s on macOS and FreeBSD, 96 s or
// 189 s on Linux). A failure known at once (refused, unreachable) moves on
// at once.
type Sequential struct {
	Timeout float64 // the OS's connect timeout, ms
}

// Play plays the round.
func (q *Sequential) Play(r Round) Outcome {
	if r.failures() {
		return attempt(&r, 1, q.Timeout, true, q.Timeout)
	}
	return race(r.V6, 1, r.V4, q.Timeout)
}

// Reset does nothing.
func (*Sequential) Reset(Source) {}

// Huston is the failover Huston proposed in "Bemused Eyeballs" (2012):
// IPv6 first, IPv4 after max(Min, Factor × the IPv6 estimate), which
// balances speed against the NAT bindings a second connection costs. The
// estimate is an EWMA (weight Alpha) of the IPv6 requests' durations, as
// the replay has request times rather than round-trip times.
type Huston struct {
	Min    float64 // ms
	Factor float64
	Alpha  float64
	est    float64 // NaN before any IPv6 request served
}

// Play plays the round and learns from IPv6's duration when IPv6 served.
func (h *Huston) Play(r Round) Outcome {
	delay := h.Min
	if !math.IsNaN(h.est) {
		delay = max(h.Min, h.Factor*h.est)
	}
	var o Outcome
	if r.failures() {
		o = attempt(&r, 1, delay, true, r.Timeout)
	} else {
		o = race(r.V6, 1, r.V4, delay)
	}
	if !o.Failed && o.Arm == 1 {
		if math.IsNaN(h.est) {
			h.est = r.V6
		} else {
			h.est += h.Alpha * (r.V6 - h.est)
		}
	}
	return o
}

// Reset forgets the estimate.
func (h *Huston) Reset(Source) { h.est = math.NaN() }

// HEv3 follows the Happy Eyeballs v3 draft's history-based sorting: the
// family whose past requests were faster (an EWMA with weight Alpha; a
// family that failed goes last until it serves again) starts first and the
// other follows after Delay; every Every-th round the order is reversed, so
// that the family behind is still explored.
type HEv3 struct {
	Delay float64 // ms
	Alpha float64
	Every int
	h     history
	n     int
}

// Play plays the round.
func (v *HEv3) Play(r Round) Outcome {
	p := v.h.first()
	if v.n++; v.Every > 0 && v.n%v.Every == 0 {
		p = 1 - p
	}
	var o Outcome
	if r.failures() {
		o = attempt(&r, p, v.Delay, true, r.Timeout)
	} else {
		o = race(r.dur(p), p, r.dur(1-p), v.Delay)
	}
	v.h.observe(&r, p, o, v.Alpha)
	return o
}

// Reset forgets the history.
func (v *HEv3) Reset(Source) { v.h.reset(); v.n = 0 }
