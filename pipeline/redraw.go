package pipeline

import (
	"bufio"
	"context"
	"encoding/json"
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

	"github.com/afsel/afsel/compare"
	"github.com/afsel/afsel/failures"
	"github.com/afsel/afsel/figures"
	"github.com/afsel/afsel/hours"
	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/internal/atomicfile"
	"github.com/afsel/afsel/internal/outdir"
	"github.com/afsel/afsel/networks"
	"github.com/afsel/afsel/render"
	"github.com/afsel/afsel/replay"
	"github.com/afsel/afsel/report"
	"github.com/afsel/afsel/stats"
	"github.com/afsel/afsel/tables"
)

// RedrawInput is what Redraw draws from: the output directory of runs of
// tables and replay (or reproduce) and, optionally, the paired tests they
// read, for Figures 1 and 2.
type RedrawInput struct {
	Dir  string
	Data string // "": Figures 1 and 2 are skipped
	// Options read Data (SkipBadRows as the runs had it).
	Options ingest.Options
	// Week is a comparison with another run (afsel compare) for the
	// report's "Week over week" section, read by the caller (package
	// transition, which reads run directories through this package); nil:
	// none.
	Week *report.WeekOverWeek
}

// runFiles are the files of a run directory the figures are made from.
type runFiles struct {
	sim      []replay.Pair // with the metrics, when read
	metrics  bool
	flows    []tables.Pair
	cps      []tables.Pair
	t1, t2   []tables.Row
	summary  *report.Summary
	manifest *Manifest
	// policies and policyCDF: policies.csv and policies_cdf.csv of replay
	// --policies, when present.
	policies  []compare.SummaryRow
	policyCDF []figures.Row
	// The failures table and the comparison with failures, of --failures.
	failures       []failures.Row
	networks       []networks.Group
	hours          []hours.Row
	sweep          []tables.SweepRow // table2_sweep.csv of a PELT sweep
	policyFailures []compare.FailureRow
	failureCDF     []figures.Row
}

func readRunFiles(dir string) (*runFiles, error) {
	in := &runFiles{}
	var missing []string
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
		{"failures.csv", false, func(r io.Reader) error { in.failures, err = failures.ReadTable(r); return err }},
		{"networks.csv", false, func(r io.Reader) error { in.networks, err = networks.Read(r); return err }},
		{"hours.csv", false, func(r io.Reader) error { in.hours, err = hours.ReadCSV(r); return err }},
		{PeltSweepFile, false, func(r io.Reader) error { in.sweep, err = tables.ReadSweep(r); return err }},
		{"policies_failures.csv", false, func(r io.Reader) error { in.policyFailures, err = compare.ReadFailures(r); return err }},
		{"policies_failures_cdf.csv", false, func(r io.Reader) error { in.failureCDF, err = figures.ReadRows(r); return err }},
		{SummaryFile, false, func(r io.Reader) error {
			s, err := report.ReadSummary(r)
			in.summary = &s
			return err
		}},
	} {
		path := filepath.Join(dir, r.name)
		f, err := os.Open(path)
		if errors.Is(err, fs.ErrNotExist) {
			if r.required {
				missing = append(missing, r.name)
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		err = r.parse(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	if len(missing) > 0 {
		var runs []string
		add := func(r string) {
			if len(runs) == 0 || runs[len(runs)-1] != r {
				runs = append(runs, r)
			}
		}
		for _, m := range missing {
			if m == "simulation.csv" {
				add("afsel replay --input DATA --out " + dir)
			} else {
				add("afsel tables --input DATA --out " + dir)
			}
		}
		return nil, fmt.Errorf("%s lacks %s: run %s first", dir, strings.Join(missing, ", "), strings.Join(runs, " and "))
	}
	if err := figures.CheckConsistent(in.sim, in.flows, in.cps); err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	if in.manifest, err = ReadManifest(dir); err != nil {
		return nil, err
	}
	return in, nil
}

// Redraw draws the figures and the report of the runs in in.Dir (afsel
// figures) into out.Dir, as a whole (see Result.Write). The report shows
// the summary of every run the directory's manifest records (which share
// one input), or its summary.json where there is no manifest. It returns
// the per-probe coverage.
func Redraw(ctx context.Context, in RedrawInput, cfg FiguresConfig, out Output, mon *Monitor) (*figures.Coverage, error) {
	start := time.Now()
	runs, err := readRunFiles(in.Dir)
	if err != nil {
		return nil, err
	}
	fin := report.Inputs{Table1: runs.t1, Table2: runs.t2, Sim: runs.sim, Policies: runs.policies, PolicyCDF: runs.policyCDF,
		Failures: runs.failures, PolicyFailures: runs.policyFailures, FailureCDF: runs.failureCDF, Networks: runs.networks}
	fin.Parameters = []report.KV{{Key: "input", Value: in.Dir}, {Key: "points", Value: strconv.Itoa(cfg.Points)}}
	digest := ""
	// The header names the runs' input (which they share; a figures run
	// recorded there names the directory instead) and the first such run's
	// date (this run's when the runs record none).
	fin.Header = report.Header{Input: "the runs in " + in.Dir, Date: start}
	switch {
	case len(runs.manifest.Runs) > 0:
		header := false
		for _, r := range runs.manifest.Runs {
			if !header && (r.Tables != nil || r.Replay != nil) {
				fin.Header, header = reportHeader(r.Input, startedOr(r.Started, start)), true
			}
			var b strings.Builder
			if err := WriteJSON(&b, r); err != nil {
				return nil, err
			}
			s, err := report.ReadSummary(strings.NewReader(b.String()))
			if err != nil {
				return nil, err
			}
			fin.Summaries = append(fin.Summaries, report.NamedSummary{Name: r.Command + " (" + ManifestFile + ")", Summary: s})
			digest = r.Input.SHA256
		}
	case runs.summary != nil:
		fin.Summaries = append(fin.Summaries, report.NamedSummary{Name: runs.summary.Command + " (summary.json)", Summary: *runs.summary})
		fin.Notes = append(fin.Notes, fmt.Sprintf("%s has no %s (written by an older afsel): its summary.json is from afsel %s alone, so the parameters of the other command's run are not shown.", in.Dir, ManifestFile, runs.summary.Command))
		digest = runs.summary.Get("input.sha256")
		fin.Header = reportHeader(summaryInput(runs.summary), startedOr(runs.summary.Get("started"), start))
	default:
		fin.Notes = append(fin.Notes, "no summary.json in "+in.Dir+": run parameters and input digests unknown.")
	}
	if !runs.metrics {
		mon.log().Warn("no replay_metrics.csv: the report's replay summary has no gains", "dir", in.Dir)
	}
	if in.Data == "" {
		mon.log().Warn("no --data: Figures 1 and 2 skipped")
		fin.Notes = append(fin.Notes, "Figures 1 and 2 were skipped: no --data (the paired tests).")
	} else if fin.Fig1, fin.Fig2, err = dataFigures(ctx, in, cfg, runs, digest, nearestDir(filepath.Dir(filepath.Clean(out.Dir))), &fin, mon); err != nil {
		return nil, err
	}
	built, rep, err := report.Build(fin, cfg.Points)
	if err != nil {
		return nil, err
	}
	// The figures of the report's own sections: their files go before
	// the report's (the last two).
	insert := func(f *render.Figure) {
		n := len(built) - 2
		built = append(built[:n:n], append(f.Files(), built[n:]...)...)
	}
	if runs.hours != nil {
		hf, err := render.Hours(runs.hours)
		switch {
		case errors.Is(err, render.ErrNoHours):
			mon.log().Warn("hours figure skipped: no eligible pair")
		case err != nil:
			return nil, err
		default:
			insert(hf)
		}
		rep.Hours, rep.HoursFigure = runs.hours, hf
	}
	if runs.sweep != nil {
		sf, err := render.Table2Sweep(runs.sweep)
		switch {
		case errors.Is(err, render.ErrNoSweep):
			mon.log().Warn("Table 2 sweep figure skipped: no rows of groups A to D", "file", filepath.Join(in.Dir, PeltSweepFile))
		case err != nil:
			return nil, err
		default:
			insert(sf)
		}
		rep.Sweep, rep.SweepFigure = runs.sweep, sf
	}
	if in.Week != nil {
		if in.Week.Figure != nil {
			insert(in.Week.Figure)
		}
		rep.Week = in.Week
	}
	d, err := outdir.Stage(out.Dir)
	if err != nil {
		return nil, err
	}
	defer d.Abort()
	files := make([]outFile, len(built))
	sum := &Summary{Command: out.Command, Version: out.Version, Figures: &cfg}
	for i, f := range built {
		files[i] = outFile{f.Name, f.Write}
		sum.Files = append(sum.Files, f.Name)
	}
	sum.Input = InputInfo{Path: in.Dir, SHA256: digest}
	// The figures' directory is often a subdirectory of the runs' (the
	// default): the files the runs' manifest records there are theirs.
	parent, sub := filepath.Dir(filepath.Clean(out.Dir)), filepath.Base(filepath.Clean(out.Dir))
	pm, err := ReadManifest(parent)
	if err != nil {
		return nil, err
	}
	elsewhere := map[string]bool{}
	for _, r := range pm.Runs {
		for _, f := range r.Files {
			if rest, ok := strings.CutPrefix(filepath.ToSlash(f), sub+"/"); ok {
				elsewhere[top(rest)] = true
			}
		}
	}
	if err := finish(ctx, d, out, sum, start, files, nil, nil, elsewhere, mon); err != nil {
		return nil, err
	}
	if len(pm.Runs) > 0 {
		// Record the figures in the runs' manifest too, so that later runs
		// into that directory keep them with the runs they show.
		rec := *sum
		rec.Files = nil
		for _, f := range sum.Files {
			rec.Files = append(rec.Files, filepath.Join(sub, f))
		}
		runs := []*Summary{}
		for _, r := range pm.Runs {
			if r.Command != rec.Command {
				runs = append(runs, r)
			}
		}
		pm.Runs = append(runs, &rec)
		if err := atomicfile.WriteFile(filepath.Join(parent, ManifestFile), func(w *bufio.Writer) error { return WriteJSON(w, pm) }); err != nil {
			return nil, err
		}
	}
	return rep.Coverage, nil
}

// summaryInput is the input that a summary.json read back (report.Summary)
// describes: the fields the report's header shows.
func summaryInput(s *report.Summary) InputInfo {
	in := InputInfo{Path: s.Get("input.path"), Synthetic: s.Get("input.synthetic") == "true"}
	if f := s.Get("input.files"); f != "" {
		// An unreadable list leaves the header without the files.
		_ = json.Unmarshal([]byte(f), &in.Files)
	}
	return in
}

// dataFigures reads the paired tests in.Data for Figures 1 and 2: Figure 1
// in a few passes rather than holding them.
func dataFigures(ctx context.Context, in RedrawInput, cfg FiguresConfig, runs *runFiles, digest, tempDir string, rep *report.Inputs, mon *Monitor) (*figures.Fig1, *figures.Fig2, error) {
	cps := filepath.Join(in.Dir, "change_points.csv")
	key, ok := figures.ChoosePair(runs.cps, cfg.Pair)
	switch {
	case !ok && cfg.Pair != nil:
		return nil, nil, fmt.Errorf("figure 2: pair %v in %s: %w", *cfg.Pair, cps, ErrNoSuchPair)
	case !ok:
		return nil, nil, fmt.Errorf("%s: no pair with at least 4 segments and mixed zones for Figure 2: choose one with --pair PRB:ANCHOR", cps)
	}
	var seg *tables.Pair
	for i := range runs.cps {
		if runs.cps[i].Key() == key {
			seg = &runs.cps[i]
		}
	}
	var zone stats.Zone
	for i := range runs.sim {
		if runs.sim[i].Key() == key {
			zone = runs.sim[i].Class.Zone
		}
	}
	// The data is read several times: a pipe is copied first, as Run does.
	data := FileInput([]string{in.Data}, "", in.Options)
	if err := data.prepare(tempDir); err != nil {
		return nil, nil, err
	}
	defer data.cleanup()
	src := data.sources()[0]
	info, err := data.Describe()
	if err != nil {
		return nil, nil, err
	}
	rep.Parameters = append(rep.Parameters,
		report.KV{Key: "data", Value: info.Path}, report.KV{Key: "data bytes", Value: strconv.FormatInt(info.Bytes, 10)},
		report.KV{Key: "data sha256", Value: info.SHA256}, report.KV{Key: "figure 2 pair", Value: key.String()})
	if digest != "" && digest != info.SHA256 {
		mon.log().Warn("--data differs from the input of the runs in DIR (fine if it is the same data in another format)", "data", in.Data, "runs_input", digest)
		rep.Notes = append(rep.Notes, fmt.Sprintf("--data %s (sha256 %s) is not the file the runs in %s read (sha256 %s).", in.Data, info.SHA256, in.Dir, digest))
	}
	var dropped ingest.Stats
	open := func() (array.RecordReader, error) {
		r, err := ingest.OpenSources([]ingest.Source{src}, in.Options)
		if err != nil {
			return nil, err
		}
		return &statsReader{Reader: r, stats: &dropped}, nil
	}
	f1, err := figures.Figure1Passes(ctx, logPasses(figures.RecordsPass(open), mon.log(), nil), cfg.Points)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", in.Data, err)
	}
	logDropped(mon, dropped)
	rr, err := open()
	if err != nil {
		return nil, nil, err
	}
	defer rr.Release()
	series, err := figures.ReadPair(ctx, rr, key)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", in.Data, err)
	}
	mon.log().Info("figure 1 filter", "rows", f1.RowsBefore, "kept", f1.RowsAfter,
		"q05_v4", f1.Q05V4, "q95_v4", f1.Q95V4, "q05_v6", f1.Q05V6, "q95_v6", f1.Q95V6)
	f2, err := figures.Figure2(series, seg.Segments, zone)
	if err != nil {
		return nil, nil, fmt.Errorf("figure 2 (%s against %s): %w", in.Data, in.Dir, err)
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

// startedOr is the time a summary's started field records, or def when it
// records none (older afsel) or cannot be read.
func startedOr(started string, def time.Time) time.Time {
	if t, err := time.Parse(time.RFC3339, started); err == nil {
		return t
	}
	return def
}
