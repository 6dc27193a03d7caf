package compare

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/afsel/afsel/internal/goldentest"
	"github.com/afsel/afsel/outcome"
	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/policy"
	"github.com/afsel/afsel/replay"
	"github.com/afsel/afsel/stats"
)

// failingProbe is a probe of one pair of n rounds, IPv4 about 40 ms and
// IPv6 about 30 ms, whose IPv6 tests in [from, to) time out.
func failingProbe(id int64, n, from, to int, seed uint64) pairs.Probe {
	v4, v6 := noisy(rand.New(rand.NewPCG(seed, 1)), n, 40, 30, 5)
	o4, o6 := make([]outcome.Code, n), make([]outcome.Code, n)
	for i := from; i < to; i++ {
		o6[i] = outcome.ConnectTimeout
		v6[i] = math.NaN()
	}
	return pairs.Probe{ID: id, Series: []pairs.Series{{Probe: id, Anchor: 6000, V4: v4, V6: v6, Out4: o4, Out6: o6}}}
}

// playFailures replays the probes' successful rows, then the comparison
// with failures, one worker per probe in the order given.
func playFailures(t *testing.T, probes []pairs.Probe, order []int, cfg Config) *FailureResult {
	t.Helper()
	eng, err := replay.NewEngine(replay.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(eng, cfg)
	if err != nil {
		t.Fatal(err)
	}
	res := c.NewFailureResult()
	steps := make([]int64, len(cfg.Specs))
	for _, i := range order {
		p := probes[i]
		ok := pairs.Probe{ID: p.ID}
		for k := range p.Series {
			ok.Series = append(ok.Series, p.Series[k].Succeeded())
		}
		rp, _, err := eng.NewWorker().Probe(context.Background(), &ok, nil)
		if err != nil {
			t.Fatal(err)
		}
		w := c.NewWorker()
		if err := w.Failures(context.Background(), &p, rp); err != nil {
			t.Fatal(err)
		}
		w.TakeFailures(res, steps)
	}
	return res
}

// TestFailuresHandMade checks the pooled metrics against each client's
// cost computed by hand, round by round.
func TestFailuresHandMade(t *testing.T) {
	const n, from, to = 200, 100, 110
	p := failingProbe(1, n, from, to, 7)
	s := &p.Series[0]
	cfg := Config{Specs: mustSpecs(t, "v6,he:chrome,os:windows,best")}
	res := playFailures(t, []pairs.Probe{p}, []int{0}, cfg)
	train := replay.DefaultConfig().Train
	cost := []func(i int) (ms float64, failed bool, conns, v4 int64){
		func(i int) (float64, bool, int64, int64) { // v6
			if i >= from && i < to {
				return 21000, true, 1, 0
			}
			return s.V6[i], false, 1, 0
		},
		func(i int) (float64, bool, int64, int64) { // Chrome: IPv4 300 ms later
			if i >= from && i < to {
				return 300 + s.V4[i], false, 2, 1
			}
			return s.V6[i], false, 1, 0
		},
		func(i int) (float64, bool, int64, int64) { // Windows without HE: IPv4 after 21 s
			if i >= from && i < to {
				return 21000 + s.V4[i], false, 2, 1
			}
			return s.V6[i], false, 1, 0
		},
	}
	all := len(FailureZones) - 1
	for j, f := range cost {
		var sum float64
		var failed, conns, v4, req int64
		for i := train + 1; i < n; i++ {
			ms, fl, c, v := f(i)
			sum += ms
			failed += b2i64(fl)
			conns += c
			v4 += v
			req++
		}
		q := &res.Requests[j][all]
		if q.N != req || q.Failed != failed || q.Conns != conns || q.V4Conns != v4 {
			t.Errorf("%s: N %d failed %d conns %d v4 %d, want %d %d %d %d", res.Labels[j], q.N, q.Failed, q.Conns, q.V4Conns, req, failed, conns, v4)
		}
		if got, want := q.MeanMs(), sum/float64(req); math.Abs(got-want) > 1e-6 {
			t.Errorf("%s: mean %v ms, want %v", res.Labels[j], got, want)
		}
	}
	// The 99th percentile of Chrome's 169 requests is its 168th smallest: a
	// fallback at 300 ms + IPv4.
	if p99 := res.Requests[1][all].Quantile(0.99); p99 < 300+35 || p99 > (300+45)*1.024 {
		t.Errorf("chrome p99 = %v ms", p99)
	}
	// IPv6 alone fails 10 of 169 requests: its p99 is a failure.
	if p99 := res.Requests[0][all].Quantile(0.99); !math.IsInf(p99, 1) {
		t.Errorf("v6 p99 = %v ms, want +Inf", p99)
	}
	if x, y := res.Requests[0][all].CDF(); math.Abs(y[len(y)-1]-159.0/169) > 1e-12 || x[len(x)-1] > 40 {
		t.Errorf("v6 CDF ends at (%v, %v), want 1 - 10/169 within 40 ms", x[len(x)-1], y[len(y)-1])
	}
	if res.Requests[3][all].N != 0 {
		t.Error("the oracle best played")
	}
	rows := res.Rows()
	for _, r := range rows {
		if r.Policy == "best:" || r.Policy == "best" {
			t.Errorf("oracle row %+v", r)
		}
	}
	var buf bytes.Buffer
	if err := WriteFailures(&buf, res); err != nil {
		t.Fatal(err)
	}
	back, err := ReadFailures(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != len(rows) || back[len(back)-1] != rows[len(rows)-1] {
		t.Errorf("round trip:\n%+v\nwant\n%+v", back, rows)
	}
}

// TestFailuresOrderIndependent: the pooled result is the same whatever the
// order of the probes and the worker that plays them.
func TestFailuresOrderIndependent(t *testing.T) {
	probes := []pairs.Probe{failingProbe(1, 300, 10, 40, 1), failingProbe(2, 300, 200, 203, 2), failingProbe(3, 250, 0, 0, 3)}
	cfg := Config{Specs: mustSpecs(t, "v6,he:chrome,steer,exp3he,hev3")}
	a := playFailures(t, probes, []int{0, 1, 2}, cfg)
	b := playFailures(t, probes, []int{2, 0, 1}, cfg)
	if !reflect.DeepEqual(a.Requests, b.Requests) || !bytes.Equal(csvOf(t, a), csvOf(t, b)) {
		t.Errorf("order changed the result:\n%s\n%s", csvOf(t, a), csvOf(t, b))
	}
}

// TestFailuresUnclassified: a pair whose successful rows are too few to
// classify counts in zone 0 (all) only.
func TestFailuresUnclassified(t *testing.T) {
	p := failingProbe(1, 200, 0, 120, 4) // 80 successful rows: not eligible
	res := playFailures(t, []pairs.Probe{p}, []int{0}, Config{Specs: mustSpecs(t, "v6")})
	for z, zone := range FailureZones {
		want := int64(0)
		if zone == 0 {
			want = 1
		}
		if res.Pairs[z] != want {
			t.Errorf("zone %d: %d pairs, want %d", zone, res.Pairs[z], want)
		}
	}
	if got := res.Requests[0][len(FailureZones)-1].FailedShare(); math.Abs(got-float64(120-31)/float64(200-31)) > 1e-12 {
		t.Errorf("failed share %v", got)
	}
	_ = stats.ZoneV6
}

func TestQuantileBins(t *testing.T) {
	var q Requests
	// The longest time a client can wait: two silent failures at the
	// longest timeout, an hour each, then IPv4.
	for _, ms := range []float64{0, 1, 10, 100, 1000, 21000, 7.2e6 + 40} {
		addRequest(&q, policyOutcome(ms))
	}
	for _, tt := range []struct{ p, lo, hi float64 }{{0.1, 0, 0}, {0.5, 100, 100 * 1.016}, {0.8, 21000, 21000 * 1.016}, {1, 7.2e6 + 40, (7.2e6 + 40) * 1.016}} {
		if got := q.Quantile(tt.p); got < tt.lo || got > tt.hi {
			t.Errorf("Quantile(%v) = %v, want in [%v, %v]", tt.p, got, tt.lo, tt.hi)
		}
	}
}

func b2i64(b bool) int64 { return int64(b2i(b)) }

func policyOutcome(ms float64) policy.Outcome { return policy.Outcome{Arm: 1, Latency: ms, Conns: 1} }

func csvOf(t *testing.T, r *FailureResult) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteFailures(&buf, r); err != nil {
		t.Fatal(err)
	}
	if err := WriteFailureCDF(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkFailures replays each policy over the golden set's pairs with
// 1.5% of IPv6 and 0.2% of IPv4 tests failed, on one core, and reports
// steps (rounds x runs) per second: compare with BenchmarkProbe.
func BenchmarkFailures(b *testing.B) {
	probes := goldentest.Probes(b)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range probes {
		for k := range probes[i].Series {
			s := &probes[i].Series[k]
			s.Out4, s.Out6 = make([]outcome.Code, s.Len()), make([]outcome.Code, s.Len())
			for j := range s.Len() {
				if r.Float64() < 0.002 {
					s.Out4[j] = outcome.ConnectTimeout
				}
				if r.Float64() < 0.015 {
					s.Out6[j] = outcome.Codes()[1+r.IntN(5)]
				}
			}
		}
	}
	eng, res := replayed(b, probes)
	for _, spec := range mustSpecs(b, "v6,he,race,rttcache,exp3,ucb1,os,huston,hev3,steer,exp3he") {
		b.Run(spec.Kind, func(b *testing.B) {
			c, err := New(eng, Config{Specs: []policy.Spec{spec}})
			if err != nil {
				b.Fatal(err)
			}
			pw := c.NewWorker()
			fr := c.NewFailureResult()
			steps := make([]int64, 1)
			for b.Loop() {
				for i := range probes {
					if err := pw.Failures(context.Background(), &probes[i], res[i]); err != nil {
						b.Fatal(err)
					}
				}
				pw.TakeFailures(fr, steps)
			}
			b.ReportMetric(float64(steps[0])/b.Elapsed().Seconds(), "steps/s")
		})
	}
}

// replayed replays the rows of probes whose two tests worked with the
// default replay, for the benchmarks' comparisons.
func replayed(b *testing.B, probes []pairs.Probe) (*replay.Engine, [][]replay.Pair) {
	eng, err := replay.NewEngine(replay.DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	w := eng.NewWorker()
	res := make([][]replay.Pair, len(probes))
	for i := range probes {
		ok := pairs.Probe{ID: probes[i].ID}
		for k := range probes[i].Series {
			ok.Series = append(ok.Series, probes[i].Series[k].Succeeded())
		}
		if res[i], _, err = w.Probe(context.Background(), &ok, nil); err != nil {
			b.Fatal(err)
		}
	}
	return eng, res
}

func TestConfigTimeout(t *testing.T) {
	for _, d := range []time.Duration{-time.Second, time.Hour + 1} {
		if err := (Config{Timeout: d}).Validate(); err == nil {
			t.Errorf("timeout %v accepted", d)
		}
	}
	for _, d := range []time.Duration{0, time.Millisecond, time.Hour} {
		if err := (Config{Timeout: d}).Validate(); err != nil {
			t.Errorf("timeout %v: %v", d, err)
		}
	}
}

// TestWriteFailuresLabels: --labels adds zone_label last; the reader reads
// both forms to the same rows.
func TestWriteFailuresLabels(t *testing.T) {
	res := playFailures(t, []pairs.Probe{failingProbe(1, 200, 100, 110, 7)}, []int{0}, Config{Specs: mustSpecs(t, "v6")})
	var plain, labelled bytes.Buffer
	if err := WriteFailures(&plain, res); err != nil {
		t.Fatal(err)
	}
	if err := WriteFailures(&labelled, res, WriteOptions{Labels: true}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(labelled.String()), "\n")
	if !strings.HasSuffix(lines[0], ",zone_label") || !strings.HasSuffix(lines[len(lines)-1], ",all") || !strings.Contains(labelled.String(), ",IPv6 is better\n") {
		t.Errorf("labelled:\n%s", labelled.String())
	}
	a, errA := ReadFailures(bytes.NewReader(plain.Bytes()))
	b, errB := ReadFailures(bytes.NewReader(labelled.Bytes()))
	if errA != nil || errB != nil || len(a) != len(b) || a[len(a)-1] != b[len(b)-1] {
		t.Errorf("read back: %v %v, %d and %d rows", errA, errB, len(a), len(b))
	}
}

// addRequest counts one request into q as Worker.Failures does.
func addRequest(q *Requests, o policy.Outcome) {
	if q.Hist == nil {
		q.Hist = make([]int64, numBins)
	}
	q.N++
	q.Conns += int64(o.Conns)
	q.V4Conns += int64(o.V4Conns())
	q.addSum(uint64(math.Round(o.Latency * 1e6)))
	switch {
	case o.Failed:
		q.Failed++
		q.Hist[failedBin]++
		return
	case o.Latency > SlowMs:
		q.Slow++
	}
	q.Hist[bin(o.Latency)]++
}
