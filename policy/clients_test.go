package policy

import (
	"math"
	"testing"

	"github.com/afsel/afsel/bandit"
	"github.com/afsel/afsel/outcome"
)

// armLearner always chooses one arm and records its rewards.
type armLearner struct {
	arm     int
	rewards []float64
}

func (a *armLearner) Choose(bandit.Source) int     { return a.arm }
func (a *armLearner) Update(_ int, reward float64) { a.rewards = append(a.rewards, reward) }
func (a *armLearner) Reset()                       { a.rewards = nil }

// TestClientsOnFailures plays each client profile on hand-made rounds: a
// silent failure (connect timeout), one known at once (refused), and both
// families failing. The round's Timeout is Windows' 21 s; IPv4 takes 40 ms
// and IPv6 30 ms when they work.
func TestClientsOnFailures(t *testing.T) {
	const (
		to      = outcome.ConnectTimeout
		refused = outcome.ConnectFailed
		rd      = outcome.ReadTimeout
		http    = outcome.HTTPError
	)
	round := func(o4, o6 outcome.Code) Round {
		return Round{V4: 40, V6: 30, Out4: o4, Out6: o6, Timeout: 21000}
	}
	steer := func(arm int) Strategy {
		l := NewLearner(&armLearner{arm: arm})
		l.Timeout = 75000
		return l
	}
	exp3he := func(arm int) Strategy {
		l := NewLearner(&armLearner{arm: arm})
		l.Fallback, l.Delay = true, 250
		return l
	}
	mustNew := func(spec string) func() Strategy {
		return func() Strategy {
			sp, err := Parse(spec)
			if err != nil {
				t.Fatal(err)
			}
			st, err := sp.New()
			if err != nil {
				t.Fatal(err)
			}
			return st
		}
	}
	ok, fail := false, true
	tests := []struct {
		name   string
		st     func() Strategy
		r      Round
		arm    int
		lat    float64
		conns  int
		failed bool
	}{
		// Always IPv6, one address: a failure fails.
		{"v6 works", mustNew("v6"), round(to, 0), 1, 30, 1, ok},
		{"v6 timeout", mustNew("v6"), round(0, to), 1, 21000, 1, fail},
		{"v6 refused", mustNew("v6"), round(0, refused), 1, 0, 1, fail},
		{"v4 read timeout", mustNew("v4"), round(rd, 0), 0, 21000, 1, fail},
		// Chrome: IPv4 300 ms after IPv6, at once when IPv6 is refused.
		{"chrome v6 timeout", mustNew("he:chrome"), round(0, to), 0, 340, 2, ok},
		{"chrome v6 refused", mustNew("he:chrome"), round(0, refused), 0, 40, 2, ok},
		{"chrome v6 http error", mustNew("he:chrome"), round(0, http), 0, 40, 2, ok},
		{"chrome v4 fails unseen", mustNew("he:chrome"), round(to, 0), 1, 30, 1, ok},
		{"chrome both time out", mustNew("he:chrome"), round(to, to), 1, 21300, 2, fail},
		{"chrome v6 timeout v4 refused", mustNew("he:chrome"), round(refused, to), 1, 21000, 2, fail},
		{"chrome both refused", mustNew("he:chrome"), round(refused, refused), 1, 0, 2, fail},
		// Firefox fast-fail: both at once.
		{"race v6 timeout", mustNew("race"), round(0, to), 0, 40, 2, ok},
		{"race both time out", mustNew("race"), round(to, to), 1, 21000, 2, fail},
		// No Happy Eyeballs: IPv4 only once the OS gives up on IPv6.
		{"windows v6 timeout", mustNew("os:windows"), round(0, to), 0, 21040, 2, ok},
		{"macos v6 timeout", mustNew("os:macos"), round(0, to), 0, 75040, 2, ok},
		{"linux v6 timeout", mustNew("os:linux"), round(0, to), 0, 189040, 2, ok},
		{"linux v6 refused", mustNew("os:linux"), round(0, refused), 0, 40, 2, ok},
		{"windows both time out", mustNew("os:windows"), round(to, to), 1, 42000, 2, fail},
		{"windows works", mustNew("os:windows"), round(0, 0), 1, 30, 1, ok},
		// The paper's DNS steering: one address, the OS timeout, then a failure.
		{"steer v6 timeout", func() Strategy { return steer(1) }, round(0, to), 1, 75000, 1, fail},
		{"steer v6 refused", func() Strategy { return steer(1) }, round(0, refused), 1, 0, 1, fail},
		{"steer v4 works", func() Strategy { return steer(0) }, round(0, to), 0, 40, 1, ok},
		// EXP3 ordering with Happy Eyeballs' fallback.
		{"exp3he v6 timeout", func() Strategy { return exp3he(1) }, round(0, to), 0, 290, 2, ok},
		{"exp3he v4 refused", func() Strategy { return exp3he(0) }, round(refused, 0), 1, 30, 2, ok},
		// Huston's proposal: max(300 ms, 2 x estimate); no estimate yet.
		{"huston v6 timeout", mustNew("huston"), round(0, to), 0, 340, 2, ok},
		// HE v3 and Safari: no history yet, IPv6 first, 250 ms.
		{"hev3 v6 timeout", mustNew("hev3"), round(0, to), 0, 290, 2, ok},
		{"rttcache v6 timeout", mustNew("rttcache"), round(0, to), 0, 290, 2, ok},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.st().Play(tt.r)
			want := Outcome{Arm: tt.arm, Latency: tt.lat, Conns: tt.conns, Failed: tt.failed}
			if o != want {
				t.Errorf("Play = %+v, want %+v", o, want)
			}
		})
	}
}

// TestAttemptMatchesRace: on rounds where both work, the failure-aware
// resolution is the race every Happy Eyeballs client plays today.
func TestAttemptMatchesRace(t *testing.T) {
	for _, d4 := range []float64{0, 10, 250, 260, 1000} {
		for _, d6 := range []float64{0, 10, 250, 260, 1000} {
			for _, delay := range []float64{0, 250, 21000} {
				for p := range 2 {
					r := Round{V4: d4, V6: d6, Timeout: 21000}
					if a, b := attempt(&r, p, delay, true, r.Timeout), race(r.dur(p), p, r.dur(1-p), delay); a != b {
						t.Errorf("v4 %v v6 %v delay %v first %d: attempt %+v, race %+v", d4, d6, delay, p, a, b)
					}
				}
			}
		}
	}
}

func TestV4Conns(t *testing.T) {
	for _, tt := range []struct {
		o    Outcome
		want int
	}{
		{Outcome{Arm: 0, Conns: 1}, 1},
		{Outcome{Arm: 1, Conns: 1}, 0},
		{Outcome{Arm: 1, Conns: 2}, 1},
		{Outcome{Arm: 0, Conns: 1, Failed: true}, 1},
	} {
		if got := tt.o.V4Conns(); got != tt.want {
			t.Errorf("%+v.V4Conns() = %d, want %d", tt.o, got, tt.want)
		}
	}
}

// TestLearnersEarnZeroOnFailure: a learner's chosen family failing is
// reward 0, whether or not a fallback served the request.
func TestLearnersEarnZeroOnFailure(t *testing.T) {
	for _, fallback := range []bool{false, true} {
		b := &armLearner{arm: 1}
		l := NewLearner(b)
		l.Fallback = fallback
		l.Play(Round{V4: 40, V6: 30, Out6: outcome.ConnectTimeout, Timeout: 21000})
		l.Play(Round{V4: 40, V6: 30})
		if len(b.rewards) != 2 || b.rewards[0] != 0 {
			t.Errorf("fallback %v: rewards %v, want [0 ...]", fallback, b.rewards)
		}
	}
}

// TestHistoryAvoidsFailedFamily: after IPv6 fails, history-based clients
// try IPv4 first until IPv6 serves again.
func TestHistoryAvoidsFailedFamily(t *testing.T) {
	for _, spec := range []string{"rttcache", "hev3"} {
		sp, _ := Parse(spec)
		st, _ := sp.New()
		st.Play(Round{V4: 40, V6: 30, Out6: outcome.ConnectFailed, Timeout: 21000})
		if o := st.Play(Both(40, 30)); o.Arm != 0 || o.Conns != 1 {
			t.Errorf("%s after an IPv6 failure: %+v, want IPv4 first alone", spec, o)
		}
	}
}

// TestHistoryFirst: the order of families by their estimates, including
// the states failures make.
func TestHistoryFirst(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	for _, tt := range []struct {
		est  [2]float64
		want int
	}{
		{[2]float64{nan, nan}, 1},
		{[2]float64{10, nan}, 0},
		{[2]float64{nan, 10}, 1},
		{[2]float64{10, 20}, 0},
		{[2]float64{20, 10}, 1},
		{[2]float64{10, 10}, 1},
		{[2]float64{nan, inf}, 0}, // failed IPv6 after untried IPv4
		{[2]float64{inf, nan}, 1}, // failed IPv4 after untried IPv6
		{[2]float64{inf, inf}, 1},
		{[2]float64{inf, 10}, 1},
		{[2]float64{10, inf}, 0},
	} {
		h := history{est: tt.est}
		if got := h.first(); got != tt.want {
			t.Errorf("first(%v) = %d, want %d", tt.est, got, tt.want)
		}
	}
}
