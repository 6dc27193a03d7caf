package transition_test

import (
	"context"
	"errors"
	"fmt"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/stats"
	"github.com/afsel/afsel/transition"
)

// row is one pair of a hand-made run: zone 0 is ineligible.
type row struct {
	probe, anchor int64
	zone          stats.Zone
	bestChoice    float64
}

// writeRun makes a run directory holding simulation.csv of rows and a
// summary.json recording minTests (none when minTests is 0).
func writeRun(t *testing.T, rows []row, minTests int) string {
	t.Helper()
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("prb_id,anchor_id,zone,avg_expected_gain,median_duration,median_best_choice,best_path_choice,static_best_choice\n")
	for _, r := range rows {
		if r.zone == 0 {
			fmt.Fprintf(&b, "%d,%d,,,,,,\n", r.probe, r.anchor)
			continue
		}
		fmt.Fprintf(&b, "%d,%d,%d,1.5,100,%v,0.9,0.9\n", r.probe, r.anchor, r.zone, r.bestChoice)
	}
	if err := os.WriteFile(filepath.Join(dir, "simulation.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if minTests > 0 {
		s := fmt.Sprintf(`{"command":"replay","input":{"sha256":"abc"},"replay_parameters":{"gammas":[0.1],"runs":100,"seed":"test","train":30,"max_weight":100,"min_tests":%d,"classification":{"trim":0.1,"alpha":0.02,"confidence":0.95}}}`, minTests)
		if err := os.WriteFile(filepath.Join(dir, "summary.json"), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

var (
	v4, none, v6 = stats.ZoneV4, stats.ZoneNone, stats.ZoneV6
	// weekA and weekB: four pairs eligible in both (two keep their class,
	// one goes None to IPv6, one IPv6 to None), (4,10) gone, (3,10) new
	// (ineligible in A) and (5,10) new (absent from A).
	weekA = []row{{1, 10, v4, 0.9}, {1, 11, none, 0.5}, {2, 10, v6, 0.8}, {2, 11, v4, 0.7}, {3, 10, 0, 0}, {4, 10, none, 0.6}}
	weekB = []row{{1, 10, v4, 0.95}, {1, 11, v6, 0.6}, {2, 10, none, 0.7}, {2, 11, v4, 0.7}, {3, 10, v6, 0.9}, {5, 10, v4, 0.8}}
)

func read(t *testing.T, dir string) *transition.Run {
	t.Helper()
	r, err := transition.ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }

func TestDiffKnownTransitions(t *testing.T) {
	res, err := transition.Diff(read(t, writeRun(t, weekA, 150)), read(t, writeRun(t, weekB, 150)), false)
	if err != nil {
		t.Fatal(err)
	}
	if res.EligibleA != 5 || res.EligibleB != 6 || res.Both != 4 {
		t.Errorf("eligible A %d, B %d, both %d; want 5, 6, 4", res.EligibleA, res.EligibleB, res.Both)
	}
	want := [3][3]int{{2, 0, 0}, {0, 0, 1}, {0, 1, 0}}
	sum := 0
	for i := range want {
		for j := range want[i] {
			c := res.Matrix[i][j]
			sum += c.Pairs
			if c.Pairs != want[i][j] || c.From != transition.Zones[i] || c.To != transition.Zones[j] {
				t.Errorf("cell %d,%d: %+v, want %d pairs", i, j, c, want[i][j])
			}
			if !near(c.Share, float64(want[i][j])/4) {
				t.Errorf("cell %d,%d: share %v", i, j, c.Share)
			}
		}
	}
	if sum != res.Both {
		t.Errorf("cells sum to %d, Both is %d", sum, res.Both)
	}
	if res.Matrix[1][2].RowShare != 1 || res.Matrix[0][0].RowShare != 1 {
		t.Errorf("row shares: %+v", res.Matrix)
	}
	if res.Kept != 2 || res.KeptShare != 0.5 {
		t.Errorf("kept %d (%v), want 2 (0.5)", res.Kept, res.KeptShare)
	}
	// Deltas: +0.05 (1,10), +0.1 (1,11), -0.1 (2,10), 0 (2,11).
	b := res.BestChoice
	if b.N != 4 || !near(b.Min, -0.1) || !near(b.Max, 0.1) || !near(b.Mean, 0.0125) || !near(b.Median, 0.025) {
		t.Errorf("best-choice change %+v", b)
	}
	if z := res.BestChoiceByZone[0]; z.N != 2 || !near(z.Mean, 0.025) {
		t.Errorf("best-choice change from IPv4 %+v", z)
	}
	if z := res.BestChoiceByZone[1]; z.N != 1 || !near(z.Median, 0.1) {
		t.Errorf("best-choice change from None %+v", z)
	}
	wantNew := []transition.Alone{
		{Key: pairs.Key{Probe: 3, Anchor: 10}, Status: "new", Zone: v6, BestChoice: 0.9, Present: true},
		{Key: pairs.Key{Probe: 5, Anchor: 10}, Status: "new", Zone: v4, BestChoice: 0.8},
	}
	wantGone := []transition.Alone{{Key: pairs.Key{Probe: 4, Anchor: 10}, Status: "gone", Zone: none, BestChoice: 0.6}}
	if fmt.Sprint(res.New) != fmt.Sprint(wantNew) || fmt.Sprint(res.Gone) != fmt.Sprint(wantGone) {
		t.Errorf("new %v, gone %v; want %v, %v", res.New, res.Gone, wantNew, wantGone)
	}
	if res.Both+len(res.Gone) != res.EligibleA || res.Both+len(res.New) != res.EligibleB {
		t.Errorf("both + gone, both + new: %d, %d", res.Both+len(res.Gone), res.Both+len(res.New))
	}
}

// checkIdentity checks that res compares a run with itself.
func checkIdentity(t *testing.T, res *transition.Result) {
	t.Helper()
	if res.Both == 0 || res.Both != res.EligibleA || res.Kept != res.Both || res.KeptShare != 1 {
		t.Errorf("both %d of %d, kept %d (%v)", res.Both, res.EligibleA, res.Kept, res.KeptShare)
	}
	for i := range res.Matrix {
		for j, c := range res.Matrix[i] {
			if i != j && c.Pairs != 0 {
				t.Errorf("off the diagonal: %+v", c)
			}
			if i == j && c.Pairs > 0 && c.RowShare != 1 {
				t.Errorf("diagonal: %+v", c)
			}
		}
	}
	if len(res.New) != 0 || len(res.Gone) != 0 {
		t.Errorf("new %d, gone %d", len(res.New), len(res.Gone))
	}
	if b := res.BestChoice; b.N != res.Both || b.Min != 0 || b.Max != 0 || b.Mean != 0 {
		t.Errorf("best-choice change of a run with itself: %+v", b)
	}
}

func TestDiffIdentity(t *testing.T) {
	t.Run("hand-made", func(t *testing.T) {
		dir := writeRun(t, weekA, 150)
		res, err := transition.Diff(read(t, dir), read(t, dir), false)
		if err != nil {
			t.Fatal(err)
		}
		checkIdentity(t, res)
	})
	t.Run("golden", func(t *testing.T) {
		// The committed outputs of tables and replay on the golden set:
		// flows.csv and simulation.csv, checked against each other.
		dir := filepath.Join("..", "cmd", "afsel", "testdata", "cli")
		r := read(t, dir)
		if len(r.Pairs) != 800 || r.Eligible() != 644 || !r.BestChoice || r.Params != nil {
			t.Fatalf("golden run: %d pairs, %d eligible, best choice %v, params %v", len(r.Pairs), r.Eligible(), r.BestChoice, r.Params)
		}
		res, err := transition.Diff(r, read(t, dir), false)
		if err != nil {
			t.Fatal(err)
		}
		checkIdentity(t, res)
		if got := [3]int{res.Matrix[0][0].Pairs, res.Matrix[1][1].Pairs, res.Matrix[2][2].Pairs}; got != [3]int{193, 236, 215} {
			t.Errorf("diagonal %v, want Table 1's 193, 236, 215", got)
		}
	})
}

func TestDiffParameters(t *testing.T) {
	a, b := read(t, writeRun(t, weekA, 150)), read(t, writeRun(t, weekB, 100))
	_, err := transition.Diff(a, b, false)
	var pe *transition.ParamsError
	if !errors.As(err, &pe) || !errors.Is(err, transition.ErrParameters) {
		t.Fatalf("error %v, want a ParamsError", err)
	}
	if len(pe.Diffs) != 1 || pe.Diffs[0] != (transition.ParamDiff{Name: "replay_parameters.min_tests", A: "150", B: "100"}) {
		t.Errorf("diffs %+v", pe.Diffs)
	}
	if !strings.Contains(err.Error(), "replay_parameters.min_tests (150 in A, 100 in B)") || !strings.Contains(err.Error(), "--force") {
		t.Errorf("error %q does not name the parameter and --force", err)
	}
	res, err := transition.Diff(a, b, true)
	if err != nil {
		t.Fatalf("forced: %v", err)
	}
	if len(res.Forced) != 1 || res.Both != 4 {
		t.Errorf("forced: %+v, both %d", res.Forced, res.Both)
	}
	// A run recording no parameters differs from one recording them.
	c := read(t, writeRun(t, weekB, 0))
	if _, err := transition.Diff(a, c, false); !errors.Is(err, transition.ErrParameters) || !strings.Contains(err.Error(), "not recorded in B") {
		t.Errorf("against a run without parameters: %v", err)
	}
	// A stage recorded by one run only is not compared.
	tablesOnly := &transition.Run{Params: map[string]string{"tables_parameters.min_tests": "150"}}
	if d := transition.DiffParams(a, tablesOnly); len(d) != 0 {
		t.Errorf("replay run against a tables run: %v", d)
	}
	// Two runs recording none compare.
	if _, err := transition.Diff(c, c, false); err != nil {
		t.Errorf("two runs without parameters: %v", err)
	}
}

func TestReadRunErrors(t *testing.T) {
	t.Run("empty", func(t *testing.T) {
		if _, err := transition.ReadRun(t.TempDir()); !errors.Is(err, transition.ErrNotRun) {
			t.Errorf("error %v, want ErrNotRun", err)
		}
	})
	t.Run("flows without labels", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "flows.csv"), []byte("prb_id,anchor_id,best_path,avg_expected_gain,median_duration\n1,2,v4,1,2\n1,3,,,\n"), 0o644)
		if _, err := transition.ReadRun(dir); !errors.Is(err, transition.ErrNotRun) {
			t.Errorf("error %v, want ErrNotRun", err)
		}
	})
	t.Run("flows with labels", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "flows.csv"), []byte("prb_id,anchor_id,best_path,avg_expected_gain,median_duration,zone,zone_label\n1,2,v4,1,2,1,x\n1,3,,,,,\n1,4,,1,2,2,y\n"), 0o644)
		r, err := transition.ReadRun(dir)
		if err != nil {
			t.Fatal(err)
		}
		if r.BestChoice || r.Eligible() != 2 || r.Pairs[2].Zone != none || r.Pairs[1].Eligible {
			t.Errorf("run %+v", r)
		}
	})
	t.Run("flows disagree", func(t *testing.T) {
		dir := writeRun(t, weekA[:1], 0)
		os.WriteFile(filepath.Join(dir, "flows.csv"), []byte("prb_id,anchor_id,best_path,avg_expected_gain,median_duration\n1,10,v6,1,2\n"), 0o644)
		if _, err := transition.ReadRun(dir); err == nil {
			t.Error("no error for flows.csv disagreeing with simulation.csv")
		}
	})
}

func TestCompareWrites(t *testing.T) {
	a, b := writeRun(t, weekA, 150), writeRun(t, weekB, 150)
	out := filepath.Join(t.TempDir(), "cmp")
	_, files, err := transition.Compare(context.Background(), transition.Config{A: a, B: b, Out: out, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "transitions.csv best_choice_change.csv best_choice_summary.csv pairs_new_gone.csv transitions.svg transitions.png summary.json"; strings.Join(files, " ") != want {
		t.Errorf("files %v", files)
	}
	readFile := func(name string) string {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for name, want := range map[string]string{
		"transitions.csv":        "2,None is better,3,IPv6 is better,1,0.25,1\n",
		"pairs_new_gone.csv":     "4,10,gone,2,None is better,0.6,absent\n3,10,new,3,IPv6 is better,0.9,ineligible\n5,10,new,1,IPv4 is better,0.8,absent\n",
		"best_choice_change.csv": "1,11,2,3,false,0.5,0.6,0.09999999999999998\n",
		"summary.json":           `"kept_class_share": 0.5`,
	} {
		if got := readFile(name); !strings.Contains(got, want) {
			t.Errorf("%s lacks %q:\n%s", name, want, got)
		}
	}
	f, err := os.Open(filepath.Join(out, "transitions.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if s := img.Bounds().Size(); s.X != 720 || s.Y != 576 {
		t.Errorf("PNG %v, want 720x576", s)
	}
	if svg := readFile("transitions.svg"); !strings.Contains(svg, "<svg") || !strings.Contains(svg, "IPv6 is better") {
		t.Error("transitions.svg lacks the class labels")
	}

	// A second comparison replaces the first.
	if _, _, err := transition.Compare(context.Background(), transition.Config{A: b, B: a, Out: out}); err != nil {
		t.Fatalf("again: %v", err)
	}
	if got := readFile("transitions.csv"); !strings.Contains(got, "3,IPv6 is better,2,None is better,1,0.25,1\n") {
		t.Errorf("not replaced:\n%s", got)
	}
}

func TestCompareRefusesOutput(t *testing.T) {
	a, b := writeRun(t, weekA, 150), writeRun(t, weekB, 150)
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "notes.txt"), []byte("mine"), 0o644)
	for name, out := range map[string]string{"run A": a, "holds run B": filepath.Dir(b), "other files": other} {
		t.Run(name, func(t *testing.T) {
			_, _, err := transition.Compare(context.Background(), transition.Config{A: a, B: b, Out: out})
			if !errors.Is(err, transition.ErrOutput) {
				t.Errorf("error %v, want ErrOutput", err)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(a, "simulation.csv")); err != nil {
		t.Error(err)
	}
	// Refused parameters write nothing.
	out := filepath.Join(t.TempDir(), "cmp")
	if _, _, err := transition.Compare(context.Background(), transition.Config{A: a, B: writeRun(t, weekB, 100), Out: out}); !errors.Is(err, transition.ErrParameters) {
		t.Errorf("error %v", err)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s written after a refusal: %v", out, err)
	}
}

func TestDiffDisjoint(t *testing.T) {
	a := read(t, writeRun(t, weekA[:2], 150))
	b := read(t, writeRun(t, weekB[4:], 150))
	res, err := transition.Diff(a, b, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Both != 0 || !math.IsNaN(res.KeptShare) || res.BestChoice.N != 0 || len(res.New) != 2 || len(res.Gone) != 2 {
		t.Errorf("disjoint runs: %+v", res)
	}
	var text, png, svg strings.Builder
	for name, write := range map[string]func() error{
		"text": func() error { return res.WriteText(&text) },
		"png":  func() error { return res.WritePNG(&png) },
		"svg":  func() error { return res.WriteSVG(&svg) },
	} {
		if err := write(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if !strings.Contains(text.String(), "keeping their class: 0 of 0 (—)") || !strings.Contains(text.String(), "not compared (no pair eligible in both)") {
		t.Errorf("text:\n%s", text.String())
	}
}
