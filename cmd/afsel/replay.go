package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/afsel/afsel/changepoint"
	"github.com/afsel/afsel/tables"

	"github.com/afsel/afsel/compare"
	"github.com/afsel/afsel/pipeline"
	"github.com/afsel/afsel/policy"

	"github.com/spf13/cobra"

	"github.com/afsel/afsel/replay"
	"github.com/afsel/afsel/stats"
)

// replayOptions are the options of replay and sweep.
type replayOptions struct {
	*studyOptions
	// policies is --policies, replay only.
	policies string
}

func addReplayFlags(cmd *cobra.Command, o *replayOptions) {
	f := cmd.Flags()
	o.addStudyFlags(f, "")
	o.addEXP3Flags(f)
}

// printFailures prints the comparison with failures over all pairs.
func printFailures(w io.Writer, res *pipeline.Result) {
	fmt.Fprintf(w, "\nWith failures counted (connect timeout %v), all pairs:\n", res.PoliciesFailures.Timeout)
	fmt.Fprintf(w, "%-34s %10s %10s %9s %9s %7s %8s\n", "policy", "mean ms", "p99 ms", "failed %", "slow %", "conns", "v4 conns")
	for _, r := range res.PoliciesFailures.Rows() {
		if r.Zone != 0 {
			continue
		}
		p99 := fmt.Sprintf("%.0f", r.P99Ms)
		if math.IsInf(r.P99Ms, 1) {
			p99 = "fails" // more than 1% of the requests fail
		}
		fmt.Fprintf(w, "%-34s %10.1f %10s %9.3f %9.3f %7.3f %8.3f\n", r.Policy, r.MeanMs, p99, 100*r.FailedShare, 100*r.SlowShare, r.Conns, r.V4Conns)
	}
}

// resolve parses --policies, which adds the comparison to the stages.
func (o *replayOptions) resolve(cmd *cobra.Command, s *pipeline.Stages) error {
	if err := o.studyOptions.resolve(cmd, *s); err != nil {
		return err
	}
	if o.policies == "" {
		return nil
	}
	specs, err := policy.ParseList(o.policies)
	if err != nil {
		return usagef("--policies: %v", err)
	}
	o.cfg.Compare = compare.Config{Specs: specs, Segments: true, Timeout: o.cfg.Compare.Timeout}
	if err := o.cfg.Compare.Validate(); err != nil {
		return usagef("--policies: %v", err)
	}
	s.Policies = true
	return nil
}

func newReplayCmd(e *env) *cobra.Command {
	o := &replayOptions{studyOptions: newStudyOptions()}
	stages := pipeline.Stages{Replay: true, Sweep: false}
	cmd := &cobra.Command{
		Use:   "replay --input FILE --out DIR",
		Short: "Replay EXP3 over every pair against fixed-choice baselines",
		Long: `Replay the artefacts' simulation: for every eligible pair, EXP3 picks IPv4 or
IPv6 round by round over the recorded durations (reward 1 when the chosen
family is no slower than the other family's last observed duration), 100 runs
sharing one Python random.Random("test") stream. The outputs are
bit-identical to the artefacts' ripe_simulation.csv.
` + trainText() + `

Writes to DIR, atomically:
  simulation.csv      prb_id,anchor_id,zone,avg_expected_gain,median_duration,
                      median_best_choice,best_path_choice,static_best_choice
  replay_metrics.csv  per pair: EXP3, a-posteriori and per-probe gains per
                      request (ms), EXP3 regret against the per-round oracle
  summary.json        parameters, counts, steps simulated, steps per second

With --policies P1,P2,... (policy specs: v4, v6, best, probe, he[:delay=D|
:rfc8305|:chrome|:go|:curl|:firefox], race, rttcache[:alpha=A,delay=D],
exp3[:gamma=G], exp3raw, exp3ix[:eta=E,gamma=G], exp3s[:gamma=G,alpha=A],
ucb1[:c=C], swucb[:window=W,c=C], ducb[:discount=D,c=C], ts, and the client
profiles os[:timeout=T|:windows|:macos|:linux], steer[:gamma=G,timeout=T],
exp3he[:gamma=G,delay=D], huston[:delay=D,factor=F,alpha=A],
hev3[:delay=D,alpha=A,every=N]), also:
  policies_pairs.csv     per eligible pair and policy: best_choice, mean_ms,
                         gain_v6_ms, regret_ms, conns_per_request
  policies.csv           per zone, policy and metric: quartiles and mean
  policies_segments.csv  Table 2's groups A and C: best_choice per segment
                         and rounds to recover after a change of zone, with
                         the segments of --pelt-min-size, --pelt-jump and
                         --pelt-penalty (as in 'afsel tables')
  policies_cdf.csv       figure,panel,series,x,y: ECDF per metric and policy

With --failures, failed tests are kept and the policies (or, without
--policies, the client profiles: ` + strings.Join(policy.Clients, ", ") + `)
are also replayed on every round, failures included: a client waits
--connect-timeout on a silent failure (connect or read timeout) and learns of
the others at once; Happy Eyeballs clients fall back to the other family,
single-address clients (fixed families, learners, steer) fail. Writes
failures.csv, failures_pairs.csv, policies_failures.csv and
policies_failures_cdf.csv (see 'afsel reproduce --help').`,
		Example: `  afsel replay --input testdata/golden/data.csv.gz --out out/
  afsel replay --input tests.arrow --out out/ --gamma 0.2 --runs 50
  afsel replay --input tests.arrow --out out/ --profile paper
  afsel replay --input tests.arrow --out out/ --policies v6,best,he,he:delay=0,race,exp3,ucb1,ts`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s := stages
			s.Failures = o.failures
			if err := o.resolve(cmd, &s); err != nil {
				return err
			}
			return runReplay(cmd, e, o, s)
		},
	}
	addReplayFlags(cmd, o)
	o.addFailureFlags(cmd.Flags())
	cmd.Flags().Float64SliceVar(&o.gammas, "gamma", []float64{0.1}, "EXP3 exploration rate")
	cmd.Flags().StringVar(&o.policies, "policies", "", "comma-separated policies to compare (see above); default none")
	o.addPeltFlags(cmd.Flags()) // the segments of --policies' non-stationary view
	return cmd
}

func newSweepCmd(e *env) *cobra.Command {
	o := &replayOptions{studyOptions: newStudyOptions()}
	var ps peltSweepFlags
	stages := pipeline.Stages{Replay: true, Sweep: true}
	cmd := &cobra.Command{
		Use:   "sweep --input FILE --out DIR --gamma G1,G2,...",
		Short: "Replay at several gammas, or Table 2 at several PELT parameters",
		Long: `Run the replay once per gamma (each with its own generator seeded as the
artefacts do, so the gamma 0.1 results equal 'afsel replay') and write:
  sweep.csv                    gamma,zone,pairs,median_best_choice quartiles
                               (q1, median, q3), mean and median EXP3 gain (ms)
  simulation_gamma=G.csv       the replay's simulation.csv for each gamma
  replay_metrics.csv, summary.json

With any of --pelt-min-size, --pelt-jump and --pelt-penalty (each a
comma-separated list; the others keep the artefacts' single value), sweep
the change-point parameters instead, in one pass over the input: each pair
is classified once (Table 1 does not depend on them) and segmented once per
combination. Writes:
  table2_sweep.csv             min_size,jump,penalty,group,count,share: Table 2
                               (groups A, B, C, D, total, overlap_A_B, as
                               'afsel tables' writes table2.csv) per combination
  figures/table2_sweep.svg, .png
                               the shares of groups A to D against the penalty,
                               a panel per (min_size, jump)
  summary.json                 with Table 1
--gamma and the EXP3 flags do not apply to it.`,
		Example: `  afsel sweep --input testdata/golden/data.csv.gz --out sweep/ --gamma 0.01,0.02,0.05,0.1,0.2,0.5,1
  afsel sweep --input testdata/golden/data.csv.gz --out pelt/ --pelt-penalty 1,2,5,10,20,50 --pelt-jump 1,5 --pelt-min-size 30`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if ps.given(cmd) {
				if cmd.Flags().Changed("gamma") {
					return usagef("--gamma and --pelt-min-size, --pelt-jump, --pelt-penalty: choose one sweep")
				}
				grid, err := ps.grid()
				if err != nil {
					return err
				}
				if err := o.studyOptions.resolve(cmd, pipeline.Stages{Tables: true}); err != nil {
					return err
				}
				return runPeltSweep(cmd, e, o.studyOptions, grid)
			}
			s := stages
			if err := o.resolve(cmd, &s); err != nil {
				return err
			}
			return runReplay(cmd, e, o, s)
		},
	}
	addReplayFlags(cmd, o)
	cmd.Flags().Float64SliceVar(&o.gammas, "gamma", []float64{0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1}, "EXP3 exploration rates")
	ps.addFlags(cmd.Flags())
	return cmd
}

// peltSweepFlags are sweep's change-point lists.
type peltSweepFlags struct {
	minSizes, jumps []int
	penalties       []float64
}

// peltSweepNames are the flags of a PELT sweep.
var peltSweepNames = []string{"pelt-min-size", "pelt-jump", "pelt-penalty"}

func (p *peltSweepFlags) addFlags(f *pflag.FlagSet) {
	d := changepoint.DefaultConfig()
	f.IntSliceVar(&p.minSizes, "pelt-min-size", []int{d.MinSize}, "PELT minimum segment lengths to sweep (Table 2 per combination)")
	f.IntSliceVar(&p.jumps, "pelt-jump", []int{d.Jump}, "PELT grids of candidate change points to sweep (Table 2 per combination)")
	f.Float64SliceVar(&p.penalties, "pelt-penalty", []float64{d.Penalty}, "PELT penalties per change point to sweep (Table 2 per combination)")
}

// given reports whether any PELT flag is set: the run is a PELT sweep.
func (p *peltSweepFlags) given(cmd *cobra.Command) bool {
	return slices.ContainsFunc(peltSweepNames, cmd.Flags().Changed)
}

// grid checks the lists, naming the flag, and returns every combination.
func (p *peltSweepFlags) grid() ([]changepoint.Config, error) {
	if err := checkList("--pelt-min-size", p.minSizes, func(v int) string {
		if v < 1 {
			return "want 1 or more"
		}
		return ""
	}); err != nil {
		return nil, err
	}
	if err := checkList("--pelt-jump", p.jumps, func(v int) string {
		if v < 1 {
			return "want 1 or more"
		}
		return ""
	}); err != nil {
		return nil, err
	}
	if err := checkList("--pelt-penalty", p.penalties, func(v float64) string {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return "want a finite penalty, 0 or more"
		}
		return ""
	}); err != nil {
		return nil, err
	}
	return pipeline.PeltGrid(p.minSizes, p.jumps, p.penalties), nil
}

// checkList checks a list flag's values: not empty, each valid (bad
// returns why not, or ""), none twice.
func checkList[T comparable](name string, vs []T, bad func(T) string) error {
	if len(vs) == 0 {
		return usagef("%s: want at least one value", name)
	}
	for i, v := range vs {
		if why := bad(v); why != "" {
			return usagef("%s %v: %s", name, v, why)
		}
		if slices.Index(vs, v) < i {
			return usagef("%s: %v given twice", name, v)
		}
	}
	return nil
}

// runPeltSweep runs the PELT sweep and writes its files into --out.
func runPeltSweep(cmd *cobra.Command, e *env, o *studyOptions, grid []changepoint.Config) error {
	in := o.studyInput()
	mon := &pipeline.Monitor{Log: e.log}
	if observeMonitor != nil {
		observeMonitor(mon)
	}
	name := cmd.Name()
	bar := e.startProgress(func(el time.Duration) string {
		return fmt.Sprintf("%s: %d combinations; %d probes, %d pairs", name, len(grid), mon.Analysis.Probes.Load(), mon.Analysis.Pairs.Load())
	})
	e.addTempDir(o.cfg.TempDir)
	res, err := pipeline.RunPeltSweep(cmd.Context(), in, o.cfg, grid, mon)
	bar.Stop()
	if err != nil {
		return err
	}
	bar = e.startProgress(func(time.Duration) string { return writeLine(name, pipeline.Stages{}, mon) })
	// Its own command name in the manifest: a PELT sweep and a gamma sweep
	// share no file, so both can stay in one directory.
	sum, err := res.Write(cmd.Context(), pipeline.Output{Dir: o.out, Command: name + "-pelt", Version: buildVersion(), Force: o.force}, mon)
	bar.Stop()
	if err != nil {
		return err
	}
	if sum.Input.Synthetic {
		fmt.Fprintf(e.stdout, "Input: %s.\n%s Give --input for real data.\n\n", sum.Input.Path, pipeline.SyntheticNote)
	}
	printPeltSweep(e.stdout, res)
	e.log.Info(name+" done", "pairs", sum.Pairs, "eligible", sum.Eligible, "combinations", len(grid),
		"elapsed", time.Duration(sum.Elapsed*float64(time.Second)).Round(time.Millisecond))
	return nil
}

// printPeltSweep prints Table 2's shares per combination.
func printPeltSweep(w io.Writer, res *pipeline.PeltSweep) {
	fmt.Fprintf(w, "Table 2 per PELT combination (%d eligible pairs): share of eligible pairs\n", res.Table1.Total())
	fmt.Fprintf(w, "%8s %5s %8s  %7s %7s %7s %7s %7s\n", "min_size", "jump", "penalty", "A", "B", "C", "D", "A∩B")
	for i, c := range res.Grid {
		rows := tables.Rows2(res.Tables2[i])
		fmt.Fprintf(w, "%8d %5d %8g ", c.MinSize, c.Jump, c.Penalty)
		for _, r := range []tables.Row{rows[0], rows[1], rows[2], rows[3], rows[5]} {
			fmt.Fprintf(w, " %6.1f%%", 100*r.Share)
		}
		fmt.Fprintln(w)
	}
}

func runReplay(cmd *cobra.Command, e *env, o *replayOptions, s pipeline.Stages) error {
	res, _, err := runStudy(cmd, e, o.studyOptions, s)
	if err != nil {
		return err
	}
	printReplaySummary(e.stdout, res.Replay, o.cfg.Replay.Gammas)
	if res.Policies != nil {
		printPolicySummary(e.stdout, res.Policies)
	}
	if res.PoliciesFailures != nil {
		printFailures(e.stdout, res)
	}
	return nil
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

// zoneLabel is the zone's label without " is better", to fit the column.
func zoneLabel(z stats.Zone) string { return strings.TrimSuffix(z.Label(), " is better") }
