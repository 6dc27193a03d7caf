package synth

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/afsel/afsel/outcome"
)

// Mean per-test failure rates of DefaultModel, after APNIC Labs' measurements
// of dual-stack clients (G. Huston, RIPE 71, 2015, and "IPv6 Reliability
// Measurements", RIPE 78, 2019): IPv6 connections failed about 1.6% of the
// time in 2015 and 1.4% in 2019, IPv4 ones about 0.2%, and some networks
// failed 6-10% of their IPv6 connections for years.
const (
	DefaultV4FailRate = 0.002
	DefaultV6FailRate = 0.015
)

// FailKind is a kind of failure and its share of the failures.
type FailKind struct {
	Code  outcome.Code // a failure: not outcome.OK
	Share float64      // >= 0; the shares of a model are normalised
}

// DefaultFailKinds is the mix of shared/golden/public-failures/kinds.json,
// both families pooled (its counts are the shares: "connect: timeout" 1585;
// refused, network unreachable or no route 1054; status 503 502; "timeout
// reading status" 324), with 2% DNS errors, which that set lacks.
func DefaultFailKinds() []FailKind {
	return []FailKind{
		{outcome.ConnectTimeout, 1585},
		{outcome.ConnectFailed, 1054},
		{outcome.HTTPError, 502},
		{outcome.ReadTimeout, 324},
		{outcome.DNSError, 71},
	}
}

func (m Model) validateFailures() error {
	for _, s := range []struct {
		name string
		v    float64
	}{{"V4FailRate", m.V4FailRate}, {"V6FailRate", m.V6FailRate}, {"FailMaxRate", m.FailMaxRate}} {
		if !(s.v >= 0 && s.v < 1) {
			return fmt.Errorf("synth: model %s %v not in [0, 1)", s.name, s.v)
		}
	}
	switch {
	case max(m.V4FailRate, m.V6FailRate) >= m.FailMaxRate:
		return fmt.Errorf("synth: model failure rates %v and %v: want both below FailMaxRate %v", m.V4FailRate, m.V6FailRate, m.FailMaxRate)
	case !(m.FailNetSpread >= 0) || !(m.FailPairSpread >= 0) || math.IsInf(m.FailNetSpread, 0) || math.IsInf(m.FailPairSpread, 0):
		return errors.New("synth: model FailNetSpread and FailPairSpread must be >= 0")
	case !(m.FailBurst >= 1) || math.IsInf(m.FailBurst, 0):
		return fmt.Errorf("synth: model FailBurst %v: want a finite mean run length >= 1", m.FailBurst)
	case m.FailMaxRate > m.FailBurst/(1+m.FailBurst):
		// The run model's stationary rate p needs a start probability
		// p/((1-p)*FailBurst) of at most 1.
		return fmt.Errorf("synth: model FailMaxRate %v above FailBurst/(1+FailBurst) = %.3g, which runs of %v tests cannot reach", m.FailMaxRate, m.FailBurst/(1+m.FailBurst), m.FailBurst)
	case len(m.FailKinds) == 0:
		return errors.New("synth: model FailKinds is empty")
	}
	total := 0.0
	for _, k := range m.FailKinds {
		if !k.Code.Failed() || k.Code >= outcome.Code(len(outcome.Codes())) {
			return fmt.Errorf("synth: model FailKinds: %v is not a failure", k.Code)
		}
		if !(k.Share >= 0) || math.IsInf(k.Share, 0) {
			return fmt.Errorf("synth: model FailKinds: share %v of %v", k.Share, k.Code)
		}
		total += k.Share
	}
	if !(total > 0) {
		return errors.New("synth: model FailKinds: the shares sum to 0")
	}
	return nil
}

// failures draws one probe's failed tests from the probe's own failure
// stream, so that the other draws, and so the rows and the durations, are
// those of the same probe without failures.
type failures struct {
	r     *rand.Rand
	m     *Model
	mu    [2]float64 // log rate before the network and pair terms, per family (Model.failMu)
	net   [2]float64 // the probe's network term, per family
	cum   []float64  // cumulative shares of m.FailKinds, the last 1
	stay  float64    // probability that a run of failures goes on
	state [2]famState
}

// famState is one family's failure process in the current pair: a run of
// failures is a two-state Markov chain whose stationary failure rate is
// the pair's rate.
type famState struct {
	start float64      // probability that a run starts after a test that worked
	rate  float64      // the pair's failure rate
	code  outcome.Code // the current run's kind; OK between runs
	begun bool         // a test of the pair was drawn
}

// failMu returns the log rates before the network and pair terms of
// IPv4 and IPv6: those that give the model's mean rates, cap included.
func (m *Model) failMu() [2]float64 {
	s := math.Hypot(m.FailNetSpread, m.FailPairSpread)
	return [2]float64{cappedMu(m.V4FailRate, s, m.FailMaxRate), cappedMu(m.V6FailRate, s, m.FailMaxRate)}
}

// cappedMu returns mu such that E[min(c, exp(mu + s*Z))] = mean, Z ~ N(0,
// 1), for 0 <= mean < c: without the cap it would be log(mean) - s²/2,
// and the cap takes E[(X-c)+] off the mean (about 3% of it for IPv6 in
// DefaultModel). The capped mean grows with mu, so bisection finds it.
func cappedMu(mean, s, c float64) float64 {
	if mean <= 0 {
		return math.Inf(-1)
	}
	phi := func(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }
	capped := func(mu float64) float64 {
		if s == 0 {
			return min(c, math.Exp(mu))
		}
		lc := math.Log(c)
		// E[X; X < c] + c P(X >= c) for lognormal X.
		return math.Exp(mu+s*s/2)*phi((lc-mu-s*s)/s) + c*(1-phi((lc-mu)/s))
	}
	lo := math.Log(mean) - s*s/2 // capped(lo) <= mean: the uncapped mean is mean
	hi := math.Log(mean)
	for capped(hi) < mean { // ends: capped tends to c > mean
		hi += 1
	}
	for range 100 {
		mid := (lo + hi) / 2
		if capped(mid) < mean {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

func newFailures(cfg *Config, mu [2]float64, probe int) *failures {
	m := &cfg.Model
	f := &failures{r: stream(cfg.Seed, keyFail, uint64(probe)), m: m, mu: mu, stay: 1 - 1/m.FailBurst}
	for i := range f.net {
		f.net[i] = m.FailNetSpread * f.r.NormFloat64()
	}
	total := 0.0
	for _, k := range m.FailKinds {
		total += k.Share
	}
	acc := 0.0
	for _, k := range m.FailKinds {
		acc += k.Share
		f.cum = append(f.cum, acc/total)
	}
	f.cum[len(f.cum)-1] = 1
	return f
}

// pair draws a new pair's rates.
func (f *failures) pair() {
	for i := range f.state {
		p := min(f.m.FailMaxRate, math.Exp(f.mu[i]+f.net[i]+f.m.FailPairSpread*f.r.NormFloat64()))
		f.state[i] = famState{rate: p, start: p / ((1 - p) * f.m.FailBurst)}
	}
}

// test draws the outcomes of the pair's next test, IPv4 then IPv6.
func (f *failures) test() (c4, c6 outcome.Code) {
	return f.next(&f.state[0]), f.next(&f.state[1])
}

func (f *failures) next(s *famState) outcome.Code {
	u := f.r.Float64()
	switch {
	case !s.begun: // the pair's first test fails at the stationary rate
		s.begun = true
		if u < s.rate {
			s.code = f.kind()
		}
	case s.code.Failed():
		if u >= f.stay {
			s.code = outcome.OK
		}
	case u < s.start:
		s.code = f.kind()
	}
	return s.code
}

func (f *failures) kind() outcome.Code {
	u := f.r.Float64()
	for i, c := range f.cum {
		if u < c {
			return f.m.FailKinds[i].Code
		}
	}
	return f.m.FailKinds[len(f.m.FailKinds)-1].Code
}
