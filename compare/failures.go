package compare

import (
	"context"
	"math"
	"math/bits"
	"time"

	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/policy"
	"github.com/afsel/afsel/replay"
	"github.com/afsel/afsel/stats"
)

// DefaultTimeout is the OS connect timeout of a comparison with failures
// when Config.Timeout is 0: Windows' 21 s, the shortest Huston measured.
const DefaultTimeout = policy.TimeoutWindows

// MaxTimeout bounds Config.Timeout, as policies bound theirs.
const MaxTimeout = time.Hour

// SlowMs is the time above which a served request counts as slow.
const SlowMs = 1000

// FailureZones are the zones a comparison with failures reports, in order:
// the three zones, then 0 for all pairs (including those whose successful
// tests are too few to classify).
var FailureZones = []stats.Zone{stats.ZoneV4, stats.ZoneNone, stats.ZoneV6, 0}

// Histogram bins: bin 0 holds 0 ms (and anything below 2^minExp ms);
// then subBins bins an octave, read off the float's exponent and top
// mantissa bits (0.8% to 1.6% wide), up to 2^maxExp ms (longer times in the last
// of them); bin failedBin holds the failed requests, which never get a
// response: they are the slowest of all.
const (
	subBits   = 6
	subBins   = 1 << subBits
	minExp    = -10 // 2^-10 ms, about 1 us
	maxExp    = 23  // 2^23 ms, 2.3 hours: two silent failures at the longest timeout, an hour
	timeBins  = 1 + (maxExp-minExp)*subBins
	failedBin = timeBins
	numBins   = timeBins + 1
)

// binBase is the float64 bits of 2^minExp, shifted as bin shifts.
const binBase = uint64(1023+minExp) << subBits

func bin(ms float64) int {
	if !(ms >= 0x1p-10) { // also 0 and NaN
		return 0
	}
	k := math.Float64bits(ms)>>(52-subBits) - binBase + 1
	return int(min(k, timeBins-1))
}

// binUpper is the upper edge of bin k, ms (+Inf for failures).
func binUpper(k int) float64 {
	switch k {
	case 0:
		return 0
	case failedBin:
		return math.Inf(1)
	}
	return math.Float64frombits((uint64(k) + binBase) << (52 - subBits))
}

// Requests is one policy's requests in one zone, pooled over pairs and
// (for randomized policies) runs: every scored round of every run is a
// request. In the mean a failed request counts at the time the client gave
// up; in the quantiles and the distribution it never gets a response.
type Requests struct {
	N, Failed, Slow int64
	Conns, V4Conns  int64
	sumNs           [2]uint64 // 128-bit sum of times in ns: exact, so merge order does not matter
	Hist            []int64   // counts per bin (see Quantile)
}

func (q *Requests) addSum(ns uint64) {
	var carry uint64
	q.sumNs[0], carry = bits.Add64(q.sumNs[0], ns, 0)
	q.sumNs[1] += carry
}

func (q *Requests) merge(o *Requests) {
	q.N += o.N
	q.Failed += o.Failed
	q.Slow += o.Slow
	q.Conns += o.Conns
	q.V4Conns += o.V4Conns
	var carry uint64
	q.sumNs[0], carry = bits.Add64(q.sumNs[0], o.sumNs[0], 0)
	q.sumNs[1] += o.sumNs[1] + carry
	if o.Hist != nil {
		if q.Hist == nil {
			q.Hist = make([]int64, numBins)
		}
		for k, n := range o.Hist {
			q.Hist[k] += n
		}
	}
}

func (q *Requests) ratio(k int64) float64 {
	if q.N == 0 {
		return math.NaN()
	}
	return float64(k) / float64(q.N)
}

// MeanMs is the mean time per request, failures included at the time the
// client gave up (to the ns).
func (q *Requests) MeanMs() float64 {
	if q.N == 0 {
		return math.NaN()
	}
	hi, lo := q.sumNs[1], q.sumNs[0]
	return (float64(hi)*0x1p64 + float64(lo)) / 1e6 / float64(q.N)
}

// FailedShare is the share of requests that failed.
func (q *Requests) FailedShare() float64 { return q.ratio(q.Failed) }

// SlowShare is the share of requests served in more than SlowMs.
func (q *Requests) SlowShare() float64 { return q.ratio(q.Slow) }

// ConnsPerRequest is the connections opened per request.
func (q *Requests) ConnsPerRequest() float64 { return q.ratio(q.Conns) }

// V4ConnsPerRequest is the IPv4 connections opened per request.
func (q *Requests) V4ConnsPerRequest() float64 { return q.ratio(q.V4Conns) }

// Quantile is the upper edge of the histogram bin holding the p-quantile
// of the times to a response (bins are at most 1.6% wide), +Inf when
// it falls among the failed requests, NaN without requests.
func (q *Requests) Quantile(p float64) float64 {
	if q.N == 0 {
		return math.NaN()
	}
	need := int64(math.Ceil(p * float64(q.N)))
	var c int64
	for k, n := range q.Hist {
		if c += n; c >= max(need, 1) {
			return binUpper(k)
		}
	}
	return binUpper(failedBin)
}

// CDF returns the distribution of the times to a response as points (upper
// edge of a non-empty bin, share of requests answered within that), in
// increasing order; it ends at 1 minus the failed share.
func (q *Requests) CDF() (x, y []float64) {
	var c int64
	for k, n := range q.Hist[:timeBins] {
		if n == 0 {
			continue
		}
		c += n
		x = append(x, binUpper(k))
		y = append(y, float64(c)/float64(q.N))
	}
	return x, y
}

// FailureResult is a comparison with failed tests kept: per policy (in the
// order of Labels) and zone (FailureZones), the requests.
type FailureResult struct {
	Labels   []string
	Timeout  time.Duration
	Pairs    []int64      // pairs per zone
	Requests [][]Requests // [policy][zone]
}

func newFailureResult(labels []string) *FailureResult {
	r := &FailureResult{Labels: labels, Pairs: make([]int64, len(FailureZones)), Requests: make([][]Requests, len(labels))}
	for j := range r.Requests {
		r.Requests[j] = make([]Requests, len(FailureZones))
	}
	return r
}

func zoneIndex(z stats.Zone) int {
	for i, fz := range FailureZones {
		if fz == z {
			return i
		}
	}
	return -1
}

// NewFailureResult returns an empty result for the comparer's policies,
// which TakeFailures fills.
func (c *Comparer) NewFailureResult() *FailureResult {
	r := newFailureResult(c.labels)
	r.Timeout = c.timeout()
	return r
}

func (c *Comparer) timeout() time.Duration {
	if c.cfg.Timeout > 0 {
		return c.cfg.Timeout
	}
	return DefaultTimeout
}

// Failures replays the policies over the pairs of p, a probe whose series
// keep their failed tests, that have at least the replay's MinTests rows.
// rp is the replay of the same probe's successful tests (the series in the
// same order), which gives each pair's zone; a pair whose successful tests
// are too few to classify counts only in zone 0 (all). The oracles (best,
// probe) are left out: they are not clients. What it plays accumulates in
// the worker until TakeFailures.
func (w *Worker) Failures(ctx context.Context, p *pairs.Probe, rp []replay.Pair) error {
	if len(rp) != len(p.Series) {
		panic("compare: replay pairs do not match the probe's series")
	}
	if w.fail == nil {
		w.fail = newFailureResult(w.labels)
	}
	timeout := float64(w.timeout) / float64(time.Millisecond)
	for i := range p.Series {
		s := &p.Series[i]
		if s.Len() < w.cfg.MinTests {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		// A worker counts each pair in one slot: its zone, or the last
		// slot when unclassified; TakeFailures adds every slot to "all".
		zone := len(FailureZones) - 1
		if rp[i].Eligible {
			zone = zoneIndex(rp[i].Class.Zone)
		}
		w.fail.Pairs[zone]++
		for j, sp := range w.pc.Specs {
			st := w.strats[j]
			if st == nil {
				continue
			}
			runs := 1
			if sp.Randomized() {
				runs = w.cfg.Runs
			}
			q := &w.fail.Requests[j][zone]
			if q.Hist == nil {
				q.Hist = make([]int64, numBins)
			}
			hist := q.Hist[:numBins]
			var n, failed, slow, conns, v4 int64
			for run := range runs {
				var sumNs uint64 // a run of a pair fits: 2^64 ns is 584 years
				var src policy.Source
				if sp.Randomized() {
					h1, h2 := runSeed(w.cfg.Seed, s.Probe, s.Anchor, run, sp.String()+" with failures")
					w.pcg.Seed(h1, h2)
					src = w.rng
				}
				st.Reset(src)
				for k := range s.Len() {
					r := policy.Round{V4: s.V4[k], V6: s.V6[k], Timeout: timeout}
					if s.Out4 != nil {
						r.Out4, r.Out6 = s.Out4[k], s.Out6[k]
					}
					o := st.Play(r)
					if k <= w.cfg.Train {
						continue
					}
					n++
					conns += int64(o.Conns)
					v4 += int64(o.V4Conns())
					sumNs += uint64(math.Round(o.Latency * 1e6))
					switch {
					case o.Failed:
						failed++
						hist[failedBin]++
						continue
					case o.Latency > SlowMs:
						slow++
					}
					hist[bin(o.Latency)]++
				}
				q.addSum(sumNs)
			}
			q.N += n
			q.Failed += failed
			q.Slow += slow
			q.Conns += conns
			q.V4Conns += v4
			w.failSteps[j] += int64(runs * s.Len())
		}
	}
	return nil
}

// TakeFailures merges what the worker played since its last call into dst
// and adds its rounds per policy to steps (rounds x runs).
func (w *Worker) TakeFailures(dst *FailureResult, steps []int64) {
	if f := w.fail; f != nil {
		all := len(FailureZones) - 1
		for z := range f.Pairs {
			if z != all {
				dst.Pairs[z] += f.Pairs[z]
			}
			dst.Pairs[all] += f.Pairs[z]
		}
		for j := range f.Requests {
			for z := range f.Requests[j] {
				if z != all {
					dst.Requests[j][z].merge(&f.Requests[j][z])
				}
				dst.Requests[j][all].merge(&f.Requests[j][z])
			}
		}
		w.fail = nil
	}
	for j, s := range w.failSteps {
		steps[j] += s
	}
	clear(w.failSteps)
}
