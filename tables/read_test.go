package tables

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/afsel/afsel/changepoint"
	"github.com/afsel/afsel/stats"
)

func testPairs() []Pair {
	return []Pair{
		{Probe: 1, Anchor: 2, N: 300, Eligible: true, Class: stats.Result{Zone: stats.ZoneV4, Gain: 1.25, Median: 80.5},
			Segments: []changepoint.Segment{{Start: 0, End: 100, Zone: 1}, {Start: 100, End: 300, Zone: 3}}, Mixed: true},
		{Probe: 1, Anchor: 3, N: 10},
		{Probe: 7, Anchor: 2, N: 400, Eligible: true, Class: stats.Result{Zone: stats.ZoneV6, Gain: 0.1, Median: 1e-9},
			Segments: []changepoint.Segment{{Start: 0, End: 400, Zone: 3}}},
	}
}

// TestFlowsRoundTrip: WriteFlows then ReadFlows gives back what flows.csv
// holds of each pair.
func TestFlowsRoundTrip(t *testing.T) {
	ps := testPairs()
	var b bytes.Buffer
	if err := WriteFlows(&b, ps); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFlows(&b)
	if err != nil {
		t.Fatal(err)
	}
	var want []Pair
	for _, p := range ps {
		want = append(want, Pair{Probe: p.Probe, Anchor: p.Anchor, Class: stats.Result{Zone: p.Class.Zone, Gain: p.Class.Gain, Median: p.Class.Median}})
	}
	if !slices.EqualFunc(got, want, func(a, b Pair) bool { return a.Key() == b.Key() && a.Class == b.Class }) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestChangePointsRoundTrip(t *testing.T) {
	ps := testPairs()
	var b bytes.Buffer
	if err := WriteChangePoints(&b, ps); err != nil {
		t.Fatal(err)
	}
	got, err := ReadChangePoints(&b)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(ps) {
		t.Fatalf("%d pairs, want %d", len(got), len(ps))
	}
	for i, p := range ps {
		g := got[i]
		if g.Key() != p.Key() || g.Mixed != p.Mixed || !slices.Equal(g.Segments, p.Segments) {
			t.Errorf("pair %d: got %+v, want %+v", i, g, p)
		}
	}
}

func TestTableRoundTrip(t *testing.T) {
	rows := Rows2(Table2{A: 3, B: 4, C: 5, Total: 20, Overlap: 1})
	var b bytes.Buffer
	if err := WriteTable(&b, rows); err != nil {
		t.Fatal(err)
	}
	got, err := ReadTable(&b)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, rows) {
		t.Errorf("got %+v, want %+v", got, rows)
	}
}

// TestReadArtefacts reads the authors' files: pandas' index column, empty
// fields, Python's tuples and booleans, cat_N categories.
func TestReadArtefacts(t *testing.T) {
	open := func(name string) *os.File {
		f, err := os.Open("../testdata/golden/" + name)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	flows, err := ReadFlows(open("ripe_flows.csv"))
	if err != nil || len(flows) != 800 {
		t.Fatalf("ripe_flows.csv: %d pairs, %v", len(flows), err)
	}
	cps, err := ReadChangePoints(open("ripe_change_points.csv"))
	if err != nil || len(cps) == 0 {
		t.Fatalf("ripe_change_points.csv: %d pairs, %v", len(cps), err)
	}
	t2, err := ReadTable(open("table2.csv"))
	if err != nil || t2[0].Category != "A" {
		t.Fatalf("table2.csv: %+v, %v", t2, err)
	}
}

func TestReadErrors(t *testing.T) {
	for _, c := range []struct{ name, in string }{
		{"missing column", "prb_id,anchor_id\n1,2\n"},
		{"bad best_path", "prb_id,anchor_id,best_path,avg_expected_gain,median_duration\n1,2,v5,0,0\n"},
		{"bad gain", "prb_id,anchor_id,best_path,avg_expected_gain,median_duration\n1,2,v4,x,0\n"},
		{"empty", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := ReadFlows(strings.NewReader(c.in)); err == nil {
				t.Error("no error")
			}
		})
	}
}

func FuzzReadChangePoints(f *testing.F) {
	f.Add("prb_id,anchor_id,segments,mixed_zones\n1,2,\"[[0,10,1],[10,20,3]]\",true\n")
	f.Add(",prb_id,anchor_id,segments,mixed_zones\n0,1,2,\"[(0, 10, 1)]\",False\n")
	f.Fuzz(func(t *testing.T, in string) {
		ps, err := ReadChangePoints(strings.NewReader(in))
		if err != nil {
			return
		}
		var b bytes.Buffer
		if err := WriteChangePoints(&b, ps); err != nil {
			t.Fatal(err)
		}
		again, err := ReadChangePoints(&b)
		if err != nil || len(again) != len(ps) {
			t.Fatalf("%d pairs written, read back %d: %v", len(ps), len(again), err)
		}
	})
}
