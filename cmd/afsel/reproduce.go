package main

import (
	_ "embed"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/afsel/afsel/figures"
	"github.com/afsel/afsel/pipeline"
)

// defaultData is the embedded data set `reproduce` runs on without --input:
// `afsel synth --pairs 300 --seed 1` as CSV, recompressed with gzip -9
// (TestDefaultDataIsSynth checks that it is exactly that).
//
//go:embed testdata/default.csv.gz
var defaultData []byte

const defaultDataName = "embedded default data: synthetic, afsel synth --pairs 300 --seed 1 (cmd/afsel/testdata/default.csv.gz)"

func newReproduceCmd(e *env) *cobra.Command {
	o := newStudyOptions()
	stages := pipeline.Stages{Tables: true, Replay: true, Figures: true}
	var gamma float64
	cmd := &cobra.Command{
		Use:   "reproduce [--input FILE...] [--out DIR]",
		Short: "Run everything: Tables 1 and 2, the EXP3 replay, the figures and the report",
		Long: `Reproduce the study in one process and one pass over the input: classify and
segment every pair (Tables 1 and 2), replay EXP3 against the fixed choices,
and draw Figures 1, 2 and 4 with a report. Without --input it runs on a small
data set embedded in afsel, so it works on a fresh machine with no flags.

Writes to DIR (default "out"), atomically, what 'tables' and 'replay' write
(table1.csv, table2.csv, flows.csv, change_points.csv, simulation.csv,
replay_metrics.csv), one summary.json for the whole run, and DIR/figures/
(fig1/fig2/fig4/coverage .csv .svg .png, report.html, report.md); then prints
Table 1, Table 2, the replay summary and the files written.

With --failures, failed tests (input with v4_outcome/v6_outcome columns, from
'ingest atlas --failures', 'synth --failures' or 'ingest bigquery
--failures') are kept: Tables 1 and 2, the replay and the figures still see
only the rows whose two tests worked, as the authors' query keeps them, and
the run also writes
  failures.csv               failed tests per family and outcome; pairs and
                             probes above 1% and 5% failure rates; failures
                             in one family only (Wilson 95% intervals)
  failures_pairs.csv         per pair and family: tests, failed, rate and
                             interval, failures by outcome
  policies_failures.csv      per zone and client profile (policy.Clients, see
                             'replay --help'): mean, p50 and p99 time per
                             request with failures counted, failed and slow
                             (> 1 s) shares, connections and IPv4
                             connections per request
  policies_failures_cdf.csv  each profile's time-per-request distribution

With --hours, also hours.csv (see 'tables --help'), figures/hours.svg and
figures/hours.png, and a section "By hour of day" in the report.`,
		Example: `  go run ./cmd/afsel reproduce
  afsel reproduce --input tests.arrow --out out/
  afsel reproduce --input 'day-*.parquet' --profile paper
  afsel reproduce --input failures.arrow --failures --out out/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.gammas = []float64{gamma}
			s := stages
			s.Failures = o.failures
			if err := o.resolve(cmd, s); err != nil {
				return err
			}
			res, sum, err := runStudy(cmd, e, o, s)
			if err != nil {
				return err
			}
			printTables(e.stdout, sum.Table1, sum.Table2)
			printReplaySummary(e.stdout, res.Replay, o.cfg.Replay.Gammas)
			if res.PoliciesFailures != nil {
				printFailures(e.stdout, res)
			}
			cov := res.Coverage
			fmt.Fprintf(e.stdout, "\nPer-probe coverage over %d probes: median %.1f%% in the winning family (paper %.0f%%), %.1f%% with none-better pairs (paper %.0f%%)\n",
				len(cov.Probes), 100*cov.MedianFamily, figures.PaperCoverageFamily, 100*cov.MedianFamilyNone, figures.PaperCoverageFamilyNone)
			fmt.Fprintf(e.stdout, "\nFiles written to %s:\n", o.out)
			for _, f := range sum.Files {
				fmt.Fprintf(e.stdout, "  %s\n", f)
			}
			return nil
		},
	}
	f := cmd.Flags()
	o.addStudyFlags(f, "out")
	o.addFailureFlags(f)
	o.addPeltFlags(f)
	f.Float64Var(&gamma, "gamma", o.cfg.Replay.Gammas[0], "EXP3 exploration rate")
	o.addEXP3Flags(f)
	f.IntVar(&o.cfg.Figures.Points, "points", o.cfg.Figures.Points, "points per CDF in the figures' CSVs")
	f.StringVar(&o.pair, "pair", "", "pair of Figure 2 as PRB:ANCHOR (default: the first with 4+ segments and mixed zones)")
	f.BoolVar(&stages.Hours, "hours", false, hoursHelp)
	f.StringVar(&o.probes, "probes", "", probesHelp)
	return cmd
}
