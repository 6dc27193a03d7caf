package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/afsel/afsel/failures"
	"github.com/afsel/afsel/figures"
	"github.com/afsel/afsel/internal/rankstat"
	"github.com/afsel/afsel/render"
	"github.com/afsel/afsel/report"
)

// figurePhase is the figures' files of a run, in the summary's order (all
// under FiguresDir): those named in waits are written once ready is closed,
// when Figure 1, computed meanwhile, and the report are ready.
type figurePhase struct {
	files []outFile
	waits map[string]bool
	ready <-chan struct{}
}

// figures computes and draws every figure but Figure 1, and starts
// computing Figure 1 from the spill and then the report, in the background.
func (r *Result) figures(ctx context.Context, sum *Summary, mon *Monitor) (*figurePhase, error) {
	points := r.Config.Figures.Points
	fin := report.Inputs{Table1: sum.Table1, Table2: sum.Table2, Sim: r.Replay, Header: reportHeader(sum.Input, r.start)}
	if r.Stages.Tables && r.Config.Probes != nil {
		fin.Networks = r.Networks
	}
	if p := r.PoliciesFailures; p != nil {
		fin.Failures = failures.Table(r.FailurePairs, r.Config.Tables.MinTests)
		fin.PolicyFailures, fin.FailureCDF = p.Rows(), p.CDFRows()
	}
	pair := ""
	if series, ok := r.fig2.Chosen(); !ok {
		if want := r.Config.Figures.Pair; want != nil {
			return nil, fmt.Errorf("figure 2: pair %v: %w", *want, ErrNoSuchPair)
		}
		fin.Notes = append(fin.Notes, "Figure 2 was skipped: no pair has at least 4 segments and mixed zones.")
		mon.log().Warn("figure 2 skipped: no pair with 4+ segments and mixed zones; choose one with --pair")
	} else {
		k := series.Key
		tp, _ := r.fig2.ChosenPair()
		if !tp.Eligible {
			return nil, fmt.Errorf("figure 2: pair %v: %w (%d paired tests), so it has no segments", k, ErrPairIneligible, tp.N)
		}
		f2, err := figures.Figure2(series, tp.Segments, tp.Class.Zone)
		if err != nil {
			return nil, err
		}
		fin.Fig2 = f2
		pair = k.String()
	}
	fin.Parameters = []report.KV{
		{Key: "input", Value: sum.Input.Path}, {Key: "input sha256", Value: sum.Input.SHA256},
		{Key: "points", Value: strconv.Itoa(points)}, {Key: "figure 2 pair", Value: pair},
	}
	var js bytes.Buffer
	if err := WriteJSON(&js, sum); err != nil {
		return nil, err
	}
	s, err := report.ReadSummary(&js)
	if err != nil {
		return nil, err
	}
	fin.Summaries = []report.NamedSummary{{Name: sum.Command, Summary: s}}

	// The hours of day: their figure, drawn with the others, goes in the
	// report's own section.
	var hoursFig *render.Figure
	if r.Hours != nil {
		if hoursFig, err = render.Hours(r.Hours); errors.Is(err, render.ErrNoHours) {
			mon.log().Warn("hours figure skipped: no eligible pair")
			hoursFig, err = nil, nil
		} else if err != nil {
			return nil, err
		}
	}
	withHours := func(rep *report.Report) *report.Report {
		rep.Hours, rep.HoursFigure = r.Hours, hoursFig
		return rep
	}

	// Figure 1 is computed and drawn, and then the report made, while the
	// other figures are drawn and their files written.
	var (
		drawn      *report.Drawn
		drawnReady = make(chan struct{})
		f1         *figures.Fig1
		fig1       *render.Figure
		rep        *report.Report
		fig1Err    error
		ready      = make(chan struct{})
	)
	go func() {
		defer close(ready)
		if f1, fig1Err = r.figure1(ctx, mon); fig1Err != nil {
			return
		}
		if fig1, fig1Err = render.Figure1(f1, points); fig1Err != nil {
			return
		}
		if <-drawnReady; drawn != nil {
			in := fin
			in.Fig1 = f1
			rep = withHours(report.New(in, append([]*render.Figure{fig1}, drawn.Figures...), drawn.Coverage))
		}
	}()
	drawn, err = report.Draw(fin, points)
	close(drawnReady)
	if err != nil {
		return nil, err
	}
	r.Coverage = drawn.Coverage
	after := func(name string, write func(io.Writer) error) report.File {
		return report.File{Name: name, Write: func(w io.Writer) error {
			select {
			case <-ready:
			case <-ctx.Done():
				return ctx.Err()
			}
			if fig1Err != nil {
				return fig1Err
			}
			return write(w)
		}}
	}
	fig1Files := []report.File{
		after("fig1.csv", func(w io.Writer) error { return figures.WriteRows(w, f1.Rows(points)) }),
		after("fig1.svg", func(w io.Writer) error { return fig1.WriteSVG(w) }),
		after("fig1.png", func(w io.Writer) error { return fig1.WritePNG(w) }),
	}
	reportFiles := []report.File{
		after("report.html", func(w io.Writer) error { return report.WriteHTML(w, rep) }),
		after("report.md", func(w io.Writer) error { return report.WriteMarkdown(w, rep) }),
	}
	// fig1.csv first, then the other CSVs; Figure 1's images before the
	// other figures'; the report last.
	csv := append(append([]report.File{fig1Files[0]}, drawn.CSV...), fig1Files[1:]...)
	fp := &figurePhase{waits: map[string]bool{}, ready: ready}
	figs := drawn.Figures
	if hoursFig != nil {
		figs = append(slices.Clip(figs), hoursFig)
	}
	for _, f := range report.FileNames(csv, figs, reportFiles) {
		fp.files = append(fp.files, outFile{filepath.Join(FiguresDir, f.Name), f.Write})
	}
	for _, f := range append(fig1Files, reportFiles...) {
		fp.waits[filepath.Join(FiguresDir, f.Name)] = true
	}
	return fp, nil
}

// figure1InMemory is the number of tests up to which Figure 1 is computed
// in memory (about 130 MB at most), where figures.Figure1Passes' fixed
// costs would dominate. Both give the same output
// (figures.TestFigure1PassesBuild).
var figure1InMemory = 1 << 21 // a variable for tests

// figure1 computes Figure 1 from the spill: in memory when it is small (and
// the spill still in memory), else in a few passes over its file rather
// than holding every test.
func (r *Result) figure1(ctx context.Context, mon *Monitor) (*figures.Fig1, error) {
	if r.spill.Rows() > int64(figure1InMemory) {
		var passes *atomic.Int64
		if mon != nil {
			passes = &mon.Fig1Pass
		}
		return figures.Figure1Passes(ctx, logPasses(r.spill.Pass(), mon.log(), passes), r.Config.Figures.Points)
	}
	v4, v6, err := r.spill.ReadAll(ctx)
	if err != nil {
		return nil, fmt.Errorf("figure 1: %w", err)
	}
	return figures.Figure1(v4, v6)
}

// logPasses logs each pass of Figure 1 at debug level, with its time, and
// counts them in passes (if not nil) as they start.
func logPasses(pass rankstat.Pass, log *slog.Logger, passes *atomic.Int64) rankstat.Pass {
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

// reportHeader is the report's header of a run on in that started at
// start: the input's name, the run's date, and the synthetic-data banner
// when the input is synthetic.
func reportHeader(in InputInfo, start time.Time) report.Header {
	h := report.Header{Input: inputName(in), Date: start}
	if in.Synthetic {
		h.Synthetic = SyntheticNote
	}
	return h
}

// inputName names the input in the report's title: its path, or its files'
// (the first few, then how many more).
func inputName(in InputInfo) string {
	if in.Path != "" || len(in.Files) == 0 {
		return in.Path
	}
	const shown = 3
	var names []string
	for _, f := range in.Files[:min(len(in.Files), shown)] {
		names = append(names, f.Path)
	}
	s := strings.Join(names, ", ")
	if n := len(in.Files) - shown; n > 0 {
		s += fmt.Sprintf(" and %d more files", n)
	}
	return s
}
