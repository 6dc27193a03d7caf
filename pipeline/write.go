package pipeline

import (
	"bufio"
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
	"github.com/afsel/afsel/failures"
	"github.com/afsel/afsel/hours"
	"github.com/afsel/afsel/internal/atomicfile"
	"github.com/afsel/afsel/internal/outdir"
	"github.com/afsel/afsel/networks"
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
	labels := r.Config.Labels
	if r.Stages.Tables {
		rows1, rows2 := tables.Rows1(r.Table1), tables.Rows2(r.Table2)
		to := tables.WriteOptions{Labels: labels}
		files = append(files,
			outFile{"table1.csv", func(w io.Writer) error { return tables.WriteTable(w, rows1) }},
			outFile{"table2.csv", func(w io.Writer) error { return tables.WriteTable(w, rows2) }},
			outFile{"flows.csv", func(w io.Writer) error { return tables.WriteFlows(w, r.Tables, to) }},
			outFile{"change_points.csv", func(w io.Writer) error { return r.WriteChangePoints(w, to) }},
		)
	}
	if r.Stages.Tables && r.Config.Probes != nil {
		files = append(files, outFile{"networks.csv", func(w io.Writer) error { return networks.Write(w, r.Networks) }})
	}
	if h := r.Hours; h != nil {
		files = append(files, outFile{"hours.csv", func(w io.Writer) error { return hours.WriteCSV(w, h, hours.WriteOptions{Labels: labels}) }})
	}
	if r.Stages.Replay {
		gammas := r.Config.Replay.Gammas
		ro := replay.WriteOptions{Labels: labels}
		if r.Stages.Sweep {
			for g, gamma := range gammas {
				files = append(files, outFile{"simulation_gamma=" + strconv.FormatFloat(gamma, 'g', -1, 64) + ".csv",
					func(w io.Writer) error { return replay.WriteSimulation(w, r.Replay, g, ro) }})
			}
			files = append(files, outFile{"sweep.csv", func(w io.Writer) error { return replay.WriteSweep(w, r.Replay, gammas, ro) }})
		} else {
			files = append(files, outFile{"simulation.csv", func(w io.Writer) error { return replay.WriteSimulation(w, r.Replay, 0, ro) }})
		}
		files = append(files, outFile{"replay_metrics.csv", func(w io.Writer) error { return replay.WriteMetrics(w, r.Replay, gammas, ro) }})
	}
	if p := r.Policies; p != nil {
		co := compare.WriteOptions{Labels: labels}
		files = append(files,
			outFile{"policies_pairs.csv", func(w io.Writer) error { return compare.WritePairs(w, p, co) }},
			outFile{"policies.csv", func(w io.Writer) error { return compare.WriteSummary(w, p, co) }},
			outFile{"policies_segments.csv", func(w io.Writer) error { return compare.WriteSegments(w, p, co) }},
			outFile{"policies_cdf.csv", func(w io.Writer) error { return compare.WriteCDF(w, p) }},
		)
	}
	if p := r.PoliciesFailures; p != nil {
		table := failures.Table(r.FailurePairs, r.Config.Tables.MinTests)
		files = append(files,
			outFile{"failures.csv", func(w io.Writer) error { return failures.WriteTable(w, table) }},
			outFile{"failures_pairs.csv", func(w io.Writer) error { return failures.WritePairs(w, r.FailurePairs) }},
			outFile{"policies_failures.csv", func(w io.Writer) error {
				return compare.WriteFailures(w, p, compare.WriteOptions{Labels: labels})
			}},
			outFile{"policies_failures_cdf.csv", func(w io.Writer) error { return compare.WriteFailureCDF(w, p) }},
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
	// Figure 1 is computed in the background: it stops with Write.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	d, err := outdir.Stage(out.Dir)
	if err != nil {
		return nil, err
	}
	defer d.Abort()
	sum := r.summary(out)
	files := r.dataFiles()
	for _, f := range files {
		sum.Files = append(sum.Files, f.name)
	}
	var now, later []outFile
	var ready <-chan struct{}
	if r.Stages.Figures {
		mon.phase(PhaseFigures)
		fp, err := r.figures(ctx, sum, mon)
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Join(d.Path(), FiguresDir), 0o755); err != nil {
			return nil, fmt.Errorf("output directory: %w", err)
		}
		for _, f := range fp.files {
			sum.Files = append(sum.Files, f.name)
		}
		// PNGs first: drawing them takes longest.
		isPNG := func(f outFile) int { return b2i(strings.HasSuffix(f.name, ".png")) }
		slices.SortStableFunc(fp.files, func(a, b outFile) int { return isPNG(b) - isPNG(a) })
		for _, f := range fp.files {
			if fp.waits[f.name] {
				later = append(later, f)
			} else {
				now = append(now, f)
			}
		}
		ready = fp.ready
	}
	if err := finish(ctx, d, out, sum, r.start, append(now, files...), later, ready, nil, mon); err != nil {
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
	mon.phase(PhaseWriting)
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

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
