package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/afsel/afsel/compare"
	"github.com/afsel/afsel/figures"
	"github.com/afsel/afsel/internal/atomicfile"
	"github.com/afsel/afsel/internal/outdir"
	"github.com/afsel/afsel/replay"
	"github.com/afsel/afsel/tables"
)

// outFile is one file of a run and how to write it.
type outFile struct {
	name  string
	write func(io.Writer) error
}

// FiguresDir is the subdirectory of the figures and the report.
const FiguresDir = "figures"

// SummaryFile is the name of the summary.
const SummaryFile = "summary.json"

// dataFiles are the tables' and the replay's files of the stages run.
func (r *Result) dataFiles() []outFile {
	var files []outFile
	if r.Stages.Tables {
		rows1, rows2 := tables.Rows1(r.Table1), tables.Rows2(r.Table2)
		files = append(files,
			outFile{"table1.csv", func(w io.Writer) error { return tables.WriteTable(w, rows1) }},
			outFile{"table2.csv", func(w io.Writer) error { return tables.WriteTable(w, rows2) }},
			outFile{"flows.csv", func(w io.Writer) error { return tables.WriteFlows(w, r.Tables) }},
			outFile{"change_points.csv", func(w io.Writer) error { return tables.WriteChangePoints(w, r.Tables) }},
		)
	}
	if r.Stages.Replay {
		gammas := r.Config.Replay.Gammas
		if r.Stages.Sweep {
			for g, gamma := range gammas {
				files = append(files, outFile{"simulation_gamma=" + strconv.FormatFloat(gamma, 'g', -1, 64) + ".csv",
					func(w io.Writer) error { return replay.WriteSimulation(w, r.Replay, g) }})
			}
			files = append(files, outFile{"sweep.csv", func(w io.Writer) error { return replay.WriteSweep(w, r.Replay, gammas) }})
		} else {
			files = append(files, outFile{"simulation.csv", func(w io.Writer) error { return replay.WriteSimulation(w, r.Replay, 0) }})
		}
		files = append(files, outFile{"replay_metrics.csv", func(w io.Writer) error { return replay.WriteMetrics(w, r.Replay, gammas) }})
	}
	if p := r.Policies; p != nil {
		files = append(files,
			outFile{"policies_pairs.csv", func(w io.Writer) error { return compare.WritePairs(w, p) }},
			outFile{"policies.csv", func(w io.Writer) error { return compare.WriteSummary(w, p) }},
			outFile{"policies_segments.csv", func(w io.Writer) error { return compare.WriteSegments(w, p) }},
			outFile{"policies_cdf.csv", func(w io.Writer) error { return compare.WriteCDF(w, p) }},
		)
	}
	return files
}

// Write writes the run's files into out.Dir as a whole: they are written
// into a staging directory beside it, with what the directory already holds
// of other runs on the same input (see carryOver), which then takes its
// place. On error or cancellation the directory is left as it was. It
// returns the summary it wrote.
//
// The files are written several at a time: the figures' first, PNGs first
// among them (drawing them takes longest); Figure 1 is computed meanwhile,
// and the files that need it are written as soon as it is ready.
func (r *Result) Write(ctx context.Context, out Output, mon *Monitor) (*Summary, error) {
	d, err := outdir.Stage(out.Dir)
	if err != nil {
		return nil, err
	}
	defer d.Abort()
	sum := r.summary(out)
	files := r.dataFiles()
	var now, later []outFile
	var ready <-chan struct{}
	if r.Stages.Figures {
		built, fig1Ready, err := r.figureFiles(ctx, sum, mon)
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Join(d.Path(), FiguresDir), 0o755); err != nil {
			return nil, fmt.Errorf("output directory: %w", err)
		}
		for _, f := range files {
			sum.Files = append(sum.Files, f.name)
		}
		for _, f := range built {
			sum.Files = append(sum.Files, filepath.Join(FiguresDir, f.Name))
		}
		isPNG := func(f figures.File) int { return b2i(strings.HasSuffix(f.Name, ".png")) }
		slices.SortStableFunc(built, func(a, b figures.File) int { return isPNG(b) - isPNG(a) })
		for _, f := range built {
			of := outFile{filepath.Join(FiguresDir, f.Name), f.Write}
			if f.Waits {
				later = append(later, of)
			} else {
				now = append(now, of)
			}
		}
		ready = fig1Ready
	} else {
		for _, f := range files {
			sum.Files = append(sum.Files, f.name)
		}
	}
	sum.Files = append(sum.Files, SummaryFile)
	kept, dropped, err := carryOver(d, sum, out.Force)
	if err != nil {
		return nil, err
	}
	if len(dropped) > 0 {
		mon.log().Warn("removed from the output directory: outputs of other runs", "dir", out.Dir, "files", dropped)
	}
	sum.Elapsed = time.Since(r.start).Seconds()
	manifest := Manifest{Runs: append(kept, sum)}
	files = append(files,
		outFile{SummaryFile, func(w io.Writer) error { return WriteJSON(w, sum) }},
		outFile{ManifestFile, func(w io.Writer) error { return WriteJSON(w, manifest) }})
	now = append(now, files...)
	if err := writeFiles(ctx, d.Path(), now, later, ready, mon); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := d.Commit(); err != nil {
		return nil, err
	}
	return sum, nil
}

// writeFiles writes the files of now and later into dir, several at a
// time, where writing a file of later waits for work still under way, done
// when ready is closed (nil: no file waits). A writer takes the next file
// of later once ready is closed, else the next of now: none waits while a
// file of now is left, and the files of later start as soon as they can.
func writeFiles(ctx context.Context, dir string, now, later []outFile, ready <-chan struct{}, mon *Monitor) error {
	if mon != nil {
		mon.Files.Store(int64(len(now) + len(later)))
	}
	var mu sync.Mutex
	next := func() (outFile, bool) {
		mu.Lock()
		defer mu.Unlock()
		isReady := false
		select {
		case <-ready:
			isReady = true
		default:
		}
		var f outFile
		switch {
		case len(later) > 0 && (isReady || len(now) == 0):
			f, later = later[0], later[1:]
		case len(now) > 0:
			f, now = now[0], now[1:]
		default:
			return f, false
		}
		return f, true
	}
	g, ctx := errgroup.WithContext(ctx)
	for range runtime.GOMAXPROCS(0) {
		g.Go(func() error {
			for f, ok := next(); ok; f, ok = next() {
				if err := ctx.Err(); err != nil {
					return err
				}
				start := time.Now()
				path := filepath.Join(dir, f.name)
				if err := atomicfile.WriteFile(path, func(w *bufio.Writer) error { return f.write(w) }); err != nil {
					return err
				}
				if mon != nil {
					mon.Written.Add(1)
				}
				mon.log().Debug("wrote", "file", path, "elapsed", time.Since(start).Round(time.Millisecond))
			}
			return nil
		})
	}
	return g.Wait()
}

// figureFiles turns the pass's results into the figures' files; those
// that need Figure 1 may be written once ready is closed.
func (r *Result) figureFiles(ctx context.Context, sum *Summary, mon *Monitor) ([]figures.File, <-chan struct{}, error) {
	points := r.Config.Figures.Points
	fin := figures.Inputs{Table1: sum.Table1, Table2: sum.Table2}
	gamma := r.Config.Replay.Gammas[0]
	for i := range r.Replay {
		p := &r.Replay[i]
		sp := figures.SimPair{PairKey: figures.PairKey{Probe: p.Probe, Anchor: p.Anchor}, Eligible: p.Eligible}
		if p.Eligible {
			s := p.Sims[0]
			sp.Zone, sp.Gain, sp.Median = p.Class.Zone, p.Class.Gain, p.Class.Median
			sp.MedianBestChoice, sp.BestPathChoice, sp.StaticBestChoice = s.MedianBestChoice, p.BestPathChoice, p.StaticBestChoice
			fin.Metrics = append(fin.Metrics, figures.Metric{
				PairKey: sp.PairKey, Gamma: gamma, Zone: p.Class.Zone, Family: string(p.Family),
				EXP3Gain: s.Gain, StaticGain: p.StaticGain, ProbeGain: p.ProbeGain, EXP3Regret: s.Regret,
			})
		}
		fin.Sim = append(fin.Sim, sp)
	}
	fig1 := sync.OnceValues(func() (*figures.Fig1, error) { return r.figure1(ctx, mon) })
	ready := make(chan struct{})
	go func() {
		defer close(ready)
		fig1() //nolint:errcheck // its error is every waiting file's
	}()
	fin.Figure1 = fig1
	pairKey := ""
	want := r.Config.Figures.Pair
	if r.fig2 == nil {
		if want != nil {
			return nil, nil, fmt.Errorf("figure 2: pair %v: %w", *want, ErrNoSuchPair)
		}
		fin.Notes = append(fin.Notes, "Figure 2 was skipped: no pair has at least 4 segments and mixed zones.")
		mon.log().Warn("figure 2 skipped: no pair with 4+ segments and mixed zones; choose one with --pair")
	} else {
		k := r.fig2.PairKey
		i, _ := slices.BinarySearchFunc(r.Tables, k, func(p tables.Pair, k figures.PairKey) int {
			return cmpKey(figures.PairKey{Probe: p.Probe, Anchor: p.Anchor}, k)
		})
		tp := r.Tables[i]
		if !tp.Eligible {
			return nil, nil, fmt.Errorf("figure 2: pair %v: %w (%d paired tests), so it has no segments", k, ErrPairIneligible, tp.N)
		}
		f2, err := figures.Figure2(*r.fig2, figures.SegPair{PairKey: k, Segments: tp.Segments, Mixed: tp.Mixed}, tp.Class.Zone)
		if err != nil {
			return nil, nil, err
		}
		fin.Fig2 = f2
		pairKey = k.String()
	}
	fin.Parameters = []figures.KV{
		{Key: "input", Value: sum.Input.Path}, {Key: "input sha256", Value: sum.Input.SHA256},
		{Key: "points", Value: strconv.Itoa(points)}, {Key: "figure 2 pair", Value: pairKey},
	}
	var js bytes.Buffer
	if err := WriteJSON(&js, sum); err != nil {
		return nil, nil, err
	}
	s, err := figures.ReadSummary(&js)
	if err != nil {
		return nil, nil, err
	}
	fin.Summaries = []figures.NamedSummary{{Name: sum.Command, Summary: s}}
	built, rep, err := figures.Build(fin, points)
	if err != nil {
		return nil, nil, err
	}
	r.Report = rep
	return built, ready, nil
}

// figure1InMemory is the number of tests up to which Figure 1 is computed
// in memory (about 130 MB at most), where figures.Figure1Passes' fixed
// costs would dominate. Both give the same output
// (figures.TestFigure1PassesBuild).
const figure1InMemory = 1 << 21

// figure1 computes Figure 1 from the spill: in memory when it is small (and
// the spill still in memory), else in a few passes over its file rather
// than holding every test.
func (r *Result) figure1(ctx context.Context, mon *Monitor) (*figures.Fig1, error) {
	if r.spill.rows > figure1InMemory {
		return figures.Figure1Passes(ctx, logPasses(r.spill.pass(), mon), r.Config.Figures.Points)
	}
	v4, v6, err := r.spill.readAll(ctx)
	if err != nil {
		return nil, err
	}
	return figures.Figure1(v4, v6)
}

// logPasses logs each pass of Figure 1 at debug level, with its time, and
// counts them in mon as they start.
func logPasses(pass figures.Pass, mon *Monitor) figures.Pass {
	n := 0
	return func(ctx context.Context, visit func(v4, v6 []float64) error) error {
		n++
		if mon != nil {
			mon.Fig1Pass.Store(int64(n))
		}
		defer func(start time.Time) {
			mon.log().Debug("figure 1 pass", "pass", n, "elapsed", time.Since(start).Round(time.Millisecond))
		}(time.Now())
		return pass(ctx, visit)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
