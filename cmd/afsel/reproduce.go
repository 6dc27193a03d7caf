package main

import (
	"bytes"
	"compress/gzip"
	"context"
	_ "embed"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/afsel/afsel/figures"
	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/replay"
	"github.com/afsel/afsel/stats"
	"github.com/afsel/afsel/tables"
)

// defaultData is the embedded data set `reproduce` runs on without --input:
// `afsel synth --pairs 300 --seed 1` as CSV, recompressed with gzip -9
// (TestDefaultDataIsSynth checks that it is exactly that).
//
//go:embed testdata/default.csv.gz
var defaultData []byte

const defaultDataName = "embedded default data (testdata/default.csv.gz)"

type reproduceOptions struct {
	input   inputFlags
	out     string
	profile string
	tables  tables.Config
	replay  replay.Config
	points  int
	pair    string
}

func newReproduceCmd(e *env) *cobra.Command {
	o := &reproduceOptions{tables: tables.DefaultConfig(), replay: replay.DefaultConfig()}
	cmd := &cobra.Command{
		Use:   "reproduce [--input FILE...] [--out DIR]",
		Short: "Run everything: Tables 1 and 2, the EXP3 replay, the figures and the report",
		Long: `Reproduce the study in one process and one pass over the input: classify and
segment every pair (Tables 1 and 2), replay EXP3 against the fixed choices,
and draw Figures 1, 2 and 4 with a report. Without --input it runs on a small
data set embedded in afsel, so it works on a fresh machine with no flags.

Writes to DIR (default "out"), atomically, what 'tables' and 'replay' write
(table1.csv, table2.csv, flows.csv, change_points.csv, simulation.csv,
replay_metrics.csv), one summary.json for the whole run, and DIR/figures/
(fig1/fig2/fig4/coverage .csv .svg .png, report.html, report.md); then prints
Table 1, Table 2, the replay summary and the files written.`,
		Example: `  go run ./cmd/afsel reproduce
  afsel reproduce --input tests.arrow --out out/
  afsel reproduce --input 'day-*.parquet' --profile paper`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.resolve(cmd); err != nil {
				return err
			}
			return runReproduce(cmd, e, o)
		},
	}
	f := cmd.Flags()
	o.input.addFlags(f)
	f.StringVarP(&o.out, "out", "o", "out", "output directory (created if missing)")
	f.StringVar(&o.profile, "profile", "artefacts", `"artefacts" (the authors' code) or "paper" (the prose: 98% CI, 60 training rounds)`)
	addTablesFlags(f, &o.tables)
	f.Float64Var(&o.replay.Gammas[0], "gamma", o.replay.Gammas[0], "EXP3 exploration rate")
	addEXP3Flags(f, &o.replay)
	f.IntVar(&o.points, "points", figures.DefaultPoints, "points per CDF in the figures' CSVs")
	f.StringVar(&o.pair, "pair", "", "pair of Figure 2 as PRB:ANCHOR (default: the first with 4+ segments and mixed zones)")
	return cmd
}

func (o *reproduceOptions) resolve(cmd *cobra.Command) error {
	if o.out == "" {
		return usagef("--out is required")
	}
	if len(o.input.patterns) > 0 {
		if err := o.input.expand("--input"); err != nil {
			return err
		}
	}
	if err := applyProfile(cmd, o.profile, &o.tables.Stats, &o.replay.Train); err != nil {
		return err
	}
	if err := validateTablesConfig(o.tables); err != nil {
		return err
	}
	o.replay.MinTests, o.replay.Stats, o.replay.Workers = o.tables.MinTests, o.tables.Stats, o.tables.Workers
	if err := o.replay.Validate(); err != nil {
		return usageError{err}
	}
	if o.points < 2 {
		return usagef("--points %d: want at least 2", o.points)
	}
	if o.pair != "" {
		if _, err := pairs.ParseKey(o.pair); err != nil {
			return usagef("--pair: %v", err)
		}
	}
	return nil
}

// opener returns the input, the files given or the embedded data, and a
// function returning its description (computed in the background).
func (o *reproduceOptions) opener() (pairs.Opener, func() (inputInfo, error)) {
	if len(o.input.files) > 0 {
		return o.input.opener(), describeInputsAsync(o.input.files, o.input.format)
	}
	info := inputInfo{Path: defaultDataName, Bytes: int64(len(defaultData)), SHA256: sha256Hex(defaultData)}
	describe := func() (inputInfo, error) { return info, nil }
	return func() (ingest.Reader, error) {
		tuneGC(info.Bytes)
		zr, err := gzip.NewReader(bytes.NewReader(defaultData))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", defaultDataName, err)
		}
		return ingest.NewCSVReader(zr, ingest.Options{Name: defaultDataName})
	}, describe
}

// reproduction is what one pass over the input collects.
type reproduction struct {
	mu     sync.Mutex
	tables []tables.Pair
	replay []replay.Pair
	steps  int64
	fig2   *figures.PairChooser // Figure 2's pair and series
}

func (r *reproduction) reset(want *pairs.Key) {
	*r = reproduction{fig2: &figures.PairChooser{Want: want}}
}

func runReproduce(cmd *cobra.Command, e *env, o *reproduceOptions) error {
	ctx := cmd.Context()
	start := time.Now()
	open, describe := o.opener()
	if err := mkdirOut(o.out); err != nil {
		return err
	}
	spill := newDurationSpill(o.out, figure1InMemory)
	defer spill.close()
	eng, err := replay.NewEngine(o.replay)
	if err != nil {
		return err
	}
	var want *pairs.Key
	if o.pair != "" {
		k, _ := pairs.ParseKey(o.pair)
		want = &k
	}
	var res reproduction
	res.reset(want)
	restart := func() {
		res.reset(want)
		spill.reset()
	}
	newWork := func() func(pairs.Probe) error {
		an := tables.NewAnalyzer(o.tables)
		w := eng.NewWorker()
		return func(p pairs.Probe) error {
			tp := make([]tables.Pair, len(p.Series))
			classes := make([]stats.Result, len(p.Series))
			for i := range p.Series {
				s := &p.Series[i]
				var err error
				if tp[i], err = an.Pair(s); err != nil {
					return err
				}
				classes[i] = tp[i].Class
				spill.add(s.V4, s.V6)
				res.fig2.Offer(&tp[i], s)
			}
			rp, steps, err := w.Probe(ctx, &p, classes)
			if err != nil {
				return err
			}
			res.mu.Lock()
			defer res.mu.Unlock()
			res.tables = append(res.tables, tp...)
			res.replay = append(res.replay, rp...)
			res.steps += steps
			return nil
		}
	}
	var prog pairs.Progress
	bar := e.startProgress(func(el time.Duration) string {
		n := prog.Pairs.Load()
		return fmt.Sprintf("reproduce: %d probes, %d pairs, %.0f pairs/s", prog.Probes.Load(), n, float64(n)/el.Seconds())
	})
	each := pairs.EachConfig{Workers: o.tables.Workers, Progress: &prog, Restart: restart}
	gst, rows, err := pairs.Each(ctx, open, each, newWork)
	bar.Stop()
	if err != nil {
		return err
	}
	if d := rows.DroppedTotal(); d > 0 {
		e.log.Warn("skipped malformed rows", "rows", d, "reasons", rows.Dropped)
	}
	if err := spill.finish(); err != nil {
		return err
	}
	info, err := describe()
	if err != nil {
		return err
	}
	e.log.Debug("input digested", "elapsed", time.Since(start).Round(time.Millisecond))
	tables.SortPairs(res.tables)
	replay.SortPairs(res.replay)
	t1, t2 := tables.Summarize(res.tables)
	rows1, rows2 := tables.Rows1(t1), tables.Rows2(t2)
	analysed := time.Since(start)
	e.log.Debug("analysis done", "pairs", gst.Pairs, "steps", res.steps, "elapsed", analysed.Round(time.Millisecond))

	sum := reproduceSummary{
		Command: "reproduce", Version: buildVersion(), Input: info,
		Tables: tablesParameters{
			Profile: o.profile, Confidence: o.tables.Stats.Confidence, Alpha: o.tables.Stats.Alpha,
			Trim: o.tables.Stats.Trim, MinTests: o.tables.MinTests,
			PeltMinSize: o.tables.Pelt.MinSize, PeltJump: o.tables.Pelt.Jump, PeltPenalty: o.tables.Pelt.Penalty,
		},
		Replay: replayParams{
			Profile: o.profile, Gammas: o.replay.Gammas, Runs: o.replay.Runs, Seed: o.replay.Seed, Train: o.replay.Train,
			MaxWeight: o.replay.MaxWeight, MinTests: o.replay.MinTests,
			Confidence: o.replay.Stats.Confidence, Alpha: o.replay.Stats.Alpha, Trim: o.replay.Stats.Trim,
		},
		Rows: rows, Probes: gst.Probes, Pairs: gst.Pairs, Eligible: t1.Total(), Ineligible: gst.Pairs - t1.Total(),
		NaNQuirk: t1.NaNQuirk, Table1: rows1, Table2: rows2, Steps: res.steps,
		AnalysisSeconds: analysed.Seconds(), StepsPerSec: float64(res.steps) / analysed.Seconds(),
	}
	files := []outFile{
		{"table1.csv", func(w io.Writer) error { return tables.WriteTable(w, rows1) }},
		{"table2.csv", func(w io.Writer) error { return tables.WriteTable(w, rows2) }},
		{"flows.csv", func(w io.Writer) error { return tables.WriteFlows(w, res.tables) }},
		{"change_points.csv", func(w io.Writer) error { return tables.WriteChangePoints(w, res.tables) }},
		{"simulation.csv", func(w io.Writer) error { return replay.WriteSimulation(w, res.replay, 0) }},
		{"replay_metrics.csv", func(w io.Writer) error { return replay.WriteMetrics(w, res.replay, o.replay.Gammas) }},
	}

	// The figure phase's own progress line: at the paper's scale Figure 1
	// takes several passes over the spill.
	var fp figureProgress
	bar = e.startProgress(fp.line)
	defer bar.Stop()
	fin, err := reproduceFigures(e, o, &res, rows1, rows2, &sum)
	if err != nil {
		return err
	}
	// Figure 1 is computed, and the report made, while the other figures
	// are drawn and their files written; the files that need them wait.
	var drawn *figures.Drawn
	drawnReady := make(chan struct{})
	var f1 *figures.Fig1
	var fig1 *figures.Figure
	var rep *figures.Report
	var fig1Err error
	fig1Ready := make(chan struct{})
	go func() {
		defer close(fig1Ready)
		if f1, fig1Err = reproduceFigure1(ctx, e, o, spill, &fp.passes); fig1Err != nil {
			return
		}
		if fig1, fig1Err = figures.RenderFigure1(f1, o.points); fig1Err != nil {
			return
		}
		if <-drawnReady; drawn != nil {
			in := fin
			in.Fig1 = f1
			rep = figures.NewReport(in, append([]*figures.Figure{fig1}, drawn.Figures...), drawn.Coverage)
		}
	}()
	drawn, err = figures.Draw(fin, o.points)
	close(drawnReady)
	if err != nil {
		return err
	}
	afterFig1 := func(name string, write func(io.Writer) error) figures.File {
		return figures.File{Name: name, Write: func(w io.Writer) error {
			<-fig1Ready
			if fig1Err != nil {
				return fig1Err
			}
			return write(w)
		}}
	}
	// Figure 1's and the report's files, by name, for when they are ready.
	fig1CSV := afterFig1("fig1.csv", func(w io.Writer) error { return figures.WriteRows(w, f1.Rows(o.points)) })
	fig1Files := []figures.File{
		afterFig1("fig1.svg", func(w io.Writer) error { return fig1.WriteSVG(w) }),
		afterFig1("fig1.png", func(w io.Writer) error { return fig1.WritePNG(w) }),
	}
	reportFiles := []figures.File{
		afterFig1("report.html", func(w io.Writer) error { return figures.WriteHTML(w, rep) }),
		afterFig1("report.md", func(w io.Writer) error { return figures.WriteMarkdown(w, rep) }),
	}
	built := append([]figures.File{fig1CSV}, drawn.CSV...)
	built = append(built, fig1Files...)
	built = figures.FileNames(built, drawn.Figures, reportFiles)
	waits := map[string]bool{fig1CSV.Name: true}
	for _, f := range append(fig1Files, reportFiles...) {
		waits[f.Name] = true
	}
	e.log.Debug("figure data done", "elapsed", time.Since(start).Round(time.Millisecond))
	figDir := filepath.Join(o.out, "figures")
	if err := mkdirOut(figDir); err != nil {
		return err
	}
	for _, f := range files {
		sum.Files = append(sum.Files, f.name)
	}
	for _, f := range built {
		sum.Files = append(sum.Files, filepath.Join("figures", f.Name))
	}
	// The figures are written first, PNGs first among them (drawing them
	// takes longest), then the other files; those that need Figure 1 as
	// soon as it is computed.
	isPNG := func(f figures.File) int { return b2i(strings.HasSuffix(f.Name, ".png")) }
	slices.SortStableFunc(built, func(a, b figures.File) int { return isPNG(b) - isPNG(a) })
	var now, later []outFile
	for _, f := range built {
		of := outFile{filepath.Join("figures", f.Name), f.Write}
		if waits[f.Name] {
			later = append(later, of)
		} else {
			now = append(now, of)
		}
	}
	sum.Files = append(sum.Files, "summary.json")
	sum.Elapsed = time.Since(start).Seconds()
	files = append(files, outFile{"summary.json", func(w io.Writer) error { return writeJSON(w, sum) }})
	now, later = fp.counting(append(now, files...), later)
	if err := e.writeFilesAfter(o.out, now, later, fig1Ready); err != nil {
		return err
	}
	bar.Stop()
	e.log.Info("reproduce done", "pairs", gst.Pairs, "eligible", t1.Total(), "steps", res.steps,
		"elapsed", time.Since(start).Round(time.Millisecond))

	printTables(e.stdout, rows1, rows2)
	printReplaySummary(e.stdout, res.replay, o.replay.Gammas)
	cov := drawn.Coverage
	fmt.Fprintf(e.stdout, "\nPer-probe coverage over %d probes: median %.1f%% in the winning family (paper %.0f%%), %.1f%% with none-better pairs (paper %.0f%%)\n",
		len(cov.Probes), 100*cov.MedianFamily, figures.PaperCoverageFamily, 100*cov.MedianFamilyNone, figures.PaperCoverageFamilyNone)
	fmt.Fprintf(e.stdout, "\nFiles written to %s:\n", o.out)
	for _, f := range sum.Files {
		fmt.Fprintf(e.stdout, "  %s\n", f)
	}
	return nil
}

// reproduceSummary is reproduce's summary.json.
type reproduceSummary struct {
	Command         string           `json:"command"`
	Version         string           `json:"version"`
	Input           inputInfo        `json:"input"`
	Tables          tablesParameters `json:"tables_parameters"`
	Replay          replayParams     `json:"replay_parameters"`
	Rows            ingest.Stats     `json:"rows"`
	Probes          int              `json:"probes"`
	Pairs           int              `json:"pairs"`
	Eligible        int              `json:"eligible_pairs"`
	Ineligible      int              `json:"ineligible_pairs"`
	NaNQuirk        int              `json:"nan_quirk_pairs"`
	Table1          []tables.Row     `json:"table1"`
	Table2          []tables.Row     `json:"table2"`
	Steps           int64            `json:"exp3_steps"`
	AnalysisSeconds float64          `json:"analysis_seconds"`
	StepsPerSec     float64          `json:"exp3_steps_per_second"`
	Elapsed         float64          `json:"elapsed_seconds"`
	Files           []string         `json:"files"`
}

// reproduceFigures turns the pass's results into the figures' inputs, all
// but Figure 1.
func reproduceFigures(e *env, o *reproduceOptions, res *reproduction, rows1, rows2 []tables.Row, sum *reproduceSummary) (figures.Inputs, error) {
	fin := figures.Inputs{Table1: rows1, Table2: rows2, Sim: res.replay}
	// Figure 2: the --pair one, or the first candidate in (probe, anchor) order.
	pairKey := ""
	series, ok := res.fig2.Chosen()
	if !ok {
		if o.pair != "" {
			return fin, usagef("--pair %s: no such pair in the input", o.pair)
		}
		fin.Notes = append(fin.Notes, "Figure 2 was skipped: no pair has at least 4 segments and mixed zones.")
		e.log.Warn("figure 2 skipped: no pair with 4+ segments and mixed zones; choose one with --pair")
	} else {
		k := series.Key
		i, _ := slices.BinarySearchFunc(res.tables, k, func(p tables.Pair, k pairs.Key) int { return pairs.Compare(p.Key(), k) })
		tp := res.tables[i]
		if !tp.Eligible {
			return fin, usagef("--pair %s: the pair is not eligible (%d paired tests), so it has no segments", o.pair, tp.N)
		}
		f2, err := figures.Figure2(series, tp.Segments, tp.Class.Zone)
		if err != nil {
			return fin, err
		}
		fin.Fig2 = f2
		pairKey = k.String()
	}
	fin.Parameters = []figures.KV{
		{Key: "input", Value: sum.Input.Path}, {Key: "input sha256", Value: sum.Input.SHA256},
		{Key: "points", Value: strconv.Itoa(o.points)}, {Key: "figure 2 pair", Value: pairKey},
	}
	var js bytes.Buffer
	if err := writeJSON(&js, sum); err != nil {
		return fin, err
	}
	s, err := figures.ReadSummary(&js)
	if err != nil {
		return fin, err
	}
	fin.Summaries = []figures.NamedSummary{{Name: "reproduce", Summary: s}}
	return fin, nil
}

// figure1InMemory is the number of tests up to which reproduce computes
// Figure 1 in memory (about 130 MB at most), where figures.Figure1Passes'
// fixed costs would dominate. Both give the same output
// (figures.TestFigure1PassesBuild).
const figure1InMemory = 1 << 21

// reproduceFigure1 computes Figure 1 from the spill: in memory when it is
// small (and the spill still in memory), else in a few passes over its file
// rather than holding every test.
func reproduceFigure1(ctx context.Context, e *env, o *reproduceOptions, spill *durationSpill, passes *atomic.Int64) (*figures.Fig1, error) {
	if spill.rows > figure1InMemory {
		return figures.Figure1Passes(ctx, logPasses(spill.pass(), e.log, passes), o.points)
	}
	v4, v6, err := spill.readAll(ctx)
	if err != nil {
		return nil, err
	}
	return figures.Figure1(v4, v6)
}

// logPasses logs each pass of Figure 1 at debug level, with its time, and
// counts them in passes (if not nil) as they start.
func logPasses(pass figures.Pass, log *slog.Logger, passes *atomic.Int64) figures.Pass {
	n := 0
	return func(ctx context.Context, visit func(v4, v6 []float64) error) error {
		n++
		if passes != nil {
			passes.Store(int64(n))
		}
		defer func(start time.Time) {
			log.Debug("figure 1 pass", "pass", n, "elapsed", time.Since(start).Round(time.Millisecond))
		}(time.Now())
		return pass(ctx, visit)
	}
}

// figureProgress is what reproduce's figure phase has done: Figure 1's
// passes over the spill, and the files written.
type figureProgress struct {
	passes, written, files atomic.Int64
}

// line is the progress line of the figure phase.
func (p *figureProgress) line(time.Duration) string {
	s := "reproduce: figures and report"
	if n := p.passes.Load(); n > 0 {
		s += fmt.Sprintf(", Figure 1 pass %d", n)
	}
	if n := p.files.Load(); n > 0 {
		s += fmt.Sprintf(", %d of %d files written", p.written.Load(), n)
	}
	return s
}

// counting returns the files of both lists with their writes counted in p.
func (p *figureProgress) counting(now, later []outFile) ([]outFile, []outFile) {
	p.files.Store(int64(len(now) + len(later)))
	count := func(files []outFile) []outFile {
		out := make([]outFile, len(files))
		for i, f := range files {
			out[i] = outFile{f.name, func(w io.Writer) error {
				defer p.written.Add(1)
				return f.write(w)
			}}
		}
		return out
	}
	return count(now), count(later)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
