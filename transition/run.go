package transition

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/pipeline"
	"github.com/afsel/afsel/replay"
	"github.com/afsel/afsel/stats"
	"github.com/afsel/afsel/tables"
)

// ErrNotRun is wrapped by ReadRun's error when a directory lacks the files
// that tell which pairs are eligible and their class.
var ErrNotRun = errors.New("not the output of an afsel run")

// Run is what Compare reads of one run's output directory.
type Run struct {
	Dir string
	// Pairs are every pair of the run, eligible or not, in the file's
	// order (by probe, then anchor).
	Pairs []Pair
	// BestChoice is whether the run has EXP3's best-choice ratios
	// (simulation.csv, of replay or reproduce).
	BestChoice bool
	// Params are the run's parameters, flattened: "tables_parameters.min_tests"
	// to its JSON value, from its manifest.json (else summary.json). Nil
	// when the directory records none.
	Params map[string]string
	// Input is the SHA-256 of the input the run read, when recorded.
	Input string
}

// Pair is one pair of a run.
type Pair struct {
	Key      pairs.Key
	Eligible bool
	Zone     stats.Zone // of an eligible pair: ZoneV4, ZoneNone or ZoneV6
	// BestChoice is median_best_choice of simulation.csv: the median over
	// EXP3's runs of the share of scored rounds it chose the better family
	// (of the run's first gamma). NaN without simulation.csv.
	BestChoice float64
}

// Eligible is the number of eligible pairs of r.
func (r *Run) Eligible() int {
	n := 0
	for i := range r.Pairs {
		if r.Pairs[i].Eligible {
			n++
		}
	}
	return n
}

// ReadRun reads the run in dir: simulation.csv where there is one (which
// tells eligibility, class and best-choice ratio), and flows.csv, which
// must then agree with it, or alone when it has the label columns (tables
// --labels), the only flows.csv that tells "none better" from ineligible.
func ReadRun(dir string) (*Run, error) {
	r := &Run{Dir: dir}
	var sim []replay.Pair
	var flows []tables.Pair
	hasSim, err := readFile(dir, "simulation.csv", func(rd io.Reader) (err error) { sim, err = replay.ReadSimulation(rd); return err })
	if err != nil {
		return nil, err
	}
	hasFlows, err := readFile(dir, "flows.csv", func(rd io.Reader) (err error) { flows, err = tables.ReadFlows(rd); return err })
	if err != nil {
		return nil, err
	}
	switch {
	case hasSim:
		if hasFlows {
			if err := consistent(sim, flows); err != nil {
				return nil, fmt.Errorf("%s: %w", dir, err)
			}
		}
		r.BestChoice = true
		r.Pairs = make([]Pair, len(sim))
		for i := range sim {
			s := &sim[i]
			p := Pair{Key: s.Key(), Eligible: s.Eligible, BestChoice: math.NaN()}
			if s.Eligible {
				p.Zone = s.Class.Zone
				p.BestChoice = s.Sims[0].MedianBestChoice
			}
			r.Pairs[i] = p
		}
	case hasFlows:
		for i := range flows {
			f := &flows[i]
			if !f.Eligible && f.Class.Zone != 0 {
				return nil, fmt.Errorf("%s: %w: it has no simulation.csv, and its flows.csv has no zone column to tell \"none better\" from ineligible: run afsel replay, or tables --labels, into it", dir, ErrNotRun)
			}
		}
		if len(flows) > 0 && !slices.ContainsFunc(flows, func(f tables.Pair) bool { return f.Eligible }) {
			return nil, fmt.Errorf("%s: %w: it has no simulation.csv, and its flows.csv no zone column (or no eligible pair) to tell \"none better\" from ineligible: run afsel replay, or tables --labels, into it", dir, ErrNotRun)
		}
		r.Pairs = make([]Pair, len(flows))
		for i := range flows {
			f := &flows[i]
			r.Pairs[i] = Pair{Key: pairs.Key{Probe: f.Probe, Anchor: f.Anchor}, Eligible: f.Eligible, Zone: f.Class.Zone, BestChoice: math.NaN()}
		}
	default:
		return nil, fmt.Errorf("%s: %w: no simulation.csv or flows.csv (run afsel reproduce, or tables and replay, into it)", dir, ErrNotRun)
	}
	seen := make(map[pairs.Key]bool, len(r.Pairs))
	for _, p := range r.Pairs {
		if seen[p.Key] {
			return nil, fmt.Errorf("%s: %w: pair %v twice", dir, tables.ErrBadInput, p.Key)
		}
		seen[p.Key] = true
	}
	if err := r.readParams(); err != nil {
		return nil, err
	}
	return r, nil
}

// readFile parses dir/name with parse; a missing file is not an error.
func readFile(dir, name string, parse func(io.Reader) error) (bool, error) {
	path := filepath.Join(dir, name)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	if err := parse(f); err != nil {
		return false, fmt.Errorf("%s: %w", path, err)
	}
	return true, nil
}

// consistent checks that simulation.csv and flows.csv are of one run.
func consistent(sim []replay.Pair, flows []tables.Pair) error {
	if len(sim) != len(flows) {
		return fmt.Errorf("%w: simulation.csv has %d pairs, flows.csv %d: tables and replay were run on different inputs", tables.ErrBadInput, len(sim), len(flows))
	}
	for i := range sim {
		s, f := &sim[i], &flows[i]
		switch {
		case s.Key() != pairs.Key{Probe: f.Probe, Anchor: f.Anchor}:
			return fmt.Errorf("%w: row %d is pair %v in simulation.csv, %d:%d in flows.csv: tables and replay were run on different inputs", tables.ErrBadInput, i+2, s.Key(), f.Probe, f.Anchor)
		case s.Eligible && s.Class.Zone.BestPath() != f.Class.Zone.BestPath(),
			f.Eligible && (!s.Eligible || s.Class.Zone != f.Class.Zone):
			return fmt.Errorf("%w: pair %v differs between simulation.csv and flows.csv: tables and replay were run with different parameters", tables.ErrBadInput, s.Key())
		}
	}
	return nil
}

// readParams sets r.Params and r.Input from the manifest's runs (the last
// that records each stage's parameters and wrote its file, flows.csv or
// simulation.csv), else from summary.json.
func (r *Run) readParams() error {
	m, err := pipeline.ReadManifest(r.Dir)
	if err != nil {
		return err
	}
	runs := m.Runs
	if len(runs) == 0 {
		b, err := os.ReadFile(filepath.Join(r.Dir, pipeline.SummaryFile))
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		var s pipeline.Summary
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("%s: %w", filepath.Join(r.Dir, pipeline.SummaryFile), err)
		}
		runs = []*pipeline.Summary{&s}
	}
	var p struct {
		Tables *tables.Config `json:"tables_parameters,omitempty"`
		Replay *replay.Config `json:"replay_parameters,omitempty"`
	}
	// The parameters are those of the runs that wrote the files compared:
	// a sweep into the directory (PELT's or gamma's) records its own.
	wrote := func(s *pipeline.Summary, name string) bool {
		return len(s.Files) == 0 || slices.Contains(s.Files, name)
	}
	for _, s := range runs {
		if s.Tables != nil && wrote(s, "flows.csv") {
			p.Tables = s.Tables
		}
		if s.Replay != nil && wrote(s, "simulation.csv") {
			p.Replay = s.Replay
		}
		if s.Input.SHA256 != "" {
			r.Input = s.Input.SHA256
		}
	}
	if p.Tables == nil && p.Replay == nil {
		return nil
	}
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	r.Params = map[string]string{}
	flatten(r.Params, "", v)
	return nil
}

// flatten sets dst["a.b.c"] to the JSON text of each leaf of v (arrays are
// leaves).
func flatten(dst map[string]string, prefix string, v any) {
	if m, ok := v.(map[string]any); ok {
		for k, c := range m {
			key := k
			if prefix != "" {
				key = prefix + "." + k
			}
			flatten(dst, key, c)
		}
		return
	}
	b, _ := json.Marshal(v) // a value decoded from JSON encodes
	dst[prefix] = string(b)
}
