package transition

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"text/tabwriter"

	"github.com/afsel/afsel/internal/csvtable"
	"github.com/afsel/afsel/stats"
)

// The files Write makes, and their columns (written once here).
const (
	TransitionsFile     = "transitions.csv"
	BestChoiceFile      = "best_choice_change.csv"
	BestChoiceStatsFile = "best_choice_summary.csv"
	NewGoneFile         = "pairs_new_gone.csv"
	SummaryFile         = "summary.json"
	FigureName          = "transitions" // .svg and .png
)

var (
	// TransitionsColumns: one row per cell of the matrix, from IPv4 better
	// in A to IPv6 better in B; share of the pairs eligible in both,
	// row_share of those of zone_a in A.
	TransitionsColumns = []string{"zone_a", "zone_a_label", "zone_b", "zone_b_label", "pairs", "share", "row_share"}
	// BestChoiceColumns: one row per pair eligible in both runs; change is
	// best_choice_b - best_choice_a (empty where a run has no
	// simulation.csv).
	BestChoiceColumns = []string{"prb_id", "anchor_id", "zone_a", "zone_b", "kept", "best_choice_a", "best_choice_b", "change"}
	// BestChoiceStatsColumns: the change's distribution over all pairs
	// eligible in both runs (zone_a 0, "all") and per class in A.
	BestChoiceStatsColumns = []string{"zone_a", "zone_a_label", "pairs", "min", "q1", "median", "q3", "max", "mean"}
	// NewGoneColumns: pairs eligible in one run only; status "new"
	// (eligible in B only) or "gone" (in A only); zone and best_choice in
	// the run where it is eligible; other_run "ineligible" (there, with
	// too few tests) or "absent" (no tests at all).
	NewGoneColumns = []string{"prb_id", "anchor_id", "status", "zone", "zone_label", "best_choice", "other_run"}
)

func writeCSV(w io.Writer, header []string, rows func(emit func(...string) error) error) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	if err := rows(func(rec ...string) error { return cw.Write(rec) }); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

func zs(z stats.Zone) string { return strconv.Itoa(int(z)) }

// WriteTransitions writes transitions.csv.
func (r *Result) WriteTransitions(w io.Writer) error {
	return writeCSV(w, TransitionsColumns, func(emit func(...string) error) error {
		for i := range r.Matrix {
			for _, c := range r.Matrix[i] {
				if err := emit(zs(c.From), c.From.String(), zs(c.To), c.To.String(), strconv.Itoa(c.Pairs),
					csvtable.FormatFloat(c.Share), csvtable.FormatFloat(c.RowShare)); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// WriteBestChoice writes best_choice_change.csv.
func (r *Result) WriteBestChoice(w io.Writer) error {
	return writeCSV(w, BestChoiceColumns, func(emit func(...string) error) error {
		for _, c := range r.Changes {
			if err := emit(csvtable.FormatInt(c.Key.Probe), csvtable.FormatInt(c.Key.Anchor), zs(c.From), zs(c.To),
				strconv.FormatBool(c.From == c.To), csvtable.FormatFloat(c.BestChoiceA), csvtable.FormatFloat(c.BestChoiceB),
				csvtable.FormatFloat(c.Delta)); err != nil {
				return err
			}
		}
		return nil
	})
}

// WriteBestChoiceStats writes best_choice_summary.csv.
func (r *Result) WriteBestChoiceStats(w io.Writer) error {
	return writeCSV(w, BestChoiceStatsColumns, func(emit func(...string) error) error {
		row := func(z stats.Zone, s Summary) error {
			f := csvtable.FormatFloat
			return emit(zs(z), z.Label(), strconv.Itoa(s.N), f(s.Min), f(s.Q1), f(s.Median), f(s.Q3), f(s.Max), f(s.Mean))
		}
		if err := row(0, r.BestChoice); err != nil {
			return err
		}
		for i, z := range Zones {
			if err := row(z, r.BestChoiceByZone[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// WriteNewGone writes pairs_new_gone.csv: the gone pairs, then the new.
func (r *Result) WriteNewGone(w io.Writer) error {
	return writeCSV(w, NewGoneColumns, func(emit func(...string) error) error {
		for _, set := range [][]Alone{r.Gone, r.New} {
			for _, p := range set {
				other := "absent"
				if p.Present {
					other = "ineligible"
				}
				if err := emit(csvtable.FormatInt(p.Key.Probe), csvtable.FormatInt(p.Key.Anchor), p.Status, zs(p.Zone),
					p.Zone.String(), csvtable.FormatFloat(p.BestChoice), other); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// runInfo is one run as summary.json describes it.
type runInfo struct {
	Dir           string `json:"dir"`
	InputSHA256   string `json:"input_sha256,omitempty"`
	Pairs         int    `json:"pairs"`
	EligiblePairs int    `json:"eligible_pairs"`
	BestChoice    bool   `json:"best_choice"`
}

// jsonSummary is summary.json.
type jsonSummary struct {
	Command   string      `json:"command"`
	Version   string      `json:"version"`
	A         runInfo     `json:"run_a"`
	B         runInfo     `json:"run_b"`
	SameInput bool        `json:"same_input"`
	Forced    []ParamDiff `json:"forced_parameters,omitempty"`
	Both      int         `json:"eligible_in_both"`
	Kept      int         `json:"kept_class"`
	KeptShare *float64    `json:"kept_class_share,omitempty"` // absent when no pair is eligible in both
	New       int         `json:"new_pairs"`
	Gone      int         `json:"gone_pairs"`
	// Matrix[i][j]: pairs from class i+1 in A to class j+1 in B.
	Matrix     [3][3]int        `json:"transitions"`
	BestChoice *jsonDescription `json:"best_choice_change,omitempty"`
	Files      []string         `json:"files"`
}

type jsonDescription struct {
	Pairs  int     `json:"pairs"`
	Min    float64 `json:"min"`
	Q1     float64 `json:"q1"`
	Median float64 `json:"median"`
	Q3     float64 `json:"q3"`
	Max    float64 `json:"max"`
	Mean   float64 `json:"mean"`
}

// WriteSummary writes summary.json: the runs, the counts, the matrix,
// the best-choice change, and files (the files written).
func (r *Result) WriteSummary(w io.Writer, version string, files []string) error {
	info := func(run *Run) runInfo {
		return runInfo{Dir: run.Dir, InputSHA256: run.Input, Pairs: len(run.Pairs), EligiblePairs: run.Eligible(), BestChoice: run.BestChoice}
	}
	s := jsonSummary{Command: "compare", Version: version, A: info(r.A), B: info(r.B),
		SameInput: r.A.Input != "" && r.A.Input == r.B.Input, Forced: r.Forced,
		Both: r.Both, Kept: r.Kept, New: len(r.New), Gone: len(r.Gone), Files: files}
	if !math.IsNaN(r.KeptShare) {
		s.KeptShare = &r.KeptShare
	}
	for i := range r.Matrix {
		for j := range r.Matrix[i] {
			s.Matrix[i][j] = r.Matrix[i][j].Pairs
		}
	}
	if b := r.BestChoice; b.N > 0 {
		s.BestChoice = &jsonDescription{Pairs: b.N, Min: b.Min, Q1: b.Q1, Median: b.Median, Q3: b.Q3, Max: b.Max, Mean: b.Mean}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}

// pct formats a share as a percentage, "—" for NaN.
func pct(x float64) string {
	if math.IsNaN(x) {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", 100*x)
}

// WriteText writes the comparison for a reader: the runs, the matrix, the
// share kept, the best-choice change and the pairs new and gone.
func (r *Result) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "A: %s (%d eligible of %d pairs)\nB: %s (%d eligible of %d pairs)\n",
		r.A.Dir, r.EligibleA, len(r.A.Pairs), r.B.Dir, r.EligibleB, len(r.B.Pairs))
	for _, d := range r.Forced {
		fmt.Fprintf(ew, "compared although the parameters differ (--force): %s\n", d)
	}
	fmt.Fprintf(ew, "\nTable 1 class in A (rows) and B (columns), pairs eligible in both: %d\n", r.Both)
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "A \\ B\t")
	for _, z := range Zones {
		fmt.Fprintf(tw, "%s\t", z)
	}
	fmt.Fprint(tw, "total\t\n")
	for i, z := range Zones {
		fmt.Fprintf(tw, "%s\t", z)
		n := 0
		for _, c := range r.Matrix[i] {
			fmt.Fprintf(tw, "%d (%s)\t", c.Pairs, pct(c.RowShare))
			n += c.Pairs
		}
		fmt.Fprintf(tw, "%d\t\n", n)
	}
	tw.Flush()
	fmt.Fprintf(ew, "(row shares: of the pairs of that class in A)\n\nkeeping their class: %d of %d (%s)\n", r.Kept, r.Both, pct(r.KeptShare))
	if b := r.BestChoice; b.N > 0 {
		fmt.Fprintf(ew, "EXP3 best-choice ratio, B - A, over %d pairs: mean %+.4f, quartiles %+.4f / %+.4f / %+.4f (min %+.4f, max %+.4f)\n",
			b.N, b.Mean, b.Q1, b.Median, b.Q3, b.Min, b.Max)
	} else if !r.A.BestChoice || !r.B.BestChoice {
		fmt.Fprintln(ew, "EXP3 best-choice ratio: not compared (a run has no simulation.csv)")
	} else {
		fmt.Fprintln(ew, "EXP3 best-choice ratio: not compared (no pair eligible in both)")
	}
	fmt.Fprintf(ew, "new pairs (eligible in B only): %d\ngone pairs (eligible in A only): %d\n", len(r.New), len(r.Gone))
	return ew.err
}

// errWriter keeps the first error of its writes.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}
