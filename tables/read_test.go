package tables

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
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

// labelPairs are testPairs with a pair where neither family is better,
// which flows.csv's artefact columns write as an ineligible pair's.
func labelPairs() []Pair {
	return append(testPairs(), Pair{Probe: 8, Anchor: 2, N: 200, Eligible: true, Class: stats.Result{Zone: stats.ZoneNone},
		Segments: []changepoint.Segment{{Start: 0, End: 200, Zone: 2}}})
}

// checkAppended checks that every line of labelled is the line of plain
// with the label columns after it: the artefacts' columns keep their bytes.
func checkAppended(t *testing.T, plain, labelled string) (labels [][]string) {
	t.Helper()
	pr, err := csv.NewReader(strings.NewReader(plain)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	lr, err := csv.NewReader(strings.NewReader(labelled)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(pr) != len(lr) {
		t.Fatalf("%d lines with labels, %d without", len(lr), len(pr))
	}
	for i := range pr {
		if !slices.Equal(lr[i][:len(pr[i])], pr[i]) {
			t.Errorf("line %d: %q with labels, %q without", i+1, lr[i], pr[i])
		}
		labels = append(labels, lr[i][len(pr[i]):])
	}
	return labels
}

// TestFlowsLabels: with Labels, flows.csv gains zone and zone_label after
// the artefacts' columns, which tell a pair where neither family is better
// from an ineligible one; ReadFlows reads both forms.
func TestFlowsLabels(t *testing.T) {
	ps := labelPairs()
	var plain, labelled bytes.Buffer
	if err := WriteFlows(&plain, ps); err != nil {
		t.Fatal(err)
	}
	if err := WriteFlows(&labelled, ps, WriteOptions{Labels: true}); err != nil {
		t.Fatal(err)
	}
	got := checkAppended(t, plain.String(), labelled.String())
	want := [][]string{{"zone", "zone_label"}, {"1", "IPv4 is better"}, {"", "ineligible"}, {"3", "IPv6 is better"}, {"2", "None is better"}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("label columns %q, want %q", got, want)
	}
	for _, form := range []struct {
		name string
		in   string
		// zones and eligibility read back
		zones    []stats.Zone
		eligible []bool
	}{
		{"artefacts' columns", plain.String(), []stats.Zone{1, 0, 3, 0}, []bool{false, false, false, false}},
		{"with labels", labelled.String(), []stats.Zone{1, 0, 3, 2}, []bool{true, false, true, true}},
	} {
		t.Run(form.name, func(t *testing.T) {
			rd, err := ReadFlows(strings.NewReader(form.in))
			if err != nil {
				t.Fatal(err)
			}
			for i, p := range rd {
				if p.Key() != ps[i].Key() || p.Class.Zone != form.zones[i] || p.Eligible != form.eligible[i] || p.Class.Gain != ps[i].Class.Gain {
					t.Errorf("pair %d: %+v, want zone %d, eligible %v", i, p, form.zones[i], form.eligible[i])
				}
			}
		})
	}
}

// TestChangePointsLabels: with Labels, change_points.csv gains
// segment_labels, a JSON array of the segments' zone labels;
// ReadChangePoints reads both forms alike.
func TestChangePointsLabels(t *testing.T) {
	ps := labelPairs()
	var plain, labelled bytes.Buffer
	if err := WriteChangePoints(&plain, ps); err != nil {
		t.Fatal(err)
	}
	if err := WriteChangePoints(&labelled, ps, WriteOptions{Labels: true}); err != nil {
		t.Fatal(err)
	}
	got := checkAppended(t, plain.String(), labelled.String())
	if !slices.Equal(got[0], ChangePointsLabelColumns) {
		t.Errorf("header %q", got[0])
	}
	for i, p := range ps {
		var labels []string
		if err := json.Unmarshal([]byte(got[i+1][0]), &labels); err != nil {
			t.Fatalf("pair %d: %q: %v", i, got[i+1][0], err)
		}
		var want []string
		for _, s := range p.Segments {
			want = append(want, s.Zone.String())
		}
		if len(labels) != len(want) || !slices.Equal(labels, want) {
			t.Errorf("pair %d: labels %q, want %q", i, labels, want)
		}
	}
	a, err := ReadChangePoints(strings.NewReader(plain.String()))
	if err != nil {
		t.Fatal(err)
	}
	b, err := ReadChangePoints(strings.NewReader(labelled.String()))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(a, b, func(x, y Pair) bool {
		return x.Key() == y.Key() && x.Mixed == y.Mixed && slices.Equal(x.Segments, y.Segments)
	}) {
		t.Errorf("read with labels %+v, without %+v", b, a)
	}
}

// TestReadFlowsZoneErrors: a zone column must agree with best_path.
func TestReadFlowsZoneErrors(t *testing.T) {
	head := "prb_id,anchor_id,best_path,avg_expected_gain,median_duration,zone,zone_label\n"
	for _, c := range []struct{ name, row string }{
		{"zone 4", "1,2,,0,0,4,x\n"},
		{"zone not a number", "1,2,,0,0,none,x\n"},
		{"zone 1 without best_path", "1,2,,0,0,1,IPv4 is better\n"},
		{"zone 2 with best_path", "1,2,v6,1,1,2,None is better\n"},
		{"best_path without zone", "1,2,v4,1,1,,ineligible\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := ReadFlows(strings.NewReader(head + c.row)); err == nil {
				t.Error("no error")
			}
		})
	}
}
