package pipeline_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/afsel/afsel/changepoint"
	"github.com/afsel/afsel/pipeline"
)

func TestPeltGrid(t *testing.T) {
	got := pipeline.PeltGrid([]int{30, 10}, []int{5, 1}, []float64{2, 1})
	want := []changepoint.Config{
		{MinSize: 30, Jump: 5, Penalty: 2}, {MinSize: 30, Jump: 5, Penalty: 1},
		{MinSize: 30, Jump: 1, Penalty: 2}, {MinSize: 30, Jump: 1, Penalty: 1},
		{MinSize: 10, Jump: 5, Penalty: 2}, {MinSize: 10, Jump: 5, Penalty: 1},
		{MinSize: 10, Jump: 1, Penalty: 2}, {MinSize: 10, Jump: 1, Penalty: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if g := pipeline.PeltGrid(nil, []int{5}, []float64{5}); len(g) != 0 {
		t.Errorf("an empty list gives %v", g)
	}
}

func TestPeltSweepBadGrid(t *testing.T) {
	for name, grid := range map[string][]changepoint.Config{
		"empty":  nil,
		"jump 0": {{MinSize: 30, Jump: 0, Penalty: 5}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := pipeline.RunPeltSweep(context.Background(), golden(), pipeline.Artefacts(), grid, nil)
			if !errors.Is(err, pipeline.ErrPeltGrid) {
				t.Errorf("error %v, want ErrPeltGrid", err)
			}
		})
	}
}

// TestPeltSweepEqualsTables: in one pass, the sweep's Table 2 of each
// combination is the tables stage's under that combination, whatever the
// workers; and the default combination's rows of table2_sweep.csv are
// table2.csv byte for byte.
func TestPeltSweepEqualsTables(t *testing.T) {
	d := changepoint.DefaultConfig()
	grid := pipeline.PeltGrid([]int{d.MinSize}, []int{1, d.Jump}, []float64{2, d.Penalty})
	cfg := pipeline.Artefacts()
	sw, err := pipeline.RunPeltSweep(context.Background(), golden(), cfg, grid, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg1 := cfg
	cfg1.Workers = 1
	sw1, err := pipeline.RunPeltSweep(context.Background(), golden(), cfg1, grid, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sw.Table1 != sw1.Table1 || !reflect.DeepEqual(sw.Tables2, sw1.Tables2) {
		t.Error("the sweep depends on the number of workers")
	}
	for i, c := range grid {
		if c != d && c != (changepoint.Config{MinSize: d.MinSize, Jump: 1, Penalty: 2}) {
			continue // two runs of the tables stage are enough
		}
		ccfg := cfg
		ccfg.Tables.Pelt = c
		tab := run(t, ccfg, pipeline.Stages{Tables: true})
		if sw.Table1 != tab.Table1 || sw.Tables2[i] != tab.Table2 {
			t.Errorf("%+v: sweep %+v %+v, tables %+v %+v", c, sw.Table1, sw.Tables2[i], tab.Table1, tab.Table2)
		}
		if c != d {
			continue
		}
		tabDir, swDir := t.TempDir(), t.TempDir()
		if _, err := tab.Write(context.Background(), pipeline.Output{Dir: tabDir, Command: "tables"}, nil); err != nil {
			t.Fatal(err)
		}
		sum, err := sw.Write(context.Background(), pipeline.Output{Dir: swDir, Command: "sweep-pelt"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(sum.PeltGrid, sw.Grid) || len(sum.PeltGrid) == 0 {
			t.Errorf("summary's pelt_grid %v, the sweep's %v", sum.PeltGrid, sw.Grid)
		}
		want, err := os.ReadFile(filepath.Join(tabDir, "table2.csv"))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(swDir, pipeline.PeltSweepFile))
		if err != nil {
			t.Fatal(err)
		}
		got := []byte("category,count,share\n")
		for _, l := range strings.SplitAfter(string(b), "\n") {
			if rest, ok := strings.CutPrefix(l, "30,5,5,"); ok {
				got = append(got, rest...)
			}
		}
		if !bytes.Equal(got, want) {
			t.Errorf("the default combination's rows\n%s\ndiffer from table2.csv\n%s", got, want)
		}
		for _, f := range []string{pipeline.PeltSweepFile, "figures/table2_sweep.svg", "figures/table2_sweep.png", pipeline.SummaryFile} {
			if _, err := os.Stat(filepath.Join(swDir, f)); err != nil {
				t.Error(err)
			}
		}
		if sum.Eligible != 644 || len(sum.Table1) != 4 {
			t.Errorf("summary: %d eligible, Table 1 %v", sum.Eligible, sum.Table1)
		}
	}
}

func ExamplePeltGrid() {
	for _, c := range pipeline.PeltGrid([]int{30}, []int{1, 5}, []float64{2, 5}) {
		fmt.Printf("min_size %d, jump %d, penalty %g\n", c.MinSize, c.Jump, c.Penalty)
	}
	// Output:
	// min_size 30, jump 1, penalty 2
	// min_size 30, jump 1, penalty 5
	// min_size 30, jump 5, penalty 2
	// min_size 30, jump 5, penalty 5
}

// BenchmarkPeltSweep times the sweep over the golden set (800 pairs) for
// grids of 1, 6 and 12 combinations (jump 5, then jumps 1 and 5).
func BenchmarkPeltSweep(b *testing.B) {
	pens := []float64{1, 2, 5, 10, 20, 50}
	for _, g := range []struct {
		name string
		grid []changepoint.Config
	}{
		{"combinations=1", pipeline.PeltGrid([]int{30}, []int{5}, []float64{5})},
		{"combinations=6", pipeline.PeltGrid([]int{30}, []int{5}, pens)},
		{"combinations=12", pipeline.PeltGrid([]int{30}, []int{1, 5}, pens)},
	} {
		b.Run(g.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := pipeline.RunPeltSweep(context.Background(), golden(), pipeline.Artefacts(), g.grid, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
