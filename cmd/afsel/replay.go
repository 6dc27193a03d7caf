package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/afsel/afsel/changepoint"
	"github.com/afsel/afsel/compare"
	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/policy"
	"github.com/afsel/afsel/replay"
	"github.com/afsel/afsel/stats"
	"github.com/afsel/afsel/tables"
)

type replayOptions struct {
	input   inputFlags
	out     string
	profile string
	gammas  []float64
	cfg     replay.Config
	// policies is --policies, replay only; pc is its parsed form, and pelt
	// the segmentation of its non-stationary view (--pelt-*).
	policies string
	pc       compare.Config
	pelt     changepoint.Config
}

func addReplayFlags(cmd *cobra.Command, o *replayOptions) {
	f := cmd.Flags()
	o.input.addFlags(f)
	f.StringVarP(&o.out, "out", "o", "", "output directory (created if missing)")
	f.StringVar(&o.profile, "profile", "artefacts", `"artefacts" (the authors' code) or "paper" (the prose: 60 training rounds, 98% CI)`)
	addEXP3Flags(f, &o.cfg)
	f.IntVar(&o.cfg.MinTests, "min-tests", o.cfg.MinTests, "paired tests a pair needs to be eligible")
	f.Float64Var(&o.cfg.Stats.Confidence, "confidence", o.cfg.Stats.Confidence, "confidence level of the Welch interval (zones, probe family)")
	f.Float64Var(&o.cfg.Stats.Alpha, "alpha", o.cfg.Stats.Alpha, "p-value above which neither family is better")
	f.Float64Var(&o.cfg.Stats.Trim, "trim", o.cfg.Stats.Trim, "fraction trimmed from each end of each family before the test")
	f.IntVar(&o.cfg.Workers, "workers", 0, "worker goroutines (default: all cores)")
}

// addEXP3Flags binds the replay's EXP3 parameters.
func addEXP3Flags(f interface {
	Float64Var(p *float64, name string, value float64, usage string)
	IntVar(p *int, name string, value int, usage string)
	StringVar(p *string, name string, value string, usage string)
}, c *replay.Config) {
	f.IntVar(&c.Runs, "runs", c.Runs, "EXP3 runs per pair (the median is reported)")
	f.StringVar(&c.Seed, "seed", c.Seed, "Python random.Random string seed of every (pair, gamma)")
	f.IntVar(&c.Train, "train", c.Train, "rounds 0..train are not scored; scores divide by N - train")
	f.Float64Var(&c.MaxWeight, "max-weight", c.MaxWeight, "EXP3 weight sum after rescaling (weights floored at 1)")
}

// applyProfile applies --profile to the settings whose flags were not set
// explicitly: "paper" means a 98% interval and, where there is a replay,
// 60 training rounds (train may be nil).
func applyProfile(cmd *cobra.Command, profile string, st *stats.Config, train *int) error {
	switch profile {
	case "artefacts":
	case "paper":
		if !cmd.Flags().Changed("confidence") {
			st.Confidence = stats.PaperConfig().Confidence
		}
		if train != nil && !cmd.Flags().Changed("train") {
			*train = replay.PaperTrain
		}
	default:
		return usagef("--profile %q: want artefacts or paper", profile)
	}
	return nil
}

func (o *replayOptions) resolve(cmd *cobra.Command) error {
	if err := o.input.check(o.out); err != nil {
		return err
	}
	if err := applyProfile(cmd, o.profile, &o.cfg.Stats, &o.cfg.Train); err != nil {
		return err
	}
	o.cfg.Gammas = o.gammas
	if o.policies != "" {
		specs, err := policy.ParseList(o.policies)
		if err != nil {
			return usagef("--policies: %v", err)
		}
		o.pc = compare.Config{Specs: specs, Segments: true}
		if err := o.pc.Validate(); err != nil {
			return usagef("--policies: %v", err)
		}
		if err := o.pelt.Validate(); err != nil {
			return usageError{err}
		}
	}
	if o.cfg.Workers < 0 {
		return usagef("--workers %d: want 0 (all cores) or more", o.cfg.Workers)
	}
	if err := o.cfg.Validate(); err != nil {
		return usageError{err}
	}
	return nil
}

func newReplayCmd(e *env) *cobra.Command {
	o := &replayOptions{cfg: replay.DefaultConfig(), pelt: changepoint.DefaultConfig()}
	cmd := &cobra.Command{
		Use:   "replay --input FILE --out DIR",
		Short: "Replay EXP3 over every pair against fixed-choice baselines",
		Long: `Replay the artefacts' simulation: for every eligible pair, EXP3 picks IPv4 or
IPv6 round by round over the recorded durations (reward 1 when the chosen
family is no slower than the other family's last observed duration), 100 runs
sharing one Python random.Random("test") stream, scored after 31 training
rounds. The outputs are bit-identical to the artefacts' ripe_simulation.csv.

Writes to DIR, atomically:
  simulation.csv      prb_id,anchor_id,zone,avg_expected_gain,median_duration,
                      median_best_choice,best_path_choice,static_best_choice
  replay_metrics.csv  per pair: EXP3, a-posteriori and per-probe gains per
                      request (ms), EXP3 regret against the per-round oracle
  summary.json        parameters, counts, steps simulated, steps per second

With --policies P1,P2,... (policy specs: v4, v6, best, probe, he[:delay=D|
:rfc8305|:chrome|:go|:curl], race, rttcache[:alpha=A,delay=D],
exp3[:gamma=G], exp3raw, exp3ix[:eta=E,gamma=G], exp3s[:gamma=G,alpha=A],
ucb1[:c=C], swucb[:window=W,c=C], ducb[:discount=D,c=C], ts), also:
  policies_pairs.csv     per eligible pair and policy: best_choice, mean_ms,
                         gain_v6_ms, regret_ms, conns_per_request
  policies.csv           per zone, policy and metric: quartiles and mean
  policies_segments.csv  Table 2's groups A and C: best_choice per segment
                         and rounds to recover after a change of zone, with
                         the segments of --pelt-min-size, --pelt-jump and
                         --pelt-penalty (as in 'afsel tables')
  policies_cdf.csv       figure,panel,series,x,y: ECDF per metric and policy`,
		Example: `  afsel replay --input testdata/golden/data.csv.gz --out out/
  afsel replay --input tests.arrow --out out/ --gamma 0.2 --runs 50
  afsel replay --input tests.arrow --out out/ --profile paper
  afsel replay --input tests.arrow --out out/ --policies v6,best,he,he:delay=0,race,exp3,ucb1,ts`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.resolve(cmd); err != nil {
				return err
			}
			return runReplay(cmd, e, o, false)
		},
	}
	addReplayFlags(cmd, o)
	cmd.Flags().Float64SliceVar(&o.gammas, "gamma", []float64{0.1}, "EXP3 exploration rate")
	f := cmd.Flags()
	f.StringVar(&o.policies, "policies", "", "comma-separated policies to compare (see above); default none")
	f.IntVar(&o.pelt.MinSize, "pelt-min-size", o.pelt.MinSize, "PELT minimum segment length (--policies' segments)")
	f.IntVar(&o.pelt.Jump, "pelt-jump", o.pelt.Jump, "PELT grid of candidate change points (--policies' segments)")
	f.Float64Var(&o.pelt.Penalty, "pelt-penalty", o.pelt.Penalty, "PELT penalty per change point (--policies' segments)")
	return cmd
}

func newSweepCmd(e *env) *cobra.Command {
	o := &replayOptions{cfg: replay.DefaultConfig()}
	cmd := &cobra.Command{
		Use:   "sweep --input FILE --out DIR --gamma G1,G2,...",
		Short: "Replay at several gammas and summarise per gamma and zone",
		Long: `Run the replay once per gamma (each with its own generator seeded as the
artefacts do, so the gamma 0.1 results equal 'afsel replay') and write:
  sweep.csv                    gamma,zone,pairs,median_best_choice quartiles
                               (q1, median, q3), mean and median EXP3 gain (ms)
  simulation_gamma=G.csv       the replay's simulation.csv for each gamma
  replay_metrics.csv, summary.json`,
		Example: `  afsel sweep --input testdata/golden/data.csv.gz --out sweep/ --gamma 0.01,0.02,0.05,0.1,0.2,0.5,1`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.resolve(cmd); err != nil {
				return err
			}
			return runReplay(cmd, e, o, true)
		},
	}
	addReplayFlags(cmd, o)
	cmd.Flags().Float64SliceVar(&o.gammas, "gamma", []float64{0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1}, "EXP3 exploration rates")
	return cmd
}

type replaySummary struct {
	Command     string       `json:"command"`
	Version     string       `json:"version"`
	Input       inputInfo    `json:"input"`
	Parameters  replayParams `json:"parameters"`
	Rows        ingest.Stats `json:"rows"`
	Probes      int          `json:"probes"`
	Pairs       int          `json:"pairs"`
	Eligible    int          `json:"eligible_pairs"`
	Ineligible  int          `json:"ineligible_pairs"`
	NoFamily    int          `json:"eligible_pairs_without_probe_family"`
	Steps       int64        `json:"exp3_steps"`
	Elapsed     float64      `json:"elapsed_seconds"`
	StepsPerSec float64      `json:"exp3_steps_per_second"`
	Files       []string     `json:"files"`
	// Policies: with --policies only.
	Policies []policySteps `json:"policies,omitempty"`
}

type policySteps struct {
	Name  string `json:"name"`
	Steps int64  `json:"steps"`
}

type replayParams struct {
	Profile    string    `json:"profile"`
	Gammas     []float64 `json:"gammas"`
	Runs       int       `json:"runs"`
	Seed       string    `json:"seed"`
	Train      int       `json:"train"`
	MaxWeight  float64   `json:"max_weight"`
	MinTests   int       `json:"min_tests"`
	Confidence float64   `json:"confidence"`
	Alpha      float64   `json:"alpha"`
	Trim       float64   `json:"trim"`
}

func runReplay(cmd *cobra.Command, e *env, o *replayOptions, sweep bool) error {
	start := time.Now()
	var res *replay.Result
	var pres *compare.Result
	info, err := e.overPairs(cmd.Context(), cmd.Name(), o.input, o.out, func(ctx context.Context, open pairs.Opener, prog *pairs.Progress) (ingest.Stats, error) {
		var err error
		if len(o.pc.Specs) > 0 {
			res, pres, err = replayWithPolicies(ctx, open, o, prog)
		} else {
			res, err = replay.Run(ctx, open, o.cfg, prog)
		}
		if err != nil {
			return ingest.Stats{}, err
		}
		return res.Rows, nil
	})
	if err != nil {
		return err
	}
	elapsed := time.Since(start).Seconds()
	sum := replaySummary{
		Command: cmd.Name(), Version: buildVersion(), Input: info,
		Parameters: replayParams{
			Profile: o.profile, Gammas: o.cfg.Gammas, Runs: o.cfg.Runs, Seed: o.cfg.Seed, Train: o.cfg.Train,
			MaxWeight: o.cfg.MaxWeight, MinTests: o.cfg.MinTests,
			Confidence: o.cfg.Stats.Confidence, Alpha: o.cfg.Stats.Alpha, Trim: o.cfg.Stats.Trim,
		},
		Rows: res.Rows, Probes: res.Group.Probes, Pairs: res.Group.Pairs,
		Steps: res.Steps, Elapsed: elapsed, StepsPerSec: float64(res.Steps) / elapsed,
	}
	for _, p := range res.Pairs {
		if p.Eligible {
			sum.Eligible++
			if p.Family == "" {
				sum.NoFamily++
			}
		}
	}
	sum.Ineligible = sum.Pairs - sum.Eligible

	var files []outFile
	if sweep {
		for g, gamma := range o.cfg.Gammas {
			files = append(files, outFile{"simulation_gamma=" + strconv.FormatFloat(gamma, 'g', -1, 64) + ".csv",
				func(w io.Writer) error { return replay.WriteSimulation(w, res.Pairs, g) }})
		}
		files = append(files, outFile{"sweep.csv", func(w io.Writer) error { return replay.WriteSweep(w, res.Pairs, o.cfg.Gammas) }})
	} else {
		files = append(files, outFile{"simulation.csv", func(w io.Writer) error { return replay.WriteSimulation(w, res.Pairs, 0) }})
	}
	files = append(files, outFile{"replay_metrics.csv", func(w io.Writer) error { return replay.WriteMetrics(w, res.Pairs, o.cfg.Gammas) }})
	if pres != nil {
		files = append(files,
			outFile{"policies_pairs.csv", func(w io.Writer) error { return compare.WritePairs(w, pres) }},
			outFile{"policies.csv", func(w io.Writer) error { return compare.WriteSummary(w, pres) }},
			outFile{"policies_segments.csv", func(w io.Writer) error { return compare.WriteSegments(w, pres) }},
			outFile{"policies_cdf.csv", func(w io.Writer) error { return compare.WriteCDF(w, pres) }},
		)
		for j, l := range pres.Labels {
			sum.Policies = append(sum.Policies, policySteps{l, pres.Steps[j]})
		}
	}
	for _, f := range files {
		sum.Files = append(sum.Files, f.name)
	}
	sum.Files = append(sum.Files, "summary.json")
	files = append(files, outFile{"summary.json", func(w io.Writer) error { return writeJSON(w, sum) }})
	if err := e.writeFiles(o.out, files); err != nil {
		return err
	}
	e.log.Info(cmd.Name()+" done", "pairs", sum.Pairs, "eligible", sum.Eligible, "steps", res.Steps,
		"elapsed", time.Since(start).Round(time.Millisecond), "ns_per_step", math.Round(elapsed*1e9/float64(max(res.Steps, 1))))
	printReplaySummary(e.stdout, res.Pairs, o.cfg.Gammas)
	if pres != nil {
		printPolicySummary(e.stdout, pres)
	}
	return nil
}

// replayWithPolicies is replay.Run plus the policy comparison in one pass:
// tables' analyzer, with the --pelt-* flags, gives the classes the replay
// takes and the segments the comparison takes. Glue until a pipeline
// package owns the pass.
func replayWithPolicies(ctx context.Context, open pairs.Opener, o *replayOptions, prog *pairs.Progress) (*replay.Result, *compare.Result, error) {
	eng, err := replay.NewEngine(o.cfg)
	if err != nil {
		return nil, nil, err
	}
	comp, err := compare.New(eng, o.pc)
	if err != nil {
		return nil, nil, err
	}
	tcfg := tables.Config{MinTests: o.cfg.MinTests, Stats: o.cfg.Stats, Pelt: o.pelt}
	var mu sync.Mutex
	var rps []replay.Pair
	var cps []compare.Pair
	var steps int64
	psteps := make([]int64, len(o.pc.Specs))
	newWork := func() func(pairs.Probe) error {
		an, rw, cw := tables.NewAnalyzer(tcfg), eng.NewWorker(), comp.NewWorker()
		return func(p pairs.Probe) error {
			tp, err := an.Probe(&p)
			if err != nil {
				return err
			}
			classes := make([]stats.Result, len(tp))
			for i := range tp {
				classes[i] = tp[i].Class
			}
			rp, n, err := rw.Probe(ctx, &p, classes)
			if err != nil {
				return err
			}
			cp, err := cw.Probe(ctx, &p, rp, tp)
			if err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			rps, cps, steps = append(rps, rp...), append(cps, cp...), steps+n
			cw.TakeSteps(psteps)
			return nil
		}
	}
	restart := func() { rps, cps, steps = rps[:0], cps[:0], 0; clear(psteps) }
	each := pairs.EachConfig{Workers: o.cfg.Workers, Progress: prog, Restart: restart}
	gst, ist, err := pairs.Each(ctx, open, each, newWork)
	if err != nil {
		return nil, nil, err
	}
	replay.SortPairs(rps)
	return &replay.Result{Pairs: rps, Group: gst, Rows: ist, Steps: steps}, comp.Result(cps, psteps), nil
}

func printPolicySummary(w io.Writer, r *compare.Result) {
	rows := compare.Summary(r)
	type key struct {
		zone   stats.Zone
		policy string
	}
	med := make(map[key]map[string]float64)
	for _, row := range rows {
		k := key{row.Zone, row.Policy}
		if med[k] == nil {
			med[k] = make(map[string]float64)
		}
		med[k][row.Metric] = row.Median
	}
	fmt.Fprintln(w, "Policies: medians over pairs per zone")
	fmt.Fprintf(w, "%-15s %-34s %8s %9s %9s %11s %7s\n", "zone", "policy", "best", "mean ms", "gain v6", "regret ms", "conns")
	for _, z := range []stats.Zone{stats.ZoneV4, stats.ZoneNone, stats.ZoneV6, 0} {
		for _, l := range r.Labels {
			m := med[key{z, l}]
			fmt.Fprintf(w, "%-15s %-34s %8.4f %9.2f %9.2f %11.1f %7.3f\n", zoneLabel(z), l,
				m["best_choice"], m["mean_ms"], m["gain_v6_ms"], m["regret_ms"], m["conns_per_request"])
		}
	}
}

func printReplaySummary(w io.Writer, ps []replay.Pair, gammas []float64) {
	rows := replay.Sweep(ps, gammas)
	fmt.Fprintln(w, "EXP3 replay: median_best_choice per zone (quartiles over pairs)")
	fmt.Fprintf(w, "%6s  %-15s %6s  %7s %7s %7s  %10s\n", "gamma", "zone", "pairs", "q1", "median", "q3", "gain ms")
	for _, r := range rows {
		fmt.Fprintf(w, "%6g  %-15s %6d  %7.4f %7.4f %7.4f  %10.3f\n", r.Gamma, zoneLabel(r.Zone), r.Pairs, r.Q1, r.Median, r.Q3, r.MedianGain)
	}
}

func zoneLabel(z stats.Zone) string {
	if z == 0 {
		return "all"
	}
	return strings.TrimSuffix(z.String(), " is better")
}
