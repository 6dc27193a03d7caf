package compare

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/afsel/afsel/internal/goldentest"
	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/replay"
	"github.com/afsel/afsel/stats"
	"github.com/afsel/afsel/tables"
)

// batchedSpecs are the policies with a batched path, among others that
// keep the Strategy path.
const batchedSpecs = "v6,best,he,race,rttcache,exp3,exp3:gamma=0.3,ucb1,ts"

// compareBatched compares the policies of list over probes with the
// batched paths on or off, and with the replay worker's EXP3 arms shared
// (ShareReplay) or not.
func compareBatched(t testing.TB, probes []pairs.Probe, list string, runs int, off, share bool) []Pair {
	t.Helper()
	rcfg := replay.DefaultConfig()
	rcfg.Runs = runs
	eng, err := replay.NewEngine(rcfg)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(eng, Config{Specs: mustSpecs(t, list), Segments: true})
	if err != nil {
		t.Fatal(err)
	}
	an, rw, cw := tables.NewAnalyzer(tables.DefaultConfig()), eng.NewWorker(), c.NewWorker()
	cw.batch.off = off
	if share {
		cw.ShareReplay(rw)
	}
	var out []Pair
	for i := range probes {
		tp, err := an.Probe(&probes[i])
		if err != nil {
			t.Fatal(err)
		}
		classes := make([]stats.Result, len(tp))
		for k := range tp {
			classes[k] = tp[k].Class
		}
		rp, _, err := rw.Probe(context.Background(), &probes[i], classes)
		if err != nil {
			t.Fatal(err)
		}
		cp, err := cw.Probe(context.Background(), &probes[i], rp, tp)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, cp...)
	}
	return out
}

// samePairs reports the first difference between two comparisons, every
// number compared bit for bit.
func samePairs(t *testing.T, got, want []Pair, labels []string) {
	t.Helper()
	same := func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }
	if len(got) != len(want) {
		t.Fatalf("%d pairs, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := &got[i], &want[i]
		if g.Probe != w.Probe || g.Anchor != w.Anchor || g.Group != w.Group || len(g.Metrics) != len(w.Metrics) || len(g.SegMetrics) != len(w.SegMetrics) {
			t.Fatalf("pair %d: (%d, %d) group %q, want (%d, %d) group %q", i, g.Probe, g.Anchor, g.Group, w.Probe, w.Anchor, w.Group)
		}
		for j := range w.Metrics {
			gm, wm := g.Metrics[j], w.Metrics[j]
			if !same(gm.BestChoice, wm.BestChoice) || !same(gm.MeanMs, wm.MeanMs) || !same(gm.GainV6, wm.GainV6) ||
				!same(gm.Regret, wm.Regret) || !same(gm.Conns, wm.Conns) {
				t.Fatalf("pair (%d, %d) %s: batched %+v, strategy %+v", w.Probe, w.Anchor, labels[j], gm, wm)
			}
		}
		for j := range w.SegMetrics {
			for k := range w.SegMetrics[j] {
				gs, ws := g.SegMetrics[j][k], w.SegMetrics[j][k]
				if !same(gs.BestChoice, ws.BestChoice) || !same(gs.Recover, ws.Recover) {
					t.Fatalf("pair (%d, %d) %s segment %d: batched %+v, strategy %+v", w.Probe, w.Anchor, labels[j], k, gs, ws)
				}
			}
		}
	}
}

// TestBatchedMatchesStrategies: the batched learners give every metric of
// the Strategy path bit for bit, on random pairs (stationary, with a change
// of the faster family, with ties) and run counts that leave part of the
// vector kernel's last group of runs unused.
func TestBatchedMatchesStrategies(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	var probes []pairs.Probe
	for id := int64(1); id <= 12; id++ {
		var ss []pairs.Series
		for a := int64(1); a <= 3; a++ {
			n := 160 + r.IntN(300)
			var v4, v6 []float64
			switch (id + a) % 4 {
			case 0: // stationary
				v4, v6 = noisy(r, n, 100, 90+20*r.Float64(), 40)
			case 1: // the faster family flips
				a4, a6 := noisy(r, n/2, 50, 100, 20)
				b4, b6 := noisy(r, n-n/2, 100, 50, 20)
				v4, v6 = append(a4, b4...), append(a6, b6...)
			case 2: // ties
				for range n {
					v4, v6 = append(v4, float64(40+r.IntN(4))), append(v6, float64(40+r.IntN(4)))
				}
			default: // heavy tails
				for range n {
					v4, v6 = append(v4, 10/(r.Float64()+1e-3)), append(v6, 12/(r.Float64()+1e-3))
				}
			}
			ss = append(ss, pairs.Series{Probe: id, Anchor: a, V4: v4, V6: v6})
		}
		probes = append(probes, pairs.Probe{ID: id, Series: ss})
	}
	labels := mustLabels(t, batchedSpecs)
	for _, runs := range []int{100, 7, 1} {
		want := compareBatched(t, probes, batchedSpecs, runs, true, false)
		for _, share := range []bool{false, true} {
			got := compareBatched(t, probes, batchedSpecs, runs, false, share)
			samePairs(t, got, want, labels)
		}
	}
}

// TestBatchedGolden: the same on the golden set.
func TestBatchedGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("golden set")
	}
	probes := goldentest.Probes(t)
	want := compareBatched(t, probes, batchedSpecs, 100, true, false)
	for _, share := range []bool{false, true} {
		got := compareBatched(t, probes, batchedSpecs, 100, false, share)
		samePairs(t, got, want, mustLabels(t, batchedSpecs))
	}
}

func mustLabels(t testing.TB, list string) []string {
	t.Helper()
	var l []string
	for _, sp := range mustSpecs(t, list) {
		l = append(l, sp.String())
	}
	return l
}
