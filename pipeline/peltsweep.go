package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/afsel/afsel/changepoint"
	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/internal/outdir"
	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/render"
	"github.com/afsel/afsel/stats"
	"github.com/afsel/afsel/tables"
)

// The files of a PELT sweep: Table 2 per change-point configuration, and
// its figure (in FiguresDir, as .svg and .png).
const (
	PeltSweepFile   = "table2_sweep.csv"
	PeltSweepFigure = "table2_sweep"
)

// ErrPeltGrid is wrapped by RunPeltSweep's error when its grid is empty or
// holds a configuration changepoint cannot run.
var ErrPeltGrid = errors.New("PELT sweep")

// PeltGrid is every combination of the given minimum sizes, jumps and
// penalties, ordered by minimum size, then jump, then penalty, each in the
// order given. It is empty if any list is.
func PeltGrid(minSizes, jumps []int, penalties []float64) []changepoint.Config {
	var cfgs []changepoint.Config
	for _, m := range minSizes {
		for _, j := range jumps {
			for _, p := range penalties {
				cfgs = append(cfgs, changepoint.Config{MinSize: m, Jump: j, Penalty: p})
			}
		}
	}
	return cfgs
}

// PeltSweep is Table 2 under each change-point configuration of a grid,
// from one pass over the input: each eligible pair is classified once (its
// class, and Table 1, do not depend on the change points) and segmented
// once per configuration.
type PeltSweep struct {
	Config Config // the run's config; its Tables.Pelt is not used
	Input  InputInfo
	Rows   ingest.Stats
	Group  pairs.Stats
	Grid   []changepoint.Config
	Table1 stats.Table1
	// Tables2[i] is Table 2 under Grid[i]; for Config.Tables with Pelt
	// Grid[i] it equals Run's Table2.
	Tables2  []tables.Table2
	Analysis time.Duration
	start    time.Time
}

// RunPeltSweep reads the input once and computes Table 1 and, for each
// configuration of grid, Table 2, on cfg.Workers goroutines. The results do
// not depend on the number of workers nor on the order of the probes.
func RunPeltSweep(ctx context.Context, in Input, cfg Config, grid []changepoint.Config, mon *Monitor) (*PeltSweep, error) {
	start := time.Now()
	cfg.Normalize()
	if err := cfg.Validate(Stages{Tables: true}); err != nil {
		return nil, err
	}
	if len(grid) == 0 {
		return nil, fmt.Errorf("%w: no change-point configuration", ErrPeltGrid)
	}
	for _, c := range grid {
		if err := c.Validate(); err != nil {
			return nil, fmt.Errorf("%w: min_size %d, jump %d, penalty %g: %w", ErrPeltGrid, c.MinSize, c.Jump, c.Penalty, err)
		}
	}
	cfg.TempDir = nearestDir(cfg.TempDir)
	if in.keepFailures != nil {
		in.keepFailures(false)
	}
	if in.prepare != nil {
		if in.cleanup != nil {
			defer in.cleanup()
		}
		if err := in.prepare(cfg.TempDir); err != nil {
			return nil, err
		}
	}
	mon.phase(PhaseAnalysis)
	describe := startDescribe(in.Describe)
	res := &PeltSweep{Config: cfg, Grid: grid, start: start}

	var mu sync.Mutex
	var t1 stats.Table1
	t2 := make([]tables.Table2, len(grid))
	reset := func() {
		t1 = stats.Table1{}
		clear(t2)
	}
	newWork := func() func(pairs.Probe) error {
		cls := stats.NewClassifier(cfg.Tables.Stats)
		segs := make([]*changepoint.Segmenter, len(grid))
		for i, c := range grid {
			segs[i] = changepoint.NewSegmenter(c, cfg.Tables.Stats)
		}
		var buf []changepoint.Segment
		var r4, r6 stats.Ranked // a pair ranked once, for every grid point
		// The probe's counts, added to the totals at its end.
		var pt1 stats.Table1
		pt2 := make([]tables.Table2, len(grid))
		return func(p pairs.Probe) error {
			pt1 = stats.Table1{}
			clear(pt2)
			for i := range p.Series {
				s := &p.Series[i]
				if !s.Eligible(cfg.Tables.MinTests) {
					continue
				}
				tp := tables.Pair{Probe: s.Probe, Anchor: s.Anchor, N: s.Len(), Eligible: true}
				r4.Rank(s.V4)
				r6.Rank(s.V6)
				tp.Class = cls.ClassifyRanked(&r4, &r6)
				pt1.Add(tp.Class)
				for k, sg := range segs {
					var err error
					if buf, err = sg.SegmentsRanked(buf[:0], &r4, &r6); err != nil {
						return fmt.Errorf("pair %d→%d, %s: %w", s.Probe, s.Anchor, peltName(grid[k]), err)
					}
					tp.Segments = buf
					pt2[k].Add(&tp)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			t1.Merge(pt1)
			for k := range t2 {
				t2[k].Merge(pt2[k])
			}
			return nil
		}
	}
	each := pairs.EachConfig{Workers: cfg.Workers, Progress: mon.analysis(), Restart: reset}
	group, rows, err := pairs.Each(ctx, in.Open, each, newWork)
	if err != nil {
		return nil, err
	}
	logDropped(mon, rows)
	if res.Input, err = describe(); err != nil {
		return nil, err
	}
	if group.Pairs == 0 {
		name := res.Input.Path
		if name == "" {
			name = fmt.Sprintf("the %d input files", len(res.Input.Files))
		}
		if d := rows.DroppedTotal(); d > 0 {
			return nil, fmt.Errorf("%w in %s: all %d rows were dropped (%s)", ErrNoTests, name, d, rows.DroppedText())
		}
		return nil, fmt.Errorf("%w in %s", ErrNoTests, name)
	}
	if t1.NaNQuirk > 0 {
		mon.log().Info("pairs classified through the NaN quirk (constant equal trimmed samples, zone 1 as in the artefacts)", "pairs", t1.NaNQuirk)
	}
	res.Rows, res.Group, res.Table1, res.Tables2 = rows, group, t1, t2
	res.Analysis = time.Since(start)
	mon.log().Debug("PELT sweep done", "pairs", group.Pairs, "configurations", len(grid), "elapsed", res.Analysis.Round(time.Millisecond))
	return res, nil
}

// peltName names a configuration in messages.
func peltName(c changepoint.Config) string {
	return fmt.Sprintf("min_size %d, jump %d, penalty %g", c.MinSize, c.Jump, c.Penalty)
}

// SweepRows is table2_sweep.csv's rows: Table 2 of each configuration, in the
// grid's order.
func (r *PeltSweep) SweepRows() []tables.SweepRow { return tables.SweepRows(r.Grid, r.Tables2) }

// Write writes the sweep's files into out.Dir as a whole, as Result.Write
// does: table2_sweep.csv, the figure figures/table2_sweep.svg and .png,
// and summary.json with Table 1 (which no change point moves) and the grid
// (pelt_grid; its tables_parameters.pelt is Config's, unused). It writes no table1.csv, so
// that the files of an 'afsel tables' run in the same directory stay.
func (r *PeltSweep) Write(ctx context.Context, out Output, mon *Monitor) (*Summary, error) {
	rows := r.SweepRows()
	fig, err := render.Table2Sweep(rows)
	if err != nil {
		return nil, err
	}
	d, err := outdir.Stage(out.Dir)
	if err != nil {
		return nil, err
	}
	defer d.Abort()
	if err := os.MkdirAll(filepath.Join(d.Path(), FiguresDir), 0o755); err != nil {
		return nil, fmt.Errorf("output directory: %w", err)
	}
	rows1 := tables.Rows1(r.Table1)
	files := []outFile{
		{PeltSweepFile, func(w io.Writer) error { return tables.WriteSweep(w, rows) }},
	}
	for _, f := range fig.Files() {
		files = append(files, outFile{filepath.Join(FiguresDir, f.Name), f.Write})
	}
	sum := &Summary{
		Command: out.Command, Version: out.Version, Input: r.Input, Profile: r.Config.Profile,
		Tables: &r.Config.Tables, NaNQuirk: &r.Table1.NaNQuirk, Table1: rows1,
		Rows: r.Rows, Probes: r.Group.Probes, Pairs: r.Group.Pairs,
		Eligible: r.Table1.Total(), AnalysisSeconds: r.Analysis.Seconds(),
		Started: r.start.UTC().Format(time.RFC3339), PeltGrid: r.Grid,
	}
	sum.Ineligible = sum.Pairs - sum.Eligible
	for _, f := range files {
		sum.Files = append(sum.Files, f.name)
	}
	if err := finish(ctx, d, out, sum, r.start, files, nil, nil, nil, mon); err != nil {
		return nil, err
	}
	return sum, nil
}
