package tables_test

import (
	"context"
	"math"
	"regexp"
	"strconv"
	"testing"

	"github.com/afsel/afsel/internal/testfs"

	"github.com/afsel/afsel/changepoint"
	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/internal/goldentest"
	"github.com/afsel/afsel/pipeline"
	"github.com/afsel/afsel/stats"
	"github.com/afsel/afsel/tables"
)

// The golden set: the authors' CSV export and their pipeline's outputs on it
// (copied from shared/golden/public).
const goldenDir = "../testdata/golden/"

func readCSV(t *testing.T, name string) [][]string {
	t.Helper()
	return testfs.ReadCSV(t, goldenDir+name)[1:]
}

func atoi(t *testing.T, s string) int64 {
	t.Helper()
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func atof(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

type key struct{ probe, anchor int64 }

var tupleRE = regexp.MustCompile(`\((\d+), (\d+), (\d+)\)`)

// TestGolden checks every pair's classification, gain, median, segments and
// mixed flag, and both tables, against the artefacts' own outputs.
func TestGolden(t *testing.T) {
	in := pipeline.FileInput([]string{goldentest.Data()}, "", ingest.Options{})
	res, err := pipeline.Run(context.Background(), in, pipeline.Artefacts(), pipeline.Stages{Tables: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	tps, err := res.TablesWithSegments()
	if err != nil {
		t.Fatal(err)
	}
	got := make(map[key]*tables.Pair)
	for i := range tps {
		p := &tps[i]
		got[key{p.Probe, p.Anchor}] = p
	}

	flows := readCSV(t, "ripe_flows.csv")
	if len(flows) != len(res.Tables) {
		t.Fatalf("%d pairs, artefacts have %d", len(res.Tables), len(flows))
	}
	for i, r := range flows {
		k := key{atoi(t, r[1]), atoi(t, r[2])}
		p := got[k]
		if p == nil {
			t.Fatalf("pair %v missing", k)
		}
		if res.Tables[i].Probe != k.probe || res.Tables[i].Anchor != k.anchor {
			t.Errorf("row %d is %d,%d, artefacts have %v (order)", i, res.Tables[i].Probe, res.Tables[i].Anchor, k)
		}
		if bp := p.Class.Zone.BestPath(); bp != r[3] {
			t.Errorf("pair %v best_path %q, want %q", k, bp, r[3])
		}
		wantGain, wantMed := atof(t, r[4]), atof(t, r[5])
		if !close(p.Class.Gain, wantGain, 1e-12) {
			t.Errorf("pair %v avg_expected_gain %v, want %v", k, p.Class.Gain, wantGain)
		}
		if p.Class.Median != wantMed {
			t.Errorf("pair %v median_duration %v, want %v", k, p.Class.Median, wantMed)
		}
	}

	cps := readCSV(t, "ripe_change_points.csv")
	for _, r := range cps {
		k := key{atoi(t, r[1]), atoi(t, r[2])}
		p := got[k]
		var want []changepoint.Segment
		for _, m := range tupleRE.FindAllStringSubmatch(r[3], -1) {
			want = append(want, changepoint.Segment{Start: int(atoi(t, m[1])), End: int(atoi(t, m[2])), Zone: stats.Zone(atoi(t, m[3]))})
		}
		if len(want) != len(p.Segments) {
			t.Errorf("pair %v: %d segments %v, want %d %v", k, len(p.Segments), p.Segments, len(want), want)
			continue
		}
		for i := range want {
			if want[i] != p.Segments[i] {
				t.Errorf("pair %v segment %d: %v, want %v", k, i, p.Segments[i], want[i])
			}
		}
		if mixed := r[4] == "True"; mixed != p.Mixed {
			t.Errorf("pair %v mixed_zones %v, want %v", k, p.Mixed, mixed)
		}
	}

	checkTable(t, "table1.csv", tables.Rows1(res.Table1), nil)
	checkTable(t, "table2.csv", tables.Rows2(res.Table2), map[string]string{
		"A": "cat_1", "B": "cat_2", "C": "cat_3", "D": "cat_4", "overlap_A_B": "overlap_cat_1_cat_2",
	})
	if res.Table1.NaNQuirk != 4 {
		t.Errorf("NaN quirk pairs %d, the artefacts' diagnostics report 4", res.Table1.NaNQuirk)
	}
}

func checkTable(t *testing.T, name string, rows []tables.Row, rename map[string]string) {
	t.Helper()
	want := readCSV(t, name)
	if len(want) != len(rows) {
		t.Fatalf("%s: %d rows, want %d", name, len(rows), len(want))
	}
	for i, r := range rows {
		cat := r.Category
		if n, ok := rename[cat]; ok {
			cat = n
		}
		w := want[i]
		if cat != w[0] || strconv.Itoa(r.Count) != w[1] || r.Share != atof(t, w[2]) {
			t.Errorf("%s row %d: %s,%d,%v; want %v", name, i, cat, r.Count, r.Share, w)
		}
	}
}

func close(a, b, rel float64) bool {
	if a == b {
		return true
	}
	return math.Abs(a-b) <= rel*math.Max(math.Abs(a), math.Abs(b))
}
