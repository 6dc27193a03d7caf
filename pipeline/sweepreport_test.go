package pipeline_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/afsel/afsel/changepoint"
	"github.com/afsel/afsel/pipeline"
)

// TestSweepIntoRunReport: a PELT sweep written into the directory of a
// reproduce run keeps that run's files (figures/ included), a later
// reproduce keeps the sweep's, and the report redrawn from the directory
// (afsel figures) has the section "How robust Table 2 is" with its figure,
// which the report without the sweep lacks.
func TestSweepIntoRunReport(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "run")
	all := pipeline.Stages{Tables: true, Replay: true, Figures: true}
	if err := write(t, golden(), all, dir, "reproduce", false); err != nil {
		t.Fatal(err)
	}
	before := files(t, dir)
	d := changepoint.DefaultConfig()
	sw, err := pipeline.RunPeltSweep(ctx, golden(), quick(), pipeline.PeltGrid([]int{d.MinSize}, []int{1, d.Jump}, []float64{2, d.Penalty}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sw.Write(ctx, pipeline.Output{Dir: dir, Command: "sweep-pelt"}, nil); err != nil {
		t.Fatal(err)
	}
	sweepFiles := []string{pipeline.PeltSweepFile, "figures/table2_sweep.png", "figures/table2_sweep.svg"}
	has := func(want ...string) {
		t.Helper()
		got := files(t, dir)
		for _, f := range want {
			if !slices.Contains(got, f) {
				t.Errorf("the directory lacks %s: %v", f, got)
			}
		}
	}
	has(append(slices.Clone(before), sweepFiles...)...)
	if err := write(t, golden(), all, dir, "reproduce", false); err != nil {
		t.Fatal(err)
	}
	has(append(slices.Clone(before), sweepFiles...)...)
	m, err := pipeline.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Runs) != 2 || m.Runs[0].Command != "sweep-pelt" || m.Runs[1].Command != "reproduce" {
		t.Errorf("manifest runs %+v", m.Runs)
	}

	figs := filepath.Join(dir, pipeline.FiguresDir)
	htm, md := readReport(t, figs)
	if strings.Contains(htm, "How robust Table 2 is") {
		t.Error("reproduce's own report has the sweep's section")
	}
	if _, err := pipeline.Redraw(ctx, pipeline.RedrawInput{Dir: dir}, pipeline.FiguresConfig{Points: 100},
		pipeline.Output{Dir: figs, Command: "figures"}, nil); err != nil {
		t.Fatal(err)
	}
	htm, md = readReport(t, figs)
	for _, want := range []string{`<h2 id="sweep">How robust Table 2 is</h2>`, `<figure id="table2_sweep">` + "\n<svg", `<tr style="font-weight: bold"><td>30</td><td>5</td><td>5</td>`} {
		if !strings.Contains(htm, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	if !strings.Contains(md, "## How robust Table 2 is") || !strings.Contains(md, "![table2_sweep](table2_sweep.png)") {
		t.Error("report.md lacks the section or its figure")
	}
	for _, f := range []string{"table2_sweep.png", "table2_sweep.svg"} {
		if fi, err := os.Stat(filepath.Join(figs, f)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	has(pipeline.PeltSweepFile, "table1.csv", "simulation.csv")
}
