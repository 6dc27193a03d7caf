package replay

import (
	"bytes"
	"context"
	"io"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/afsel/afsel/changepoint"
	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/policy"
	"github.com/afsel/afsel/stats"
)

func mustSpecs(t testing.TB, list string) []policy.Spec {
	t.Helper()
	specs, err := policy.ParseList(list)
	if err != nil {
		t.Fatal(err)
	}
	return specs
}

// replayOne replays a one-pair probe with the default replay and pc.
func replayOne(t *testing.T, pc PolicyConfig, v4, v6 []float64) (Pair, PolicyPair) {
	t.Helper()
	if err := pc.Validate(); err != nil {
		t.Fatal(err)
	}
	eng, err := NewEngine(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	p := pairs.Probe{ID: 1, Series: []pairs.Series{{Probe: 1, Anchor: 2, V4: v4, V6: v6}}}
	res, _, err := eng.NewWorker().Probe(context.Background(), &p, nil)
	if err != nil {
		t.Fatal(err)
	}
	pres, err := eng.newPolicyWorker(pc).probe(context.Background(), &p, res)
	if err != nil {
		t.Fatal(err)
	}
	if len(pres) != 1 {
		t.Fatalf("%d policy pairs", len(pres))
	}
	return res[0], pres[0]
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
	rp, pp := replayOne(t, PolicyConfig{Specs: specs}, v4, v6)
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
	pc := PolicyConfig{Specs: mustSpecs(t, "race,v4,swucb,exp3"), Segments: true, Pelt: changepoint.DefaultConfig()}
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
	cfg := DefaultConfig()
	cfg.Runs = 11
	eng, err := NewEngine(cfg)
	if err != nil {
		t.Fatal(err)
	}
	pc := PolicyConfig{Specs: mustSpecs(t, "ts,exp3ix,exp3s,exp3raw,exp3,rttcache")}
	replayAll := func(order []int) map[int64][]PolicyMetrics {
		w, pw := eng.NewWorker(), eng.newPolicyWorker(pc)
		out := map[int64][]PolicyMetrics{}
		for _, i := range order {
			res, _, err := w.Probe(context.Background(), &ps[i], nil)
			if err != nil {
				t.Fatal(err)
			}
			pres, err := pw.probe(context.Background(), &ps[i], res)
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

func goldenOpener() (ingest.Reader, error) {
	return ingest.Open("../testdata/golden/data.csv.gz", ingest.Options{})
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

// TestPoliciesGolden: on the golden set, adding policies leaves the default
// outputs unchanged, the exp3 policy equals the default replay, and the
// policy outputs do not depend on the number of workers.
func TestPoliciesGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("golden set")
	}
	cfg := DefaultConfig()
	cfg.Workers = 2
	base, err := Run(context.Background(), goldenOpener, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	pc := PolicyConfig{Specs: mustSpecs(t, "exp3,he,race,best,probe,ucb1,swucb"), Segments: true, Pelt: changepoint.DefaultConfig()}
	var outs [][]byte
	for _, workers := range []int{1, 2} {
		cfg.Workers = workers
		res, pres, err := RunWithPolicies(context.Background(), goldenOpener, cfg, pc, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := writeAll(t, func(w io.Writer) error { return WriteSimulation(w, base.Pairs, 0) },
			func(w io.Writer) error { return WriteMetrics(w, base.Pairs, cfg.Gammas) })
		got := writeAll(t, func(w io.Writer) error { return WriteSimulation(w, res.Pairs, 0) },
			func(w io.Writer) error { return WriteMetrics(w, res.Pairs, cfg.Gammas) })
		if !bytes.Equal(got, want) {
			t.Errorf("workers %d: default outputs differ with policies", workers)
		}
		if res.Steps != base.Steps {
			t.Errorf("steps %d, want %d", res.Steps, base.Steps)
		}
		k := 0
		for i := range res.Pairs {
			if !res.Pairs[i].Eligible {
				continue
			}
			pp := &pres.Pairs[k]
			k++
			if pp.Probe != res.Pairs[i].Probe || pp.Anchor != res.Pairs[i].Anchor {
				t.Fatalf("policy pair %d is (%d, %d), want (%d, %d)", k, pp.Probe, pp.Anchor, res.Pairs[i].Probe, res.Pairs[i].Anchor)
			}
			if got, want := pp.Metrics[0].BestChoice, res.Pairs[i].Sims[0].MedianBestChoice; got != want {
				t.Errorf("pair (%d, %d): exp3 policy %v, replay %v", pp.Probe, pp.Anchor, got, want)
			}
		}
		if k != len(pres.Pairs) {
			t.Errorf("%d policy pairs, %d eligible", len(pres.Pairs), k)
		}
		outs = append(outs, writeAll(t,
			func(w io.Writer) error { return WritePolicyPairs(w, pres) },
			func(w io.Writer) error { return WritePolicySummary(w, pres) },
			func(w io.Writer) error { return WritePolicySegments(w, pres) },
			func(w io.Writer) error { return WritePolicyCDF(w, pres) }))
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Error("policy outputs differ between 1 and 2 workers")
	}
}

// BenchmarkPolicies replays the golden set's pairs with each policy on one
// core and reports steps (rounds x runs) per second.
func BenchmarkPolicies(b *testing.B) {
	probes := loadGolden(b)
	eng, err := NewEngine(DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	w := eng.NewWorker()
	res := make([][]Pair, len(probes))
	for i := range probes {
		if res[i], _, err = w.Probe(context.Background(), &probes[i], nil); err != nil {
			b.Fatal(err)
		}
	}
	for _, spec := range mustSpecs(b, "v6,best,he,race,rttcache,exp3,exp3raw,exp3ix,exp3s,ucb1,swucb,ducb,ts") {
		b.Run(spec.Kind, func(b *testing.B) {
			pw := eng.newPolicyWorker(PolicyConfig{Specs: []policy.Spec{spec}})
			for b.Loop() {
				for i := range probes {
					if _, err := pw.probe(context.Background(), &probes[i], res[i]); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(pw.steps[0])/b.Elapsed().Seconds(), "steps/s")
		})
	}
}
