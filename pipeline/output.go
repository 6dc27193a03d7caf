package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/afsel/afsel/internal/outdir"
)

// Output is where a run's files go and what they record of it.
type Output struct {
	Dir     string
	Command string // the command that made them, e.g. "reproduce"
	Version string
	// Force replaces the files of earlier runs on another input, which a
	// run otherwise refuses to write beside (ErrOtherInput).
	Force bool
}

// ManifestFile is the record of the runs whose files a directory holds:
// each run's summary, one per command.
const ManifestFile = "manifest.json"

// Manifest is manifest.json.
type Manifest struct {
	Runs []*Summary `json:"runs"`
}

// ErrUnrecorded is wrapped by Write's error when the directory holds files
// of afsel's output names that no run recorded (an older afsel's, or the
// user's own) and Output.Force is not set.
var ErrUnrecorded = errors.New("holds files of afsel's output names that no run recorded")

// ErrOtherInput is wrapped by Write's error when the directory holds the
// files of a run on another input and Output.Force is not set.
var ErrOtherInput = errors.New("holds the outputs of a run on another input")

// ReadManifest reads dir's manifest; a directory without one (or no
// directory) has an empty manifest.
func ReadManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if errors.Is(err, fs.ErrNotExist) {
		return &Manifest{}, nil
	}
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, ManifestFile), err)
	}
	return &m, nil
}

// outputNames are the names afsel writes in an output directory (patterns
// of filepath.Match), the figures' directory included: an entry of these
// names that no run of the manifest wrote may be left from another run,
// or be the user's; either way a run does not write beside it unless
// forced.
var outputNames = []string{
	"table1.csv", "table2.csv", "flows.csv", "change_points.csv",
	"simulation.csv", "simulation_gamma=*.csv", "sweep.csv", "replay_metrics.csv",
	"policies_pairs.csv", "policies.csv", "policies_segments.csv", "policies_cdf.csv",
	"failures.csv", "failures_pairs.csv", "policies_failures.csv", "policies_failures_cdf.csv",
	"table2_sweep.csv", "table2_sweep.svg", "table2_sweep.png", "transitions.svg", "transitions.png",
	"networks.csv", "networks_country.svg", "networks_country.png",
	FiguresDir, SummaryFile, ManifestFile,
	"fig[124].csv", "fig[124].svg", "fig[124].png", "coverage.csv", "coverage.svg", "coverage.png",
	"policies.svg", "policies.png", "policies_failures.svg", "policies_failures.png", "report.html", "report.md",
}

func isOutputName(name string) bool {
	return slices.ContainsFunc(outputNames, func(p string) bool {
		ok, _ := filepath.Match(p, name)
		return ok
	})
}

// top is the first element of a slash- or separator-delimited path.
func top(name string) string {
	name = filepath.ToSlash(name)
	if i := strings.IndexByte(name, '/'); i >= 0 {
		return name[:i]
	}
	return name
}

// carryOver decides what of d's current contents the new directory keeps,
// for a run whose summary is sum: the files of earlier runs of other
// commands on the same input that this run does not rewrite, with their
// records, and entries afsel did not write. It carries them over, and
// returns the records kept and the entries left out (for the log).
//
// An earlier run of the same command, or one with a file this run
// rewrites, is replaced whole (its other files would not match the new
// ones). A run on another input is an error unless force. Outputs no record
// names (written by an interrupted or older afsel) are left out. Runs that
// write different files into one subdirectory (FiguresDir: reproduce's
// figures, a PELT sweep's) both stay: a kept run's files there are carried
// over one by one.
func carryOver(d *outdir.Dir, sum *Summary, force bool, elsewhere map[string]bool) (kept []*Summary, dropped []string, err error) {
	entries, err := os.ReadDir(d.Target())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("output directory: %w", err)
	}
	prev, err := ReadManifest(d.Target())
	if err != nil {
		return nil, nil, err
	}
	ours := map[string]bool{ManifestFile: true}
	oursFiles := map[string]bool{}
	for _, f := range sum.Files {
		ours[top(f)] = true
		oursFiles[filepath.ToSlash(f)] = true
	}
	var keepFiles []string        // files of kept runs in a directory this run writes into
	recorded := map[string]bool{} // top-level names of any recorded run
	for n := range elsewhere {
		recorded[n] = true
	}
	keep := map[string]bool{}
	for _, p := range prev.Runs {
		names := map[string]bool{}
		overlaps := false
		for _, f := range p.Files {
			if f != SummaryFile {
				names[top(f)] = true
				recorded[top(f)] = true
				// A top-level name of both is shared only as a directory
				// holding different files of each.
				t := top(f)
				overlaps = overlaps || oursFiles[filepath.ToSlash(f)] || (ours[t] && (oursFiles[t] || t == filepath.ToSlash(f)))
			}
		}
		other := p.Input.SHA256 != sum.Input.SHA256 && p.Input.SHA256 != "" && sum.Input.SHA256 != ""
		switch {
		case other && !force:
			return nil, nil, fmt.Errorf("%s %w (afsel %s of %s, sha256 %s; this run reads %s, sha256 %s): choose another --out, or --force to replace them",
				d.Target(), ErrOtherInput, p.Command, p.Input.Path, p.Input.SHA256, sum.Input.Path, sum.Input.SHA256)
		case other, p.Command == sum.Command, overlaps:
			continue // replaced
		}
		kept = append(kept, p)
		for n := range names {
			keep[n] = true
		}
		for _, f := range p.Files {
			if f != SummaryFile && ours[top(f)] {
				keepFiles = append(keepFiles, f)
			}
		}
	}
	for _, f := range keepFiles {
		if _, err := os.Stat(filepath.Join(d.Target(), f)); errors.Is(err, fs.ErrNotExist) {
			continue // removed since
		}
		if err := d.Keep(f); err != nil {
			return nil, nil, fmt.Errorf("output directory: keep %s: %w", f, err)
		}
	}
	var unknown []string
	for _, e := range entries {
		n := e.Name()
		switch {
		case ours[n] || n == SummaryFile:
		case keep[n], !recorded[n] && !isOutputName(n):
			if err := d.Keep(n); err != nil {
				return nil, nil, fmt.Errorf("output directory: keep %s: %w", n, err)
			}
		case recorded[n]:
			dropped = append(dropped, n)
		case force:
			dropped = append(dropped, n)
		default:
			unknown = append(unknown, n)
		}
	}
	if len(unknown) > 0 {
		return nil, nil, fmt.Errorf("%s %w: %s: choose another --out, or --force to replace them", d.Target(), ErrUnrecorded, strings.Join(unknown, ", "))
	}
	return kept, dropped, nil
}

// finish completes a staged output directory: it carries over what d's
// target keeps of other runs, writes the files of now and later (see
// writeFiles), then sum as summary.json and the manifest with sum's run
// added, and swaps the directory in. sum.Files lists the run's files but
// the summary, which is added; elsewhere is passed to carryOver.
func finish(ctx context.Context, d *outdir.Dir, out Output, sum *Summary, start time.Time, now, later []outFile, ready <-chan struct{}, elsewhere map[string]bool, mon *Monitor) error {
	sum.Files = append(sum.Files, SummaryFile)
	kept, dropped, err := carryOver(d, sum, out.Force, elsewhere)
	if err != nil {
		return err
	}
	if len(dropped) > 0 {
		mon.log().Warn("removed from the output directory: outputs of other runs", "dir", out.Dir, "files", dropped)
	}
	sum.Elapsed = time.Since(start).Seconds()
	manifest := Manifest{Runs: append(kept, sum)}
	now = append(now,
		outFile{SummaryFile, func(w io.Writer) error { return WriteJSON(w, sum) }},
		outFile{ManifestFile, func(w io.Writer) error { return WriteJSON(w, manifest) }})
	if err := writeFiles(ctx, d.Path(), now, later, ready, mon); err != nil {
		return d.Rename(err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return d.Commit()
}
