package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/spf13/cobra"

	"github.com/afsel/afsel/compare"
	"github.com/afsel/afsel/figures"
	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/pipeline"
	"github.com/afsel/afsel/replay"
	"github.com/afsel/afsel/report"
	"github.com/afsel/afsel/stats"
	"github.com/afsel/afsel/tables"
)

type figuresOptions struct {
	input  string
	data   string
	out    string
	points int
	pair   string
	skip   bool
}

func newFiguresCmd(e *env) *cobra.Command {
	o := &figuresOptions{}
	cmd := &cobra.Command{
		Use:   "figures --input DIR [--data FILE] [--out DIR/figures]",
		Short: "Draw the paper's figures and a report from the tables and replay outputs",
		Long: `Compute the data behind the paper's Figures 1, 2 and 4 and the per-probe
coverage (paper §3(2)), draw them, and write a self-contained report.

DIR must hold the outputs of 'afsel tables' (table1.csv, table2.csv,
flows.csv, change_points.csv) and 'afsel replay' (simulation.csv,
replay_metrics.csv) run on the same input; policies.csv and
policies_cdf.csv (afsel replay --policies), when present, add a policy
comparison (figure policies and a table per zone); summary.json, which both write,
is shown as found. --data is the paired tests both ran on (any format
'afsel tables' reads); without it Figures 1 and 2 are skipped.

Writes to --out (default DIR/figures), atomically:
  fig1.csv fig2.csv fig4.csv coverage.csv   figure,panel,series,x,y (ECDFs
                                            downsampled to --points)
  fig1.svg/.png ... coverage.svg/.png       1200 px wide (and policies.svg/.png
                                            with the policy files)
  report.html                               tables beside the paper's shares,
                                            figures (inline SVG), coverage,
                                            replay summary, run parameters
  report.md                                 the same as Markdown

Figure 1 holds the two duration columns in memory: 16 bytes per paired test
(2.5 GB for the paper's 157M tests).`,
		Example: `  afsel tables --input data.csv.gz --out out/
  afsel replay --input data.csv.gz --out out/
  afsel figures --input out/ --data data.csv.gz
  afsel figures --input out/ --data data.csv.gz --pair 1004:6404 --points 500`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.resolve(); err != nil {
				return err
			}
			return runFigures(cmd, e, o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.input, "input", "i", "", "directory with the outputs of afsel tables and afsel replay")
	f.StringVar(&o.data, "data", "", "paired tests (CSV or Arrow IPC) for Figures 1 and 2; skipped when absent")
	f.StringVarP(&o.out, "out", "o", "", "output directory (default DIR/figures)")
	f.IntVar(&o.points, "points", figures.DefaultPoints, "bound on the points of each CDF in the CSV and plots (error at most 1/points)")
	f.BoolVar(&o.skip, "skip-bad-rows", false, "skip malformed rows of --data, as tables and replay do with the same flag")
	f.StringVar(&o.pair, "pair", "", "Figure 2's pair as PRB:ANCHOR (default: the first with 4+ segments and mixed zones)")
	return cmd
}

func (o *figuresOptions) resolve() error {
	switch {
	case o.input == "":
		return usagef("--input is required")
	case o.points < 1:
		return usagef("--points %d: want at least 1", o.points)
	}
	if o.pair != "" {
		if _, err := pairs.ParseKey(o.pair); err != nil {
			return usagef("--pair: %v", err)
		}
	}
	if o.out == "" {
		o.out = filepath.Join(o.input, "figures")
	}
	return nil
}

// figuresInputs are the files read from --input.
type figuresInputs struct {
	sim     []replay.Pair // with the metrics, when read
	metrics bool
	flows   []tables.Pair
	cps     []tables.Pair
	t1, t2  []tables.Row
	summary *report.Summary
	// policies and policyCDF: policies.csv and policies_cdf.csv of afsel
	// replay --policies, when present.
	policies  []compare.SummaryRow
	policyCDF []figures.Row
}

func readFiguresInputs(dir string) (*figuresInputs, error) {
	in := &figuresInputs{}
	var missing []string
	read := func(name string, required bool, parse func(io.Reader) error) error {
		path := filepath.Join(dir, name)
		f, err := os.Open(path)
		if errors.Is(err, fs.ErrNotExist) {
			if required {
				missing = append(missing, name)
			}
			return nil
		}
		if err != nil {
			return err
		}
		defer f.Close()
		if err := parse(f); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		return nil
	}
	var err error
	for _, r := range []struct {
		name     string
		required bool
		parse    func(io.Reader) error
	}{
		{"table1.csv", true, func(r io.Reader) error { in.t1, err = tables.ReadTable(r); return err }},
		{"table2.csv", true, func(r io.Reader) error { in.t2, err = tables.ReadTable(r); return err }},
		{"flows.csv", true, func(r io.Reader) error { in.flows, err = tables.ReadFlows(r); return err }},
		{"change_points.csv", true, func(r io.Reader) error { in.cps, err = tables.ReadChangePoints(r); return err }},
		{"simulation.csv", true, func(r io.Reader) error { in.sim, err = replay.ReadSimulation(r); return err }},
		{"replay_metrics.csv", false, func(r io.Reader) error {
			in.metrics = true
			_, err = replay.ReadMetrics(r, in.sim)
			return err
		}},
		{"policies.csv", false, func(r io.Reader) error { in.policies, err = compare.ReadSummary(r); return err }},
		{"policies_cdf.csv", false, func(r io.Reader) error { in.policyCDF, err = figures.ReadRows(r); return err }},
		{"summary.json", false, func(r io.Reader) error {
			s, err := report.ReadSummary(r)
			in.summary = &s
			return err
		}},
	} {
		if err := read(r.name, r.required, r.parse); err != nil {
			return nil, err
		}
	}
	if len(missing) > 0 {
		var runs []string
		for _, m := range missing {
			switch m {
			case "simulation.csv":
				runs = appendOnce(runs, "afsel replay --input DATA --out "+dir)
			default:
				runs = appendOnce(runs, "afsel tables --input DATA --out "+dir)
			}
		}
		return nil, fmt.Errorf("%s lacks %s: run %s first", dir, strings.Join(missing, ", "), strings.Join(runs, " and "))
	}
	if err := figures.CheckConsistent(in.sim, in.flows, in.cps); err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	return in, nil
}

func appendOnce(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

func runFigures(cmd *cobra.Command, e *env, o *figuresOptions) error {
	start := time.Now()
	in, err := readFiguresInputs(o.input)
	if err != nil {
		return err
	}
	fin := report.Inputs{Table1: in.t1, Table2: in.t2, Sim: in.sim, Policies: in.policies, PolicyCDF: in.policyCDF}
	fin.Parameters = []report.KV{{Key: "input", Value: o.input}, {Key: "points", Value: strconv.Itoa(o.points)}}
	if in.summary != nil {
		fin.Summaries = append(fin.Summaries, report.NamedSummary{Name: in.summary.Command + " (summary.json)", Summary: *in.summary})
		other := "replay"
		if in.summary.Command != "tables" {
			other = "tables"
		}
		fin.Notes = append(fin.Notes, fmt.Sprintf("summary.json in %s is from afsel %s: the summary of afsel %s was overwritten (both write summary.json), so its parameters are not shown.", o.input, in.summary.Command, other))
	} else {
		fin.Notes = append(fin.Notes, "no summary.json in "+o.input+": run parameters and input digests unknown.")
	}
	if !in.metrics {
		e.log.Warn("no replay_metrics.csv: the report's replay summary has no gains", "dir", o.input)
	}
	if o.data == "" {
		e.log.Warn("no --data: Figures 1 and 2 skipped")
		fin.Notes = append(fin.Notes, "Figures 1 and 2 were skipped: no --data (the paired tests).")
	} else {
		var err error
		if fin.Fig1, fin.Fig2, err = dataFigures(cmd, e, o, in, &fin); err != nil {
			return err
		}
	}
	built, rep, err := report.Build(fin, o.points)
	if err != nil {
		return err
	}
	cov := rep.Coverage
	files := make([]outFile, len(built))
	for i, f := range built {
		files[i] = outFile{f.Name, f.Write}
	}
	if err := mkdirOut(o.out); err != nil {
		return err
	}
	if err := e.writeFiles(o.out, files); err != nil {
		return err
	}
	e.log.Info("figures done", "out", o.out, "files", len(files), "elapsed", time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(e.stdout, "Per-probe coverage over %d probes: median %.1f%% in the winning family (paper %.0f%%), %.1f%% with none-better pairs (paper %.0f%%)\n",
		len(cov.Probes), 100*cov.MedianFamily, figures.PaperCoverageFamily, 100*cov.MedianFamilyNone, figures.PaperCoverageFamilyNone)
	fmt.Fprintf(e.stdout, "Report: %s\n", filepath.Join(o.out, "report.html"))
	return nil
}

// dataFigures reads the paired tests once for Figures 1 and 2.
func dataFigures(cmd *cobra.Command, e *env, o *figuresOptions, in *figuresInputs, rep *report.Inputs) (*figures.Fig1, *figures.Fig2, error) {
	var want *pairs.Key
	if o.pair != "" {
		k, _ := pairs.ParseKey(o.pair)
		want = &k
	}
	key, ok := figures.ChoosePair(in.cps, want)
	switch {
	case !ok && want != nil:
		return nil, nil, usagef("--pair %v: no such pair in %s", *want, filepath.Join(o.input, "change_points.csv"))
	case !ok:
		return nil, nil, fmt.Errorf("%s: no pair with at least 4 segments and mixed zones for Figure 2: choose one with --pair PRB:ANCHOR", filepath.Join(o.input, "change_points.csv"))
	}
	var seg *tables.Pair
	for i := range in.cps {
		if in.cps[i].Key() == key {
			seg = &in.cps[i]
		}
	}
	var zone stats.Zone
	for i := range in.sim {
		if in.sim[i].Key() == key {
			zone = in.sim[i].Class.Zone
		}
	}

	info, err := describeInput(o.data)
	if err != nil {
		return nil, nil, err
	}
	rep.Parameters = append(rep.Parameters,
		report.KV{Key: "data", Value: info.Path}, report.KV{Key: "data bytes", Value: strconv.FormatInt(info.Bytes, 10)},
		report.KV{Key: "data sha256", Value: info.SHA256}, report.KV{Key: "figure 2 pair", Value: key.String()})
	if in.summary != nil {
		if d := in.summary.Get("input.sha256"); d != "" && d != info.SHA256 {
			e.log.Warn("--data differs from the input of the run in DIR (fine if it is the same data in another format)", "data", o.data, "summary_input", in.summary.Get("input.path"))
			rep.Notes = append(rep.Notes, fmt.Sprintf("--data %s (sha256 %s) is not the file the run in %s read (%s, sha256 %s).", o.data, info.SHA256, o.input, in.summary.Get("input.path"), d))
		}
	}
	// Figure 1 reads the data a few times rather than holding it.
	var dropped ingest.Stats
	open := func() (array.RecordReader, error) {
		src, err := ingest.Open(o.data, ingest.Options{SkipBadRows: o.skip})
		if err != nil {
			return nil, err
		}
		return &statsReader{Reader: src, stats: &dropped}, nil
	}
	f1, err := figures.Figure1Passes(cmd.Context(), pipeline.LogPasses(figures.RecordsPass(open), e.log, nil), o.points)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", o.data, err)
	}
	if dropped.DroppedTotal() > 0 {
		e.log.Warn("skipped malformed rows", "rows", dropped.DroppedTotal(), "reasons", dropped.Dropped)
	}
	src, err := open()
	if err != nil {
		return nil, nil, err
	}
	defer src.Release()
	series, err := figures.ReadPair(cmd.Context(), src, key)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", o.data, err)
	}
	e.log.Info("figure 1 filter", "rows", f1.RowsBefore, "kept", f1.RowsAfter,
		"q05_v4", f1.Q05V4, "q95_v4", f1.Q95V4, "q05_v6", f1.Q05V6, "q95_v6", f1.Q95V6)
	f2, err := figures.Figure2(series, seg.Segments, zone)
	if err != nil {
		return nil, nil, fmt.Errorf("figure 2 (%s against %s): %w", o.data, o.input, err)
	}
	return f1, f2, nil
}

// statsReader records its reader's final row counts when released, so that
// dropped rows of the last pass can be reported.
type statsReader struct {
	ingest.Reader
	stats *ingest.Stats
}

func (r *statsReader) Release() {
	*r.stats = r.Reader.Stats()
	r.Reader.Release()
}
