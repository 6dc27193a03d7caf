package main

import (
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/afsel/afsel/figures"
	"github.com/afsel/afsel/pipeline"
	"github.com/afsel/afsel/tables"
)

func newTablesCmd(e *env) *cobra.Command {
	o := newStudyOptions()
	stages := pipeline.Stages{Tables: true}
	cmd := &cobra.Command{
		Use:   "tables --input FILE --out DIR",
		Short: "Compute Tables 1 and 2 (Welch classification, PELT change points)",
		Long: `Compute the paper's Table 1 (per pair: is IPv4 or IPv6 faster, by a Welch
t-test on the 10%-90% trimmed durations) and Table 2 (PELT change points on
each family's series, segments re-classified), exactly as the authors' code did.

Writes to DIR, atomically:
  table1.csv         category,count,share (IPv4/None/IPv6 is better, total)
  table2.csv         category,count,share (A, B, C, D, total, overlap_A_B)
  flows.csv          prb_id,anchor_id,best_path,avg_expected_gain,median_duration
  change_points.csv  prb_id,anchor_id,segments,mixed_zones
  summary.json       counts, drops by reason, parameters, input digest
and prints both tables beside the paper's published shares. With --hours, also
  hours.csv          zone,hour,pairs,q1_diff_ms,median_diff_ms,q3_diff_ms:
                     per zone and UTC hour, quartiles over eligible pairs
                     of median(v4) - median(v6) of the hour's tests

Profiles: "artefacts" (default) reproduces the authors' code; "paper" follows
the paper's prose (98% confidence interval). Flags set explicitly win.`,
		Example: `  afsel tables --input testdata/golden/data.csv.gz --out out/
  afsel tables --input tests.arrow --out out/ --profile paper
  afsel tables --input data.csv.gz --out out/ --skip-bad-rows --workers 1`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.resolve(cmd, stages); err != nil {
				return err
			}
			_, sum, err := runStudy(cmd, e, o, stages)
			if err != nil {
				return err
			}
			printTables(e.stdout, sum.Table1, sum.Table2)
			return nil
		},
	}
	o.addStudyFlags(cmd.Flags(), "")
	o.addPeltFlags(cmd.Flags())
	cmd.Flags().BoolVar(&stages.Hours, "hours", false, hoursHelp)
	cmd.Flags().StringVar(&o.probes, "probes", "", probesHelp)
	return cmd
}

// hoursHelp is the help of --hours, in tables and reproduce.
const hoursHelp = "also summarise the eligible pairs by UTC hour of day (hours.csv; with the figures, figures/hours.svg/png and a report section); skipped, with a warning, for input without start times"

func printTables(w io.Writer, rows1, rows2 []tables.Row) {
	print := func(title string, rows []tables.Row, paper map[string]tables.Row) {
		fmt.Fprintln(w, title)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "category\tcount\tshare\tpaper count\tpaper share\t")
		for _, r := range rows {
			pc, ps := "—", "—"
			if v, ok := paper[r.Category]; ok {
				pc, ps = strconv.Itoa(v.Count), fmt.Sprintf("%.1f%%", 100*v.Share)
			}
			fmt.Fprintf(tw, "%s\t%d\t%.1f%%\t%s\t%s\t\n", r.Category, r.Count, 100*r.Share, pc, ps)
		}
		tw.Flush()
		fmt.Fprintln(w)
	}
	print("Table 1: which family is faster per (probe, anchor) pair", rows1, figures.PaperTable1)
	print("Table 2: segments against the pair's global classification", rows2, figures.PaperTable2)
}
