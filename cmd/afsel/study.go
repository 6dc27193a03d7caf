package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/afsel/afsel/compare"
	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/ingest/atlas"
	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/pipeline"
	"github.com/afsel/afsel/replay"
)

// studyOptions are the options of the commands that run the pipeline
// (tables, replay, sweep, reproduce): flags bind into cfg.
type studyOptions struct {
	input   inputFlags
	out     string
	profile string
	cfg     pipeline.Config
	gammas  []float64 // --gamma of replay and sweep
	pair    string    // --pair of reproduce
	force   bool
	// failures is --failures, of reproduce and replay.
	failures bool
	// probes is --probes, of tables and reproduce: a probe archive.
	probes string

	// The reading of the input files, for the progress line: bytes read
	// (ingest.Options.BytesRead) since the reading began (at readStart,
	// in Unix nanoseconds), and the readings begun (a second one when the
	// input is not sorted by probe).
	read, readStart atomic.Int64
	readings        atomic.Int32
}

func newStudyOptions() *studyOptions { return &studyOptions{cfg: pipeline.Artefacts()} }

// profileHelp describes --profile.
func profileHelp() string {
	var s []string
	for _, p := range pipeline.Profiles {
		s = append(s, fmt.Sprintf("%q (%s)", p.Name, p.Help))
	}
	return strings.Join(s, " or ")
}

// flagSet is what the flag binders need of a pflag.FlagSet.
type flagSet interface {
	Float64Var(p *float64, name string, value float64, usage string)
	IntVar(p *int, name string, value int, usage string)
	StringVar(p *string, name string, value string, usage string)
}

// addStudyFlags binds the flags every pipeline command takes: the input,
// --out, --profile, eligibility and classification, --workers.
func (o *studyOptions) addStudyFlags(f *pflag.FlagSet, outDefault string) {
	o.input.addFlags(f)
	addOutFlag(f, &o.out, outDefault, "output directory (created if missing)")
	f.BoolVar(&o.force, "force", false, "replace the outputs of runs on another input found in the output directory (refused otherwise)")
	f.StringVar(&o.profile, "profile", pipeline.ProfileArtefacts, profileHelp()+"; flags set explicitly win")
	c := &o.cfg.Tables
	f.Float64Var(&c.Stats.Confidence, "confidence", c.Stats.Confidence, "confidence level of the Welch interval")
	f.Float64Var(&c.Stats.Alpha, "alpha", c.Stats.Alpha, "p-value above which neither family is better")
	f.Float64Var(&c.Stats.Trim, "trim", c.Stats.Trim, "fraction trimmed from each end of each family before the test")
	f.IntVar(&c.MinTests, "min-tests", c.MinTests, "paired tests a pair needs to be eligible")
	f.IntVar(&o.cfg.Workers, "workers", 0, "worker goroutines (default: all cores)")
	f.BoolVar(&o.cfg.Labels, "labels", false, labelsHelp)
}

// labelsHelp describes --labels.
const labelsHelp = `add label columns after the artefacts' columns, which stay as they are: zone_label ("IPv4 is better", "None is better", "IPv6 is better", "all", "ineligible") beside each zone code, and in flows.csv zone and zone_label, which tell "none better" from "ineligible" where best_path is empty for both`

// probesHelp is the help of --probes, in tables and reproduce.
const probesHelp = "RIPE Atlas probe archive (JSON, plain, .gz or .bz2, as 'ingest atlas --anchors' reads): also write Tables 1 and 2 and EXP3's gain per country and origin AS of the probe (networks.csv; with the figures, a report section and figure)"

// addFailureFlags binds --failures and --connect-timeout.
func (o *studyOptions) addFailureFlags(f *pflag.FlagSet) {
	f.BoolVar(&o.failures, "failures", false, "keep failed tests (input with outcome columns): write the failures table and compare the policies, or the client profiles, with failures counted; the other outputs see only rows whose two tests worked")
	f.DurationVar(&o.cfg.Compare.Timeout, "connect-timeout", compare.DefaultTimeout, "with --failures: the OS connect timeout a client waits on a silent failure (policies os and steer have their own)")
}

// addPeltFlags binds the change-point parameters.
func (o *studyOptions) addPeltFlags(f flagSet) {
	c := &o.cfg.Tables.Pelt
	f.IntVar(&c.MinSize, "pelt-min-size", c.MinSize, "PELT minimum segment length")
	f.IntVar(&c.Jump, "pelt-jump", c.Jump, "PELT grid of candidate change points")
	f.Float64Var(&c.Penalty, "pelt-penalty", c.Penalty, "PELT penalty per change point")
}

// addEXP3Flags binds the replay's EXP3 parameters but the gammas.
func (o *studyOptions) addEXP3Flags(f flagSet) {
	c := &o.cfg.Replay
	f.IntVar(&c.Runs, "runs", c.Runs, "EXP3 runs per pair (the median is reported)")
	f.StringVar(&c.Seed, "seed", c.Seed, "Python random.Random string seed of every (pair, gamma)")
	f.IntVar(&c.Train, "train", c.Train, trainHelp())
	f.Float64Var(&c.MaxWeight, "max-weight", c.MaxWeight, "EXP3 weight sum after rescaling (weights floored at 1)")
}

// trainHelp describes --train, whose value is the index of the last
// round left unscored, as in the artefacts' code.
func trainHelp() string {
	n := replay.DefaultConfig().Train
	return fmt.Sprintf("rounds 0 to N are not scored (the first N+1: %d for %d); a score divides by the rounds - N", n+1, n)
}

// trainText says which rounds the replay leaves unscored by default, for
// help texts.
func trainText() string {
	n := replay.DefaultConfig().Train
	return fmt.Sprintf("Rounds 0 to --train are not scored (%d: the first %d rounds); a score\ndivides by N - %d.", n, n+1, n)
}

// resolve starts the config from --profile under the flags set explicitly,
// then validates the flags and the config for the stages.
func (o *studyOptions) resolve(cmd *cobra.Command, s pipeline.Stages) error {
	// Without --input, reproduce runs on the embedded data.
	if len(o.input.patterns) == 0 && cmd.Name() != "reproduce" {
		return usagef("--input is required")
	}
	if o.out == "" {
		return usagef("--out is required")
	}
	if len(o.input.patterns) > 0 {
		if err := o.input.expand("--input"); err != nil {
			return err
		}
	}
	if err := applyProfile(cmd.Flags(), o.profile, &o.cfg); err != nil {
		return err
	}
	if o.gammas != nil {
		o.cfg.Replay.Gammas = o.gammas
	}
	if o.pair != "" {
		k, err := pairs.ParseKey(o.pair)
		if err != nil {
			return usagef("--pair: %v", err)
		}
		o.cfg.Figures.Pair = &k
	}
	if err := validateStudyFlags(o.cfg); err != nil {
		return err
	}
	if o.probes != "" {
		probes, err := atlas.LoadProbes(o.probes)
		if err != nil {
			return usagef("--probes: %v", err)
		}
		o.cfg.Probes, o.cfg.ProbesArchive = probes, o.probes
	}
	// Temporary files (Figure 1's spill, a copy of a piped input) go beside
	// the output directory, on its file system, which exists only once the
	// run has succeeded.
	o.cfg.TempDir = filepath.Dir(filepath.Clean(o.out))
	o.cfg.Normalize()
	if err := o.cfg.Validate(s); err != nil {
		return usageError{err}
	}
	return nil
}

// applyProfile sets cfg to the named profile, keeping the values of the
// flags set explicitly, which are bound into cfg or elsewhere.
func applyProfile(fs *pflag.FlagSet, name string, cfg *pipeline.Config) error {
	p, err := pipeline.Profile(name)
	if err != nil {
		return usagef("--profile: %v", err)
	}
	var restore []func() error
	fs.Visit(func(f *pflag.Flag) {
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			v := sv.GetSlice()
			restore = append(restore, func() error { return sv.Replace(v) })
			return
		}
		v := f.Value.String()
		restore = append(restore, func() error { return f.Value.Set(v) })
	})
	*cfg = p
	for _, r := range restore {
		if err := r(); err != nil {
			return err
		}
	}
	return nil
}

// validateStudyFlags checks the values of the flags bound into c, naming
// the flag.
func validateStudyFlags(c pipeline.Config) error {
	switch s := c.Tables.Stats; {
	case !(s.Confidence > 0 && s.Confidence < 1):
		return usagef("--confidence %v: want a level in (0, 1)", s.Confidence)
	case !(s.Alpha >= 0 && s.Alpha <= 1):
		return usagef("--alpha %v: want a probability in [0, 1]", s.Alpha)
	case !(s.Trim >= 0 && s.Trim < 0.5):
		return usagef("--trim %v: want a fraction in [0, 0.5)", s.Trim)
	case c.Tables.MinTests < 2:
		return usagef("--min-tests %d: want at least 2", c.Tables.MinTests)
	case c.Workers < 0:
		return usagef("--workers %d: want 0 (all cores) or more", c.Workers)
	case c.Figures.Points < 2:
		return usagef("--points %d: want at least 2", c.Figures.Points)
	}
	return nil
}

// observeMonitor, when set (by tests), is handed each run's monitor.
var observeMonitor func(*pipeline.Monitor)

// runStudy runs the stages on the input, showing progress, and writes the
// files into --out.
func runStudy(cmd *cobra.Command, e *env, o *studyOptions, s pipeline.Stages) (*pipeline.Result, *pipeline.Summary, error) {
	in := o.studyInput()
	mon := &pipeline.Monitor{Log: e.log}
	if observeMonitor != nil {
		observeMonitor(mon)
	}
	name := cmd.Name()
	total := inputSize(o.input.files)
	bar := e.startProgress(func(el time.Duration) string {
		st := analysisState{Name: name, Metered: len(o.input.files) > 0, Total: total, Elapsed: el,
			Reading: o.readings.Load(), Probes: mon.Analysis.Probes.Load(), Pairs: mon.Analysis.Pairs.Load()}
		if st.Metered && st.Reading > 0 {
			st.Done = o.read.Load()
			st.Elapsed = time.Since(time.Unix(0, o.readStart.Load()))
		}
		return st.line()
	})
	e.addTempDir(o.cfg.TempDir)
	res, err := pipeline.Run(cmd.Context(), in, o.cfg, s, mon)
	bar.Stop()
	if err != nil {
		return nil, nil, err
	}
	defer res.Close()
	bar = e.startProgress(func(time.Duration) string { return writeLine(name, s, mon) })
	sum, err := res.Write(cmd.Context(), pipeline.Output{Dir: o.out, Command: name, Version: buildVersion(), Force: o.force}, mon)
	bar.Stop()
	switch {
	case errors.Is(err, pipeline.ErrNoSuchPair), errors.Is(err, pipeline.ErrPairIneligible):
		return nil, nil, usageError{err}
	case err != nil:
		return nil, nil, err
	}
	if sum.Input.Synthetic {
		fmt.Fprintf(e.stdout, "Input: %s.\n%s Give --input for real data.\n\n", sum.Input.Path, pipeline.SyntheticNote)
	}
	e.log.Info(name+" done", "pairs", sum.Pairs, "eligible", sum.Eligible, "steps", sum.Steps,
		"elapsed", time.Duration(sum.Elapsed*float64(time.Second)).Round(time.Millisecond))
	return res, sum, nil
}

// analysisState is what the progress line shows of the analysis.
type analysisState struct {
	Name string
	// Metered: the input files' bytes are counted, Done of Total (0:
	// unknown, for standard input or a pipe), in Elapsed since the
	// reading began; else Elapsed is since the run began.
	Metered     bool
	Done, Total int64
	Elapsed     time.Duration
	// Reading is the reading of the input under way: 0 before the first
	// (a piped input is copied then), 2 when an input not sorted by probe
	// is read again to be grouped in memory.
	Reading       int32
	Probes, Pairs int64
}

// line is the progress line of the analysis, e.g. "tables: 1.2 GB of 6.2 GB
// (19%), 85 MB/s, ETA 59s; 3200 probes, 45000 pairs".
func (s analysisState) line() string {
	counts := fmt.Sprintf("%d probes, %d pairs", s.Probes, s.Pairs)
	switch {
	case !s.Metered:
		return fmt.Sprintf("%s: %s, %.0f pairs/s", s.Name, counts, float64(s.Pairs)/s.Elapsed.Seconds())
	case s.Reading == 0:
		return s.Name + ": preparing the input"
	case s.Reading > 1:
		return fmt.Sprintf("%s: second reading, the input is not sorted by probe: %s; %s", s.Name, meterLine(s.Done, s.Total, s.Elapsed), counts)
	}
	return fmt.Sprintf("%s: %s; %s", s.Name, meterLine(s.Done, s.Total, s.Elapsed), counts)
}

// writeLine is the progress line while the files are written.
func writeLine(name string, s pipeline.Stages, mon *pipeline.Monitor) string {
	line := name + ": writing"
	if s.Figures {
		line = name + ": figures and report"
	}
	if n := mon.Fig1Pass.Load(); n > 0 {
		line += fmt.Sprintf(", Figure 1 pass %d", n)
	}
	if n := mon.Files.Load(); n > 0 {
		line += fmt.Sprintf(", %d of %d files written", mon.Written.Load(), n)
	}
	return line
}

// studyInput is the input files, or without --input the embedded data.
func (o *studyOptions) studyInput() pipeline.Input {
	if len(o.input.files) == 0 {
		in := pipeline.GzipCSVInput(defaultDataName, defaultData)
		describe := in.Describe
		in.Describe = func() (pipeline.InputInfo, error) {
			info, err := describe()
			info.Synthetic = true
			return info, err
		}
		open := in.Open
		in.Open = func() (ingest.Reader, error) {
			tuneGC(int64(len(defaultData)))
			return open()
		}
		return in
	}
	in := pipeline.FileInput(o.input.files, ingest.Format(o.input.format), ingest.Options{SkipBadRows: o.input.skipBadRows, BytesRead: &o.read})
	open := in.Open
	in.Open = func() (ingest.Reader, error) {
		tuneGC(inputBytes(o.input.files))
		o.read.Store(0)
		o.readStart.Store(time.Now().UnixNano())
		o.readings.Add(1)
		return open()
	}
	return in
}
