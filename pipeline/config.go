package pipeline

import (
	"errors"
	"fmt"

	"github.com/afsel/afsel/compare"
	"github.com/afsel/afsel/figures"
	"github.com/afsel/afsel/ingest/atlas"
	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/policy"
	"github.com/afsel/afsel/replay"
	"github.com/afsel/afsel/stats"
	"github.com/afsel/afsel/tables"
)

// Stages selects what a run computes and writes. The pairs are grouped and
// counted whatever the selection.
type Stages struct {
	Tables bool // Tables 1 and 2: table1.csv, table2.csv, flows.csv, change_points.csv
	Replay bool // the EXP3 replay: simulation.csv, replay_metrics.csv
	Sweep  bool // with Replay: one simulation_gamma=G.csv per gamma and sweep.csv instead of simulation.csv
	// Policies, with Replay, compares Config.Compare's policies on every
	// eligible pair, with the tables' segments: policies_pairs.csv,
	// policies.csv, policies_segments.csv, policies_cdf.csv.
	Policies bool
	Figures  bool // with Tables and Replay: figures/ (Figures 1, 2, 4, coverage) and the report
	// Failures, with Replay, keeps the input's failed tests: the other
	// stages see only the rows whose two tests worked (what the authors'
	// query keeps), and the failures table (failures.csv,
	// failures_pairs.csv) and the comparison with failures
	// (policies_failures.csv, policies_failures_cdf.csv) see them all. The
	// comparison plays Config.Compare's policies, or policy.Clients when
	// there are none.
	Failures bool
	// Hours, with Tables, summarises the eligible pairs by UTC hour of day
	// (package hours): hours.csv, and with Figures figures/hours.svg and
	// hours.png and the report's section. An input without start times
	// (CBOR) skips it, with a logged reason.
	Hours bool
}

// Config is every parameter of a run. Its JSON form is what summary.json
// records of it.
type Config struct {
	// Profile names the profile the config started from.
	Profile string `json:"profile"`
	// Tables holds the eligibility, classification and change-point
	// parameters; the replay classifies with the same MinTests and Stats.
	Tables tables.Config `json:"tables_parameters"`
	// Replay holds the EXP3 parameters; its MinTests, Stats and Workers
	// are Tables' (see Normalize).
	Replay replay.Config `json:"replay_parameters"`
	// Compare selects the policies of the Policies stage; the summary
	// records them by their canonical names.
	Compare compare.Config `json:"-"`
	Figures FiguresConfig  `json:"figures_parameters"`
	// Workers is the number of probes analysed at once; <= 0 means
	// GOMAXPROCS. Outputs do not depend on it.
	Workers int `json:"-"`
	// Labels adds label columns to the CSV files with zone codes (tables,
	// replay and compare WriteOptions.Labels), after the artefacts'
	// columns, which stay byte for byte as without it.
	Labels bool `json:"labels,omitempty"`
	// Probes describes the probes' networks (atlas.ReadProbes of a probe
	// archive, named by ProbesArchive): with Tables, networks.csv, and with
	// Figures the report's section and figure. nil: none.
	Probes        map[int64]atlas.Probe `json:"-"`
	ProbesArchive string                `json:"probes_archive,omitempty"`
	// TempDir is where Figure 1's spill file goes when it outgrows memory
	// (the output directory's file system: a temporary directory may be a
	// small in-memory one). Empty means os.TempDir().
	TempDir string `json:"-"`
}

// FiguresConfig holds the figures' parameters.
type FiguresConfig struct {
	Points int `json:"points"` // bound on the points of each CDF in the figures' CSVs and plots
	// Pair is Figure 2's pair; nil means the first in (probe, anchor)
	// order with at least 4 segments and mixed zones.
	Pair *pairs.Key `json:"pair,omitempty"`
}

// failureCompare is the comparison with failures: Compare, or the client
// profiles when Compare has no policies.
func (c Config) failureCompare() compare.Config {
	fc := c.Compare
	if len(fc.Specs) == 0 {
		fc.Labels = policy.Clients // presets that share a canonical form (he:rfc8305, he:firefox) stay apart
		for _, s := range policy.Clients {
			sp, err := policy.Parse(s)
			if err != nil {
				panic(err) // the client profiles parse
			}
			fc.Specs = append(fc.Specs, sp)
		}
	}
	return fc
}

// Profile names.
const (
	ProfileArtefacts = "artefacts"
	ProfilePaper     = "paper"
)

// Artefacts is the profile of the authors' code, which produced the
// published numbers: afsel's default.
func Artefacts() Config {
	return Config{
		Profile: ProfileArtefacts,
		Tables:  tables.DefaultConfig(),
		Replay:  replay.DefaultConfig(),
		Figures: FiguresConfig{Points: figures.DefaultPoints},
	}
}

// Paper is the profile of the paper's prose where it differs from the
// code: a 98% confidence interval and 60 training rounds, counted as the
// code counts its 30 (Train 60: rounds 0 to 60 unscored).
func Paper() Config {
	c := Artefacts()
	c.Profile = ProfilePaper
	c.Tables.Stats = stats.PaperConfig()
	c.Replay.Train = replay.PaperTrain
	return c
}

// Profiles are the profiles by name, in the order help lists them.
var Profiles = []struct {
	Name   string
	Config func() Config
	Help   string
}{
	{ProfileArtefacts, Artefacts, "the authors' code"},
	{ProfilePaper, Paper, "the paper's prose: 98% CI, 60 training rounds (--train 60, counted as the code counts its 30)"},
}

// ErrProfile is wrapped by Profile's error for an unknown name.
var ErrProfile = errors.New("unknown profile")

// Profile returns the named profile.
func Profile(name string) (Config, error) {
	for _, p := range Profiles {
		if p.Name == name {
			return p.Config(), nil
		}
	}
	return Config{}, fmt.Errorf("%w %q: want %s or %s", ErrProfile, name, ProfileArtefacts, ProfilePaper)
}

// Normalize gives the replay the tables' eligibility and classification
// and the run's workers: one pass classifies each pair once, for both.
func (c *Config) Normalize() {
	c.Replay.MinTests, c.Replay.Stats = c.Tables.MinTests, c.Tables.Stats
	c.Tables.Workers, c.Replay.Workers = c.Workers, c.Workers
}

// Validate reports whether c is usable for the stages s, after Normalize.
func (c Config) Validate(s Stages) error {
	if err := c.Tables.Pelt.Validate(); err != nil {
		return err
	}
	if s.Replay {
		if err := c.Replay.Validate(); err != nil {
			return err
		}
	}
	if s.Policies {
		if err := c.Compare.Validate(); err != nil {
			return err
		}
	}
	if s.Failures {
		if err := c.failureCompare().Validate(); err != nil {
			return err
		}
	}
	switch {
	case s.Sweep && !s.Replay:
		return errors.New("pipeline: the sweep needs the replay")
	case s.Policies && !s.Replay:
		return errors.New("pipeline: the policy comparison needs the replay")
	case s.Figures && !(s.Tables && s.Replay):
		return errors.New("pipeline: the figures need the tables and the replay")
	case s.Failures && !s.Replay:
		return errors.New("pipeline: the failures need the replay")
	case s.Hours && !s.Tables:
		return errors.New("pipeline: the hours of day need the tables")
	case s.Figures && c.Figures.Points < 2:
		return fmt.Errorf("pipeline: points %d: want at least 2", c.Figures.Points)
	}
	return nil
}
