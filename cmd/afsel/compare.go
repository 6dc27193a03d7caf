package main

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/afsel/afsel/transition"
)

// compareOptions are the flags of afsel compare.
type compareOptions struct {
	out   string
	force bool
}

func newCompareCmd(e *env) *cobra.Command {
	o := &compareOptions{}
	cmd := &cobra.Command{
		Use:   "compare RUN_A RUN_B [--out DIR]",
		Short: "Compare two runs pair by pair: class transitions, best-choice change, pairs new and gone",
		Long: `Compare two runs of afsel (output directories of reproduce, or of tables and
replay), typically two weeks of data, pair by pair. For the (probe, anchor)
pairs eligible in both: the transition matrix of their Table 1 classes (IPv4,
None, IPv6 better) with counts and shares, the share keeping their class, and
the change in EXP3's best-choice ratio (median_best_choice, B - A); and the
pairs eligible in one run only (new in B, gone from A).

A run needs simulation.csv (replay, reproduce), or flows.csv written with
--labels (tables alone, then without the best-choice change). Runs made with
different parameters (tables_parameters and replay_parameters of their
manifest.json or summary.json, for each stage both ran) are refused, naming
each differing parameter, unless --force.

Writes to DIR (default "compare"), atomically:
  transitions.csv          zone_a,zone_a_label,zone_b,zone_b_label,pairs,
                           share (of pairs eligible in both),row_share (of
                           zone_a's pairs in A)
  best_choice_change.csv   per pair eligible in both: zone_a,zone_b,kept,
                           best_choice_a,best_choice_b,change
  best_choice_summary.csv  the change's min, quartiles, max and mean, over
                           all pairs (zone_a 0) and per class in A
  pairs_new_gone.csv       pairs eligible in one run only: status (new,
                           gone), zone and best_choice where eligible,
                           other_run (ineligible or absent)
  transitions.svg, .png    the matrix as a heat map
  summary.json             the runs, counts, matrix and files
and prints the matrix and the summary. DIR may hold only a comparison's
files: it is replaced as a whole. 'afsel figures --dir RUN_B --compare DIR'
adds it to RUN_B's report (section "Week over week").`,
		Example: `  afsel reproduce --input week1.arrow --out week1/
  afsel reproduce --input week2.arrow --out week2/
  afsel compare week1/ week2/ --out week1-week2/
  afsel figures --dir week2/ --compare week1-week2/
  afsel compare week1/ week2-min100/ -o cmp/ --force`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usagef("want two run directories, RUN_A and RUN_B; got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.out == "" {
				return usagef("--out: want a directory")
			}
			// An interrupted exit removes the staging directory beside DIR.
			e.addTempDir(filepath.Dir(filepath.Clean(o.out)))
			res, files, err := transition.Compare(cmd.Context(), transition.Config{A: args[0], B: args[1], Out: o.out, Force: o.force, Version: buildVersion()})
			if err != nil {
				return err
			}
			for _, d := range res.Forced {
				e.log.Warn("runs made with different parameters, compared anyway (--force)", "parameter", d.Name, "a", d.A, "b", d.B)
			}
			if err := res.WriteText(e.stdout); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "\nFiles written to %s:\n", o.out)
			for _, f := range files {
				fmt.Fprintf(e.stdout, "  %s\n", f)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.out, "out", "o", "compare", "output directory `DIR`, replaced as a whole (created if missing)")
	f.BoolVar(&o.force, "force", false, "compare runs made with different parameters (refused otherwise)")
	return cmd
}
