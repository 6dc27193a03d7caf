package compare

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/afsel/afsel/changepoint"
	"github.com/afsel/afsel/internal/goldentest"
	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/policy"
	"github.com/afsel/afsel/replay"
	"github.com/afsel/afsel/stats"
	"github.com/afsel/afsel/tables"
)

func mustSpecs(t testing.TB, list string) []policy.Spec {
	t.Helper()
	specs, err := policy.ParseList(list)
	if err != nil {
		t.Fatal(err)
	}
	return specs
}

// probeOf is a one-pair probe.
func probeOf(v4, v6 []float64) pairs.Probe {
	return pairs.Probe{ID: 1, Series: []pairs.Series{{Probe: 1, Anchor: 2, V4: v4, V6: v6}}}
}

// replayOne replays a one-pair probe with the default replay and tables
// configurations and compares cfg's policies on it.
func replayOne(t *testing.T, cfg Config, v4, v6 []float64) (replay.Pair, Pair) {
	t.Helper()
	r := compareAll(t, []pairs.Probe{probeOf(v4, v6)}, []int{0}, tables.DefaultConfig(), cfg, false)
	if len(r.result.Pairs) != 1 {
		t.Fatalf("%d policy pairs", len(r.result.Pairs))
	}
	return r.replay[0], r.result.Pairs[0]
}

func noisy(r *rand.Rand, n int, m4, m6, w float64) (v4, v6 []float64) {
	for range n {
		v4 = append(v4, m4+w*r.Float64())
		v6 = append(v6, m6+w*r.Float64())
	}
	return v4, v6
}

// TestPoliciesConstructed checks the defining properties on one pair: the
// full race and he:delay=0 score as a perfect run of the artefacts' scoring
// ((N-31)/(N-30)) with no regret, the race with 2 connections a round;
// always-IPv6 gains nothing against itself; the artefacts' EXP3 policy
// reproduces the default replay's median_best_choice, gain and regret.
func TestPoliciesConstructed(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	v4, v6 := noisy(r, 300, 100, 95, 50)
	specs := mustSpecs(t, "race,he:delay=0,v6,v4,best,probe,exp3,ts")
	rp, pp := replayOne(t, Config{Specs: specs}, v4, v6)
	n := float64(len(v4))
	perfect := (n - 31) / (n - 30)
	m := pp.Metrics
	if m[0].BestChoice != perfect || m[0].Conns != 2 || m[0].Regret != 0 {
		t.Errorf("race %+v, want best choice %v, 2 connections, no regret", m[0], perfect)
	}
	if m[1].BestChoice != perfect || m[1].Regret != 0 {
		t.Errorf("he:delay=0 %+v, want best choice %v, no regret", m[1], perfect)
	}
	if m[2].GainV6 != 0 || m[2].Conns != 1 {
		t.Errorf("v6 %+v, want no gain and one connection", m[2])
	}
	if m[4] != m[2] && m[4] != m[3] {
		t.Errorf("best %+v is neither v6 %+v nor v4 %+v", m[4], m[2], m[3])
	}
	if rp.Family == "" && !math.IsNaN(m[5].BestChoice) {
		t.Errorf("probe without a family: %+v, want NaN", m[5])
	}
	s := rp.Sims[0]
	if m[6].BestChoice != s.MedianBestChoice || m[6].Regret != s.Regret {
		t.Errorf("exp3 %+v, default replay %+v", m[6], s)
	}
	for j := range m {
		if v := m[j].BestChoice; v > perfect {
			t.Errorf("%s best choice %v above a perfect run", specs[j], v)
		}
	}
}

// TestPoliciesSegments builds a pair whose faster family flips halfway: the
// pair is in Table 2's group A or C, and the race recovers at once.
func TestPoliciesSegments(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	a4, a6 := noisy(r, 300, 50, 100, 20)
	b4, b6 := noisy(r, 300, 100, 50, 20)
	v4, v6 := append(a4, b4...), append(a6, b6...)
	pc := Config{Specs: mustSpecs(t, "race,v4,swucb,exp3"), Segments: true}
	_, pp := replayOne(t, pc, v4, v6)
	if pp.Group == "" || len(pp.Segments) < 2 {
		t.Fatalf("group %q, segments %v: want group A or C", pp.Group, pp.Segments)
	}
	var flip int
	for k, sg := range pp.Segments {
		if k > 0 && sg.Zone == stats.ZoneV6 && pp.Segments[k-1].Zone == stats.ZoneV4 {
			flip = k
		}
	}
	if flip == 0 {
		t.Fatalf("segments %v: no change from zone 1 to 3", pp.Segments)
	}
	if rec := pp.SegMetrics[0][flip].Recover; rec != 0 {
		t.Errorf("race recovers in %v rounds, want 0", rec)
	}
	if rec := pp.SegMetrics[1][flip].Recover; !math.IsInf(rec, 1) {
		t.Errorf("v4 recovers in %v rounds, want never", rec)
	}
	if bc := pp.SegMetrics[1][flip].BestChoice; bc > 0.1 {
		t.Errorf("v4 best choice %v on the IPv6 segment", bc)
	}
	t.Logf("segments %v, change at segment %d", pp.Segments, flip)
	for j, name := range []string{"race", "v4", "swucb", "exp3"} {
		t.Logf("%-6s recover %v rounds, best choice before %.3f after %.3f", name,
			pp.SegMetrics[j][flip].Recover, pp.SegMetrics[j][flip-1].BestChoice, pp.SegMetrics[j][flip].BestChoice)
	}
}

// TestPoliciesOrderIndependent: a randomized policy's result for a pair
// depends only on the pair (its seed hashes seed, probe, anchor, run and
// policy), not on the worker or on what the worker replayed before.
func TestPoliciesOrderIndependent(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var ps []pairs.Probe
	for id := int64(1); id <= 3; id++ {
		v4, v6 := noisy(r, 200, 100, 90+float64(id), 40)
		ps = append(ps, pairs.Probe{ID: id, Series: []pairs.Series{{Probe: id, Anchor: 9, V4: v4, V6: v6}}})
	}
	rcfg := replay.DefaultConfig()
	rcfg.Runs = 11
	eng, err := replay.NewEngine(rcfg)
	if err != nil {
		t.Fatal(err)
	}
	pc := Config{Specs: mustSpecs(t, "ts,exp3ix,exp3s,exp3raw,exp3,rttcache")}
	c, err := New(eng, pc)
	if err != nil {
		t.Fatal(err)
	}
	replayAll := func(order []int) map[int64][]Metrics {
		w, pw := eng.NewWorker(), c.NewWorker()
		out := map[int64][]Metrics{}
		for _, i := range order {
			res, _, err := w.Probe(context.Background(), &ps[i], nil)
			if err != nil {
				t.Fatal(err)
			}
			pres, err := pw.Probe(context.Background(), &ps[i], res, nil)
			if err != nil {
				t.Fatal(err)
			}
			out[ps[i].ID] = pres[0].Metrics
		}
		return out
	}
	a, b := replayAll([]int{0, 1, 2}), replayAll([]int{2, 0, 1})
	for id, m := range a {
		for j := range m {
			if m[j] != b[id][j] {
				t.Errorf("probe %d %s: %+v then %+v", id, pc.Specs[j], m[j], b[id][j])
			}
		}
	}
}

func TestRecoverAt(t *testing.T) {
	for _, c := range []struct {
		arms []int8
		want float64
	}{
		{[]int8{1, 1, 1}, 0},
		{[]int8{0, 1, 0, 1, 1, 1, 0}, 3},
		{[]int8{0, 1, 1, 0}, math.Inf(1)},
	} {
		if got := recoverAt(c.arms, 1, 3); got != c.want {
			t.Errorf("recoverAt(%v) = %v, want %v", c.arms, got, c.want)
		}
	}
}

// pass is what compareAll collects.
type pass struct {
	replay []replay.Pair
	tables []tables.Pair
	result *Result
	steps  int64
}

// compareAll runs the comparison of cfg over probes in the given order, as
// the replay command does: segments and classes from tables with tcfg,
// the default replay, then the policies. Each probe gets fresh workers
// when fresh is set.
func compareAll(t testing.TB, probes []pairs.Probe, order []int, tcfg tables.Config, cfg Config, fresh bool) pass {
	t.Helper()
	eng, err := replay.NewEngine(replay.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(eng, cfg)
	if err != nil {
		t.Fatal(err)
	}
	an, rw, cw := tables.NewAnalyzer(tcfg), eng.NewWorker(), c.NewWorker()
	var out pass
	var cps []Pair
	steps := make([]int64, len(cfg.Specs))
	for _, i := range order {
		if fresh {
			an, rw = tables.NewAnalyzer(tcfg), eng.NewWorker()
			cw.TakeSteps(steps)
			cw = c.NewWorker()
		}
		p := &probes[i]
		tp, err := an.Probe(p)
		if err != nil {
			t.Fatal(err)
		}
		classes := make([]stats.Result, len(tp))
		for k := range tp {
			classes[k] = tp[k].Class
		}
		rp, n, err := rw.Probe(context.Background(), p, classes)
		if err != nil {
			t.Fatal(err)
		}
		cp, err := cw.Probe(context.Background(), p, rp, tp)
		if err != nil {
			t.Fatal(err)
		}
		out.replay, out.tables, out.steps = append(out.replay, rp...), append(out.tables, tp...), out.steps+n
		cps = append(cps, cp...)
	}
	cw.TakeSteps(steps)
	replay.SortPairs(out.replay)
	tables.SortPairs(out.tables)
	out.result = c.Result(cps, steps)
	return out
}

func writeAll(t *testing.T, fs ...func(io.Writer) error) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, f := range fs {
		if err := f(&b); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

func writeOutputs(t *testing.T, r *Result) []byte {
	t.Helper()
	return writeAll(t,
		func(w io.Writer) error { return WritePairs(w, r) },
		func(w io.Writer) error { return WriteSummary(w, r) },
		func(w io.Writer) error { return WriteSegments(w, r) },
		func(w io.Writer) error { return WriteCDF(w, r) })
}

func seq(n int) []int {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	return order
}

// TestPoliciesGolden: on the golden set, the replay with the classes from
// tables equals the replay that classifies itself, the exp3 policy equals the default replay, and
// the policy outputs depend neither on the order of the probes nor on the
// workers that replayed them.
func TestPoliciesGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("golden set")
	}
	probes := goldentest.Probes(t)
	// The replay alone, classifying each pair itself.
	eng, err := replay.NewEngine(replay.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	w := eng.NewWorker()
	var base []replay.Pair
	var baseSteps int64
	for i := range probes {
		rp, n, err := w.Probe(context.Background(), &probes[i], nil)
		if err != nil {
			t.Fatal(err)
		}
		base, baseSteps = append(base, rp...), baseSteps+n
	}
	cfg := Config{Specs: mustSpecs(t, "exp3,he,race,best,probe,ucb1,swucb"), Segments: true}
	order := seq(len(probes))
	a := compareAll(t, probes, order, tables.DefaultConfig(), cfg, false)
	slices.Reverse(order)
	b := compareAll(t, probes, order, tables.DefaultConfig(), cfg, true)

	want := writeAll(t, func(w io.Writer) error { return replay.WriteSimulation(w, base, 0) },
		func(w io.Writer) error { return replay.WriteMetrics(w, base, []float64{0.1}) })
	got := writeAll(t, func(w io.Writer) error { return replay.WriteSimulation(w, a.replay, 0) },
		func(w io.Writer) error { return replay.WriteMetrics(w, a.replay, []float64{0.1}) })
	if !bytes.Equal(got, want) {
		t.Error("the replay with tables' classes differs from the replay that classifies itself")
	}
	if a.steps != baseSteps {
		t.Errorf("steps %d, want %d", a.steps, baseSteps)
	}
	k := 0
	for i := range a.replay {
		if !a.replay[i].Eligible {
			continue
		}
		pp := &a.result.Pairs[k]
		k++
		if pp.Probe != a.replay[i].Probe || pp.Anchor != a.replay[i].Anchor {
			t.Fatalf("policy pair %d is (%d, %d), want (%d, %d)", k, pp.Probe, pp.Anchor, a.replay[i].Probe, a.replay[i].Anchor)
		}
		if got, want := pp.Metrics[0].BestChoice, a.replay[i].Sims[0].MedianBestChoice; got != want {
			t.Errorf("pair (%d, %d): exp3 policy %v, replay %v", pp.Probe, pp.Anchor, got, want)
		}
	}
	if k != len(a.result.Pairs) {
		t.Errorf("%d policy pairs, %d eligible", len(a.result.Pairs), k)
	}
	if !slices.Equal(a.result.Steps, b.result.Steps) {
		t.Errorf("steps per policy %v, then %v", a.result.Steps, b.result.Steps)
	}
	if !bytes.Equal(writeOutputs(t, a.result), writeOutputs(t, b.result)) {
		t.Error("policy outputs differ with the order of the probes and the workers")
	}
}

// TestSegmentsFollowTablesConfig: the non-stationary view takes its
// segments and groups from tables with the caller's PELT configuration
// (the replay command's --pelt-* flags), not from PELT's defaults: every
// pair of groups A and C has the segments tables computes with that
// configuration, and exactly the pairs of tables' groups A and C are there.
func TestSegmentsFollowTablesConfig(t *testing.T) {
	if testing.Short() {
		t.Skip("golden set")
	}
	probes := goldentest.Probes(t)
	cfg := Config{Specs: mustSpecs(t, "best,he"), Segments: true}
	peltWith := func(f func(*changepoint.Config)) tables.Config {
		c := tables.DefaultConfig()
		f(&c.Pelt)
		return c
	}
	tests := []struct {
		name string
		tcfg tables.Config
	}{
		{"default", tables.DefaultConfig()},
		{"penalty 50", peltWith(func(c *changepoint.Config) { c.Penalty = 50 })},
		{"min size 60", peltWith(func(c *changepoint.Config) { c.MinSize = 60 })},
	}
	segmented := map[string]string{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := compareAll(t, probes, seq(len(probes)), tt.tcfg, cfg, false)
			byKey := map[[2]int64]*Pair{}
			for i := range r.result.Pairs {
				p := &r.result.Pairs[i]
				byKey[[2]int64{p.Probe, p.Anchor}] = p
			}
			var b strings.Builder
			for i := range r.tables {
				tp := &r.tables[i]
				if !tp.Eligible {
					continue
				}
				g := tables.Group(tp.Class.Zone, tp.Segments)
				p := byKey[[2]int64{tp.Probe, tp.Anchor}]
				inView := g.A || g.C
				if (p.Group != "") != inView {
					t.Fatalf("pair (%d, %d): group %q, tables' groups %+v", tp.Probe, tp.Anchor, p.Group, g)
				}
				if inView && !slices.Equal(p.Segments, tp.Segments) {
					t.Fatalf("pair (%d, %d): segments %v, tables' %v", tp.Probe, tp.Anchor, p.Segments, tp.Segments)
				}
				if inView {
					fmt.Fprintln(&b, p.Probe, p.Anchor, p.Group, p.Segments)
				}
			}
			segmented[tt.name] = b.String()
		})
	}
	for _, tt := range tests[1:] {
		if segmented[tt.name] == segmented["default"] {
			t.Errorf("%s: the same groups and segments as PELT's defaults; the test shows nothing", tt.name)
		}
	}
}

// TestSummaryRoundTrip: ReadSummary reads back what WriteSummary writes.
func TestSummaryRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	v4, v6 := noisy(r, 200, 100, 95, 50)
	_, pp := replayOne(t, Config{Specs: mustSpecs(t, "v6,probe,exp3")}, v4, v6)
	res := &Result{Labels: []string{"v6", "probe", "exp3"}, Pairs: []Pair{pp}}
	var buf bytes.Buffer
	if err := WriteSummary(&buf, res); err != nil {
		t.Fatal(err)
	}
	got, err := ReadSummary(&buf)
	if err != nil {
		t.Fatal(err)
	}
	want := Summary(res)
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d", len(got), len(want))
	}
	same := func(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }
	for i, w := range want {
		g := got[i]
		if g.Zone != w.Zone || g.Policy != w.Policy || g.Metric != w.Metric || g.Pairs != w.Pairs ||
			!same(g.Q1, w.Q1) || !same(g.Median, w.Median) || !same(g.Q3, w.Q3) || !same(g.Mean, w.Mean) {
			t.Errorf("row %d: read %+v, wrote %+v", i, g, w)
		}
	}
}

func TestReadSummaryErrors(t *testing.T) {
	const head = "zone,policy,metric,pairs,q1,median,q3,mean\n"
	tests := []struct {
		name, in string
	}{
		{"empty", ""},
		{"other header", "figure,panel,series,x,y\n"},
		{"bad zone", head + "4,v6,best_choice,3,1,1,1,1\n"},
		{"bad pairs", head + "all,v6,best_choice,x,1,1,1,1\n"},
		{"bad number", head + "1,v6,best_choice,3,1,one,1,1\n"},
		{"short row", head + "1,v6,best_choice\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ReadSummary(strings.NewReader(tt.in)); err == nil {
				t.Error("no error")
			}
		})
	}
}

// BenchmarkProbe compares each policy over the golden set's pairs on one
// core and reports steps (rounds x runs) per second. The learners with a
// batched path also run through their Strategy (the "strategy" variants).
func BenchmarkProbe(b *testing.B) {
	probes := goldentest.Probes(b)
	eng, res := replayed(b, probes)
	for _, spec := range mustSpecs(b, "v6,best,he,race,rttcache,exp3,exp3raw,exp3ix,exp3s,ucb1,swucb,ducb,ts") {
		for _, off := range []bool{false, true} {
			name := spec.Kind
			if off {
				if spec.Kind != policy.KindExp3 && spec.Kind != policy.KindTS {
					continue
				}
				name += "/strategy"
			}
			b.Run(name, func(b *testing.B) {
				c, err := New(eng, Config{Specs: []policy.Spec{spec}})
				if err != nil {
					b.Fatal(err)
				}
				pw := c.NewWorker()
				pw.batch.off = off
				for b.Loop() {
					for i := range probes {
						if _, err := pw.Probe(context.Background(), &probes[i], res[i], nil); err != nil {
							b.Fatal(err)
						}
					}
				}
				steps := make([]int64, 1)
				pw.TakeSteps(steps)
				b.ReportMetric(float64(steps[0])/b.Elapsed().Seconds(), "steps/s")
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(steps[0]), "ns/step")
			})
		}
	}
}
