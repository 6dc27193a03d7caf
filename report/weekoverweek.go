package report

import (
	"fmt"
	"strings"

	"github.com/afsel/afsel/render"
)

// weekIntro introduces the section of a comparison with another run.
const weekIntro = "Pair by pair against another run (afsel compare RUN_A RUN_B, typically two weeks): the Table 1 class in A and in B of the pairs eligible in both, the share keeping their class, the change of EXP3's best-choice ratio (median_best_choice, B − A) and the pairs eligible in one run only."

// WeekOverWeek is a comparison of two runs (afsel compare) as the report
// shows it.
type WeekOverWeek struct {
	Dir  string // the comparison's directory
	A, B string // the runs compared
	// EligibleA and EligibleB are each run's eligible pairs, Both those
	// eligible in both, Kept those of Both in one class in both runs
	// (KeptShare = Kept / Both, NaN without Both).
	EligibleA, EligibleB, Both, Kept int
	KeptShare                        float64
	Classes                          [3]string // of the matrix's rows (A) and columns (B)
	Matrix                           [3][3]TransitionCell
	BestChoice                       *Spread // nil: not compared (a run has no replay)
	New, Gone                        int     // pairs eligible in B only, in A only
	Forced                           []string
	Notes                            []string // e.g. that the report's run is neither A nor B
	Figure                           *render.Figure
}

// TransitionCell is one cell of the transition matrix.
type TransitionCell struct {
	Pairs    int
	RowShare float64 // of the pairs of the row's class in A; NaN when none
}

// Spread summarises a change over pairs.
type Spread struct {
	Pairs                int
	Q1, Median, Q3, Mean float64
}

// weekView is what the templates see of a WeekOverWeek.
type weekView struct {
	*WeekOverWeek
	Rows     []weekRow
	KeptText string // "K of N (x%)"
	Change   string // the best-choice change, in words
	SVG      *svgView
}

type weekRow struct {
	Class string
	Cells [3]string
	Total int
}

func (w *WeekOverWeek) view(inline bool) (*weekView, error) {
	v := &weekView{WeekOverWeek: w, KeptText: fmt.Sprintf("%d of %d (%s)", w.Kept, w.Both, fmtOr(100*w.KeptShare, "%.1f%%"))}
	for i, c := range w.Classes {
		r := weekRow{Class: c}
		for j, cell := range w.Matrix[i] {
			r.Cells[j] = fmt.Sprintf("%d (%s)", cell.Pairs, fmtOr(100*cell.RowShare, "%.1f%%"))
			r.Total += cell.Pairs
		}
		v.Rows = append(v.Rows, r)
	}
	if b := w.BestChoice; b != nil {
		v.Change = fmt.Sprintf("median %+.4f (quartiles %+.4f and %+.4f), mean %+.4f over %d pairs", b.Median, b.Q1, b.Q3, b.Mean, b.Pairs)
	} else {
		v.Change = "not compared: a run has no replay (simulation.csv)"
	}
	if f := w.Figure; f != nil {
		var err error
		if v.SVG, err = newSVGView(f, "", inline); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// writeWeekMD writes the section as Markdown.
func writeWeekMD(b *strings.Builder, v *weekView) {
	fmt.Fprintf(b, "## Week over week\n\n%s\n\n", weekIntro)
	fmt.Fprintf(b, "A: %s (%d eligible pairs); B: %s (%d eligible pairs); comparison: %s.\n\n", mdEscape(v.A), v.EligibleA, mdEscape(v.B), v.EligibleB, mdEscape(v.Dir))
	for _, n := range v.Notes {
		fmt.Fprintf(b, "> %s\n\n", mdEscape(n))
	}
	for _, f := range v.Forced {
		fmt.Fprintf(b, "> Compared although a parameter differs (--force): %s\n\n", mdEscape(f))
	}
	b.WriteString("| class in A \\ in B |")
	for _, c := range v.Classes {
		fmt.Fprintf(b, " %s |", c)
	}
	b.WriteString(" pairs |\n| --- | ---: | ---: | ---: | ---: |\n")
	for _, r := range v.Rows {
		fmt.Fprintf(b, "| %s | %s | %s | %s | %d |\n", r.Class, r.Cells[0], r.Cells[1], r.Cells[2], r.Total)
	}
	fmt.Fprintf(b, "\nKeeping their class: %s. EXP3's best-choice ratio, B − A: %s. New pairs (eligible in B only): %d; gone (eligible in A only): %d.\n\n", v.KeptText, v.Change, v.New, v.Gone)
	if v.SVG != nil {
		fmt.Fprintf(b, "![%s](%s.png)\n\n", v.SVG.Name, v.SVG.Name)
	}
}
