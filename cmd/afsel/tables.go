package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/afsel/afsel/figures"
	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/tables"
)

type tablesOptions struct {
	input   inputFlags
	out     string
	profile string
	cfg     tables.Config
}

func newTablesCmd(e *env) *cobra.Command {
	o := &tablesOptions{cfg: tables.DefaultConfig()}
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
and prints both tables beside the paper's published shares.

Profiles: "artefacts" (default) reproduces the authors' code; "paper" follows
the paper's prose (98% confidence interval). Flags set explicitly win.`,
		Example: `  afsel tables --input testdata/golden/data.csv.gz --out out/
  afsel tables --input tests.arrow --out out/ --profile paper
  afsel tables --input data.csv.gz --out out/ --skip-bad-rows --workers 1`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.resolve(cmd); err != nil {
				return err
			}
			return runTables(cmd, e, o)
		},
	}
	f := cmd.Flags()
	o.input.addFlags(f)
	f.StringVarP(&o.out, "out", "o", "", "output directory (created if missing)")
	f.StringVar(&o.profile, "profile", "artefacts", `"artefacts" (the authors' code) or "paper" (the prose: 98% CI)`)
	addTablesFlags(f, &o.cfg)
	return cmd
}

func addTablesFlags(f interface {
	Float64Var(p *float64, name string, value float64, usage string)
	IntVar(p *int, name string, value int, usage string)
}, c *tables.Config) {
	f.Float64Var(&c.Stats.Confidence, "confidence", c.Stats.Confidence, "confidence level of the Welch interval")
	f.Float64Var(&c.Stats.Alpha, "alpha", c.Stats.Alpha, "p-value above which neither family is better")
	f.Float64Var(&c.Stats.Trim, "trim", c.Stats.Trim, "fraction trimmed from each end of each family before the test")
	f.IntVar(&c.MinTests, "min-tests", c.MinTests, "paired tests a pair needs to be eligible")
	f.IntVar(&c.Pelt.MinSize, "pelt-min-size", c.Pelt.MinSize, "PELT minimum segment length")
	f.IntVar(&c.Pelt.Jump, "pelt-jump", c.Pelt.Jump, "PELT grid of candidate change points")
	f.Float64Var(&c.Pelt.Penalty, "pelt-penalty", c.Pelt.Penalty, "PELT penalty per change point")
	f.IntVar(&c.Workers, "workers", 0, "worker goroutines (default: all cores)")
}

// resolve applies the profile under explicit flags and validates.
func (o *tablesOptions) resolve(cmd *cobra.Command) error {
	if err := o.input.check(o.out); err != nil {
		return err
	}
	if err := applyProfile(cmd, o.profile, &o.cfg.Stats, nil); err != nil {
		return err
	}
	return validateTablesConfig(o.cfg)
}

func validateTablesConfig(c tables.Config) error {
	switch {
	case !(c.Stats.Confidence > 0 && c.Stats.Confidence < 1):
		return usagef("--confidence %v: want a level in (0, 1)", c.Stats.Confidence)
	case !(c.Stats.Alpha >= 0 && c.Stats.Alpha <= 1):
		return usagef("--alpha %v: want a probability in [0, 1]", c.Stats.Alpha)
	case !(c.Stats.Trim >= 0 && c.Stats.Trim < 0.5):
		return usagef("--trim %v: want a fraction in [0, 0.5)", c.Stats.Trim)
	case c.MinTests < 2:
		return usagef("--min-tests %d: want at least 2", c.MinTests)
	case c.Workers < 0:
		return usagef("--workers %d: want 0 (all cores) or more", c.Workers)
	}
	if err := c.Pelt.Validate(); err != nil {
		return usageError{err}
	}
	return nil
}

// tablesSummary is summary.json.
type tablesSummary struct {
	Command    string           `json:"command"`
	Version    string           `json:"version"`
	Input      inputInfo        `json:"input"`
	Parameters tablesParameters `json:"parameters"`
	Rows       ingest.Stats     `json:"rows"`
	Probes     int              `json:"probes"`
	Pairs      int              `json:"pairs"`
	Eligible   int              `json:"eligible_pairs"`
	Ineligible int              `json:"ineligible_pairs"`
	NaNQuirk   int              `json:"nan_quirk_pairs"`
	Table1     []tables.Row     `json:"table1"`
	Table2     []tables.Row     `json:"table2"`
	Elapsed    float64          `json:"elapsed_seconds"`
}

type tablesParameters struct {
	Profile     string  `json:"profile"`
	Confidence  float64 `json:"confidence"`
	Alpha       float64 `json:"alpha"`
	Trim        float64 `json:"trim"`
	MinTests    int     `json:"min_tests"`
	PeltMinSize int     `json:"pelt_min_size"`
	PeltJump    int     `json:"pelt_jump"`
	PeltPenalty float64 `json:"pelt_penalty"`
}

func runTables(cmd *cobra.Command, e *env, o *tablesOptions) error {
	start := time.Now()
	var res *tables.Result
	info, err := e.overPairs(cmd.Context(), "tables", o.input, o.out, func(ctx context.Context, open pairs.Opener, prog *pairs.Progress) (ingest.Stats, error) {
		var err error
		if res, err = tables.Run(ctx, open, o.cfg, prog); err != nil {
			return ingest.Stats{}, err
		}
		return res.Rows, nil
	})
	if err != nil {
		return err
	}
	if res.Table1.NaNQuirk > 0 {
		e.log.Info("pairs classified through the NaN quirk (constant equal trimmed samples, zone 1 as in the artefacts)", "pairs", res.Table1.NaNQuirk)
	}
	rows1, rows2 := tables.Rows1(res.Table1), tables.Rows2(res.Table2)
	sum := tablesSummary{
		Command: "tables", Version: buildVersion(), Input: info,
		Parameters: tablesParameters{
			Profile: o.profile, Confidence: o.cfg.Stats.Confidence, Alpha: o.cfg.Stats.Alpha,
			Trim: o.cfg.Stats.Trim, MinTests: o.cfg.MinTests,
			PeltMinSize: o.cfg.Pelt.MinSize, PeltJump: o.cfg.Pelt.Jump, PeltPenalty: o.cfg.Pelt.Penalty,
		},
		Rows: res.Rows, Probes: res.Group.Probes, Pairs: res.Group.Pairs,
		Eligible: res.Eligible(), Ineligible: res.Group.Pairs - res.Eligible(),
		NaNQuirk: res.Table1.NaNQuirk, Table1: rows1, Table2: rows2,
		Elapsed: time.Since(start).Seconds(),
	}
	err = e.writeFiles(o.out, []outFile{
		{"table1.csv", func(w io.Writer) error { return tables.WriteTable(w, rows1) }},
		{"table2.csv", func(w io.Writer) error { return tables.WriteTable(w, rows2) }},
		{"flows.csv", func(w io.Writer) error { return tables.WriteFlows(w, res.Pairs) }},
		{"change_points.csv", func(w io.Writer) error { return tables.WriteChangePoints(w, res.Pairs) }},
		{"summary.json", func(w io.Writer) error { return writeJSON(w, sum) }},
	})
	if err != nil {
		return err
	}
	e.log.Info("tables done", "pairs", res.Group.Pairs, "eligible", res.Eligible(), "rows", res.Rows.RowsKept, "elapsed", time.Since(start).Round(time.Millisecond))
	printTables(e.stdout, rows1, rows2)
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

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
