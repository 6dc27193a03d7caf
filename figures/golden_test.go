package figures

import (
	"bytes"
	"context"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/afsel/afsel/changepoint"
	"github.com/afsel/afsel/internal/figtest"
	"github.com/afsel/afsel/internal/goldentest"
	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/replay"
	"github.com/afsel/afsel/stats"
	"github.com/afsel/afsel/tables"
)

// ourOutputs runs tables and replay on the golden set and reads their CSV
// outputs back, as the command does.
func ourOutputs(t *testing.T) ([]replay.Pair, []tables.Pair, []tables.Pair) {
	t.Helper()
	ctx := context.Background()
	eng, err := replay.NewEngine(replay.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	an, w := tables.NewAnalyzer(tables.DefaultConfig()), eng.NewWorker()
	var rps []replay.Pair
	var tps []tables.Pair
	probes := goldentest.Probes(t)
	for i := range probes {
		tp, err := an.Probe(&probes[i])
		if err != nil {
			t.Fatal(err)
		}
		rp, _, err := w.Probe(ctx, &probes[i], nil)
		if err != nil {
			t.Fatal(err)
		}
		tps, rps = append(tps, tp...), append(rps, rp...)
	}
	var sb, fb, cb bytes.Buffer
	if err := replay.WriteSimulation(&sb, rps, 0); err != nil {
		t.Fatal(err)
	}
	if err := tables.WriteFlows(&fb, tps); err != nil {
		t.Fatal(err)
	}
	if err := tables.WriteChangePoints(&cb, tps); err != nil {
		t.Fatal(err)
	}
	sim, err := replay.ReadSimulation(&sb)
	if err != nil {
		t.Fatal(err)
	}
	flows, err := tables.ReadFlows(&fb)
	if err != nil {
		t.Fatal(err)
	}
	cps, err := tables.ReadChangePoints(&cb)
	if err != nil {
		t.Fatal(err)
	}
	return sim, flows, cps
}

// TestFigure4Golden: Figure 4 and the coverage computed from our outputs
// equal, curve for curve and point for point, the same computed from the
// artefacts' ripe_simulation.csv (pandas index, zone as 1.0, NaN empty,
// completion order). The best_path grouping is checked against
// ripe_flows.csv.
func TestFigure4Golden(t *testing.T) {
	sim, flows, cps := ourOutputs(t)
	if err := CheckConsistent(sim, flows, cps); err != nil {
		t.Fatal(err)
	}
	art := figtest.Golden(t, "ripe_simulation.csv", func(f *os.File) ([]replay.Pair, error) { return replay.ReadSimulation(f) })
	artFlows := figtest.Golden(t, "ripe_flows.csv", func(f *os.File) ([]tables.Pair, error) { return tables.ReadFlows(f) })
	if len(art) != len(sim) {
		t.Fatalf("%d pairs, artefacts %d", len(sim), len(art))
	}
	zone := make(map[pairs.Key]string)
	for _, p := range art {
		if p.Eligible {
			zone[p.Key()] = p.Class.Zone.BestPath()
		}
	}
	for _, f := range artFlows {
		if bp, ok := zone[f.Key()]; ok && bp != f.Class.Zone.BestPath() {
			t.Errorf("pair %v: zone gives best_path %q, ripe_flows.csv %q", f.Key(), bp, f.Class.Zone.BestPath())
		}
	}

	got, want := Figure4(sim), Figure4(art)
	if got.Pairs != 644 || want.Pairs != 644 {
		t.Errorf("eligible pairs %d and %d, want 644", got.Pairs, want.Pairs)
	}
	if len(got.Curves) != 27 || len(want.Curves) != 27 {
		t.Fatalf("%d and %d curves, want 27", len(got.Curves), len(want.Curves))
	}
	for i := range got.Curves {
		g, w := got.Curves[i], want.Curves[i]
		if g.Panel != w.Panel || g.Series() != w.Series() {
			t.Fatalf("curve %d: %s %s vs %s %s", i, g.Panel, g.Series(), w.Panel, w.Series())
		}
		if g.E.N != w.E.N || !slices.Equal(g.E.X, w.E.X) || !slices.Equal(g.E.P, w.E.P) {
			t.Errorf("%s %s: %d points over %d pairs, artefacts %d over %d, or values differ", g.Panel, g.Series(), len(g.E.X), g.E.N, len(w.E.X), w.E.N)
		}
		if g.E.N == 0 {
			t.Errorf("%s %s: empty curve", g.Panel, g.Series())
		}
	}
	// Zone sizes of the golden set (Table 1) and the NaN exclusion.
	for i, n := range []int{193, 236, 215} {
		if c := got.Panel("choice")[3*i]; c.E.N != n {
			t.Errorf("%s: %d pairs, want %d", c.Series(), c.E.N, n)
		}
	}
	var noFamily int
	for _, p := range sim {
		if p.Eligible && math.IsNaN(p.BestPathChoice) {
			noFamily++
		}
	}
	var probeCurves int
	for _, c := range got.Panel("choice") {
		if c.Strategy == Strategies[2] {
			probeCurves += c.E.N
		}
	}
	if noFamily != 441 || probeCurves != 644-441 {
		t.Errorf("pairs without probe family %d (want 441, the replay summary's), best-for-probe curves hold %d (want %d)", noFamily, probeCurves, 644-441)
	}

	gc, wc := ComputeCoverage(sim), ComputeCoverage(art)
	if gc.MedianFamily != wc.MedianFamily || gc.MedianFamilyNone != wc.MedianFamilyNone || !slices.Equal(gc.Family.X, wc.Family.X) || !slices.Equal(gc.FamilyNone.P, wc.FamilyNone.P) {
		t.Errorf("coverage differs: medians %v %v vs %v %v", gc.MedianFamily, gc.MedianFamilyNone, wc.MedianFamily, wc.MedianFamilyNone)
	}
	if len(gc.Probes) != 207 {
		t.Errorf("%d probes with eligible pairs, want 207", len(gc.Probes))
	}
}

func TestCoverageHand(t *testing.T) {
	sim := []replay.Pair{
		{Probe: 1, Anchor: 10, Eligible: true, Class: stats.Result{Zone: 1}},
		{Probe: 1, Anchor: 11, Eligible: true, Class: stats.Result{Zone: 1}},
		{Probe: 1, Anchor: 12, Eligible: true, Class: stats.Result{Zone: 2}},
		{Probe: 1, Anchor: 13, Eligible: true, Class: stats.Result{Zone: 3}},
		{Probe: 1, Anchor: 14}, // ineligible: not counted
		{Probe: 2, Anchor: 10, Eligible: true, Class: stats.Result{Zone: 2}},
		{Probe: 3, Anchor: 10, Eligible: true, Class: stats.Result{Zone: 3}},
		{Probe: 3, Anchor: 11, Eligible: true, Class: stats.Result{Zone: 1}},
	}
	c := ComputeCoverage(sim)
	want := []ProbeCoverage{
		{Probe: 1, V4: 2, None: 1, V6: 1, Family: 0.5, FamilyNone: 0.75},
		{Probe: 2, None: 1, Family: 0, FamilyNone: 1},
		{Probe: 3, V4: 1, V6: 1, Family: 0.5, FamilyNone: 0.5},
	}
	if !slices.Equal(c.Probes, want) {
		t.Errorf("got %+v, want %+v", c.Probes, want)
	}
	if c.MedianFamily != 0.5 || c.MedianFamilyNone != 0.75 {
		t.Errorf("medians %v %v, want 0.5 0.75", c.MedianFamily, c.MedianFamilyNone)
	}
}

func TestChoosePair(t *testing.T) {
	segs := func(zs ...int) (s []changepoint.Segment) {
		for i, z := range zs {
			s = append(s, changepoint.Segment{Start: 10 * i, End: 10 * (i + 1), Zone: stats.Zone(z)})
		}
		return s
	}
	cps := []tables.Pair{
		{Probe: 5, Anchor: 1, Segments: segs(1, 3, 1, 3), Mixed: true},
		{Probe: 2, Anchor: 9, Segments: segs(1, 3, 1), Mixed: true}, // 3 segments
		{Probe: 3, Anchor: 1, Segments: segs(1, 2, 1, 2)},           // not mixed
		{Probe: 4, Anchor: 7, Segments: segs(3, 3, 1, 2, 2), Mixed: true},
	}
	if k, ok := ChoosePair(cps, nil); !ok || k != (pairs.Key{Probe: 4, Anchor: 7}) {
		t.Errorf("chose %v %v, want 4:7", k, ok)
	}
	want := pairs.Key{Probe: 3, Anchor: 1}
	if k, ok := ChoosePair(cps, &want); !ok || k != want {
		t.Errorf("chose %v %v with --pair, want 3:1", k, ok)
	}
	if _, ok := ChoosePair(cps[1:3], nil); ok {
		t.Error("chose a pair among none eligible")
	}
}
