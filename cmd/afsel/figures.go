package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/afsel/afsel/figures"
	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/pipeline"
	"github.com/afsel/afsel/transition"
)

type figuresOptions struct {
	dir    string // --dir (--input, hidden, was its name)
	data   string
	out    string
	points int
	pair   string
	skip   bool
	force  bool
	// compare is a comparison's directory (afsel compare) for the report's
	// "Week over week" section.
	compare string
}

func newFiguresCmd(e *env) *cobra.Command {
	o := &figuresOptions{}
	cmd := &cobra.Command{
		Use:   "figures --dir DIR [--data FILE] [--out DIR/figures]",
		Short: "Draw the paper's figures and a report from the tables and replay outputs",
		Long: `Compute the data behind the paper's Figures 1, 2 and 4 and the per-probe
coverage (paper §3(2)), draw them, and write a self-contained report.

DIR (--dir; --input, its former name, still works) is the output directory
of the runs. It must hold the outputs of 'afsel tables' (table1.csv, table2.csv,
flows.csv, change_points.csv) and 'afsel replay' (simulation.csv,
replay_metrics.csv) run on the same input; policies.csv and
policies_cdf.csv (afsel replay --policies), when present, add a policy
comparison (figure policies and a table per zone); table2_sweep.csv (afsel
sweep --pelt-* into DIR) adds a section "How robust Table 2 is" (figure
table2_sweep and the table). --compare CMP, the output of 'afsel compare
RUN_A DIR -o CMP' (or of DIR against a later run), adds a section "Week
over week" (figure transitions, the class matrix, the share keeping its
class, the best-choice change, pairs new and gone). The report shows the
summary of every run DIR's manifest.json records. --data is the paired tests
both ran on: one file, in any format 'afsel tables' reads (- is standard
input, copied first); without it Figures 1 and 2 are skipped.

Writes to --out (default DIR/figures), atomically:
  fig1.csv fig2.csv fig4.csv coverage.csv   figure,panel,series,x,y (ECDFs
                                            downsampled to --points)
  fig1.svg/.png ... coverage.svg/.png       1200 px wide (and policies,
                                            table2_sweep, transitions .svg/.png
                                            with their files)
  report.html                               tables beside the paper's shares,
                                            figures (inline SVG), coverage,
                                            replay summary, run parameters
  report.md                                 the same as Markdown

Figure 1 reads --data rather than holding it: four or five times (more when
many durations tie), in about 150 MB however large it is; Figure 2 reads it
once more for its pair.`,
		Example: `  afsel tables --input data.csv.gz --out out/
  afsel replay --input data.csv.gz --out out/
  afsel figures --dir out/ --data data.csv.gz
  afsel figures --dir out/ --data data.csv.gz --pair 1004:6404 --points 500
  afsel sweep --input data.csv.gz --out out/ --pelt-penalty 1,2,5,10,20,50 --pelt-jump 1,5
  afsel compare week1/ out/ -o week1-vs-out/
  afsel figures --dir out/ --compare week1-vs-out/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.resolve(); err != nil {
				return err
			}
			return runFigures(cmd, e, o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.dir, "dir", "d", "", "directory with the outputs of afsel tables and afsel replay (or reproduce)")
	addAlias(f, "input", "i", "dir")
	f.StringVar(&o.data, "data", "", "paired tests, one file in any format tables reads, for Figures 1 and 2; skipped when absent")
	addOutFlag(f, &o.out, "", "output directory (default DIR/figures)")
	f.IntVar(&o.points, "points", figures.DefaultPoints, "bound on the points of each CDF in the CSV and plots (error at most 1/points)")
	f.BoolVar(&o.skip, "skip-bad-rows", false, "skip malformed rows of --data, as tables and replay do with the same flag")
	f.StringVar(&o.pair, "pair", "", "Figure 2's pair as PRB:ANCHOR (default: the first with 4+ segments and mixed zones)")
	f.BoolVar(&o.force, "force", false, "replace the outputs of runs on another input found in the output directory (refused otherwise)")
	f.StringVar(&o.compare, "compare", "", "output directory `CMP` of afsel compare, shown in the report's \"Week over week\" section")
	return cmd
}

func (o *figuresOptions) resolve() error {
	switch {
	case o.dir == "":
		return usagef("--dir DIR is required: the output directory of tables and replay")
	case o.points < 1:
		return usagef("--points %d: want at least 1", o.points)
	}
	if o.pair != "" {
		if _, err := pairs.ParseKey(o.pair); err != nil {
			return usagef("--pair: %v", err)
		}
	}
	if fi, err := os.Stat(o.data); err == nil && fi.IsDir() {
		return usagef("--data %s is a directory: give the one file of paired tests the runs read", o.data)
	}
	if o.out == "" {
		o.out = filepath.Join(o.dir, "figures")
	}
	return nil
}

func runFigures(cmd *cobra.Command, e *env, o *figuresOptions) error {
	start := time.Now()
	cfg := pipeline.FiguresConfig{Points: o.points}
	if o.pair != "" {
		k, _ := pairs.ParseKey(o.pair)
		cfg.Pair = &k
	}
	in := pipeline.RedrawInput{Dir: o.dir, Data: o.data, Options: ingest.Options{SkipBadRows: o.skip}}
	if o.compare != "" {
		w, err := transition.ReportSection(o.compare, o.dir)
		if err != nil {
			return fmt.Errorf("--compare: %w", err)
		}
		for _, n := range w.Notes {
			e.log.Warn("--compare: a comparison of other runs than DIR's", "note", n)
		}
		in.Week = w
	}
	out := pipeline.Output{Dir: o.out, Command: "figures", Version: buildVersion(), Force: o.force}
	e.addTempDir(filepath.Dir(filepath.Clean(o.out)))
	cov, err := pipeline.Redraw(cmd.Context(), in, cfg, out, &pipeline.Monitor{Log: e.log})
	if errors.Is(err, pipeline.ErrNoSuchPair) {
		return usageError{err}
	}
	if err != nil {
		return err
	}
	e.log.Info("figures done", "out", o.out, "elapsed", time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(e.stdout, "Per-probe coverage over %d probes: median %.1f%% in the winning family (paper %.0f%%), %.1f%% with none-better pairs (paper %.0f%%)\n",
		len(cov.Probes), 100*cov.MedianFamily, figures.PaperCoverageFamily, 100*cov.MedianFamilyNone, figures.PaperCoverageFamilyNone)
	fmt.Fprintf(e.stdout, "Report: %s\n", filepath.Join(o.out, "report.html"))
	return nil
}
