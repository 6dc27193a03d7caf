package transition

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/afsel/afsel/internal/outdir"
)

// Config is one comparison: run A with run B, into Out.
type Config struct {
	A, B string // the runs' output directories
	// Out is the directory written, as a whole (replaced at once, as
	// package outdir does). It may not be, or hold, A or B, and may only
	// be replaced if it holds nothing but a comparison's files.
	Out string
	// Force compares runs made with different parameters.
	Force   bool
	Version string // recorded in summary.json
}

// ErrOutput is wrapped by Compare's error when Out may not be replaced.
var ErrOutput = errors.New("output directory may not be replaced")

// Compare reads runs A and B, compares them (Diff) and writes the result
// into Out: transitions.csv, best_choice_change.csv,
// best_choice_summary.csv, pairs_new_gone.csv, transitions.svg and .png,
// and summary.json, whose Files lists them. Nothing is written when it
// fails, the context included.
func Compare(ctx context.Context, cfg Config) (*Result, []string, error) {
	if err := checkOut(cfg); err != nil {
		return nil, nil, err
	}
	a, err := ReadRun(cfg.A)
	if err != nil {
		return nil, nil, err
	}
	b, err := ReadRun(cfg.B)
	if err != nil {
		return nil, nil, err
	}
	res, err := Diff(a, b, cfg.Force)
	if err != nil {
		return nil, nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	files, err := res.Write(ctx, cfg.Out, cfg.Version)
	return res, files, err
}

// outputs are the files a comparison writes, in the order written.
func (r *Result) outputs() []struct {
	name  string
	write func(io.Writer) error
} {
	return []struct {
		name  string
		write func(io.Writer) error
	}{
		{TransitionsFile, r.WriteTransitions},
		{BestChoiceFile, r.WriteBestChoice},
		{BestChoiceStatsFile, r.WriteBestChoiceStats},
		{NewGoneFile, r.WriteNewGone},
		{FigureName + ".svg", r.WriteSVG},
		{FigureName + ".png", r.WritePNG},
	}
}

// Write writes the result into dir, as a whole, and returns the files
// written, summary.json last.
func (r *Result) Write(ctx context.Context, dir, version string) ([]string, error) {
	d, err := outdir.Stage(dir)
	if err != nil {
		return nil, err
	}
	defer d.Abort()
	var files []string
	write := func(name string, fill func(io.Writer) error) error {
		f, err := os.Create(filepath.Join(d.Path(), name))
		if err != nil {
			return d.Rename(err)
		}
		bw := bufio.NewWriter(f)
		err = fill(bw)
		if err == nil {
			err = bw.Flush()
		}
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return d.Rename(fmt.Errorf("%s: %w", filepath.Join(dir, name), err))
		}
		files = append(files, name)
		return nil
	}
	for _, o := range r.outputs() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := write(o.name, o.write); err != nil {
			return nil, err
		}
	}
	all := append(slices.Clone(files), SummaryFile)
	if err := write(SummaryFile, func(w io.Writer) error { return r.WriteSummary(w, version, all) }); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := d.Commit(); err != nil {
		return nil, err
	}
	return all, nil
}

// outputNames are the names of a comparison's files.
var outputNames = []string{TransitionsFile, BestChoiceFile, BestChoiceStatsFile, NewGoneFile, FigureName + ".svg", FigureName + ".png", SummaryFile}

// checkOut refuses an output directory that is, or holds, a run compared,
// or that holds files other than a comparison's (which replacing it would
// delete).
func checkOut(cfg Config) error {
	out, err := realAbs(cfg.Out)
	if err != nil {
		return err
	}
	for _, run := range []string{cfg.A, cfg.B} {
		r, err := realAbs(run)
		if err != nil {
			return err
		}
		if rel, err := filepath.Rel(out, r); err == nil && (rel == "." || !strings.HasPrefix(rel, "..")) {
			return fmt.Errorf("%s: %w: it is, or holds, the run %s", cfg.Out, ErrOutput, run)
		}
	}
	es, err := os.ReadDir(out)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		if fi, serr := os.Stat(out); serr == nil && !fi.IsDir() {
			return fmt.Errorf("%s: %w: not a directory", cfg.Out, ErrOutput)
		}
		return err
	}
	var other []string
	for _, e := range es {
		if !slices.Contains(outputNames, e.Name()) {
			other = append(other, e.Name())
		}
	}
	if len(other) > 0 {
		if len(other) > 3 {
			other = append(other[:3], "...")
		}
		return fmt.Errorf("%s: %w: it holds files a comparison does not write (%s): give a new or empty directory", cfg.Out, ErrOutput, strings.Join(other, ", "))
	}
	return nil
}

// realAbs is path made absolute, with its symbolic links resolved where it
// exists.
func realAbs(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		return r, nil
	}
	return abs, nil
}
