package report

import (
	"fmt"
	"math"
	"strings"

	"github.com/afsel/afsel/changepoint"
	"github.com/afsel/afsel/tables"
)

// sweepIntro introduces the section of a PELT sweep.
const sweepIntro = "Table 2 recomputed for every combination of PELT's parameters swept (table2_sweep.csv of afsel sweep --pelt-penalty, --pelt-jump, --pelt-min-size): the share of the eligible pairs in each group. Table 1 does not move: no change point enters it."

// SweepLine is one combination of the sweep's table: its parameters and
// the shares of groups A to D and of A∩B.
type SweepLine struct {
	MinSize, Jump  int
	Penalty        string
	A, B, C, D, AB string // percent
	Pairs          int    // eligible pairs (Table 2's total)
	Paper          bool   // the artefacts' (the paper's) combination
	shareA, shareD float64
}

// SweepLines are the combinations of rows, in their order.
func SweepLines(rows []tables.SweepRow) []SweepLine {
	var out []SweepLine
	idx := map[changepoint.Config]int{}
	d := changepoint.DefaultConfig()
	for _, r := range rows {
		i, ok := idx[r.Pelt]
		if !ok {
			i = len(out)
			idx[r.Pelt] = i
			out = append(out, SweepLine{MinSize: r.Pelt.MinSize, Jump: r.Pelt.Jump, Penalty: fmt.Sprintf("%g", r.Pelt.Penalty),
				A: "—", B: "—", C: "—", D: "—", AB: "—", Paper: r.Pelt == d, shareA: math.NaN(), shareD: math.NaN()})
		}
		l := &out[i]
		s := pct(r.Share)
		switch r.Category {
		case "A":
			l.A, l.shareA = s, r.Share
		case "B":
			l.B = s
		case "C":
			l.C = s
		case "D":
			l.D, l.shareD = s, r.Share
		case "overlap_A_B":
			l.AB = s
		case "total":
			l.Pairs = r.Count
		}
	}
	return out
}

// SweepCaption says where the paper's combination sits among lines: its
// groups, group A under the other combinations with its penalty (or that
// it was not swept), and the range of groups A and D over all.
func SweepCaption(lines []SweepLine) string {
	d := changepoint.DefaultConfig()
	name := fmt.Sprintf("min_size %d, jump %d, penalty %g", d.MinSize, d.Jump, d.Penalty)
	s := "Groups A–D against the penalty, a panel per min_size and jump. "
	var paper *SweepLine
	var others []string
	for i := range lines {
		l := &lines[i]
		switch {
		case l.Paper:
			paper = l
		case l.Penalty == fmt.Sprintf("%g", d.Penalty):
			others = append(others, fmt.Sprintf("%s with min_size %d, jump %d", l.A, l.MinSize, l.Jump))
		}
	}
	if paper == nil {
		s += fmt.Sprintf("The paper's combination (%s) was not swept.", name)
	} else {
		s += fmt.Sprintf("The paper's combination (%s: ruptures' default jump) is ringed, and in bold below: A %s, B %s, C %s, D %s.", name, paper.A, paper.B, paper.C, paper.D)
		if len(others) > 0 {
			s += fmt.Sprintf(" With the same penalty, A is %s.", strings.Join(others, "; "))
		}
	}
	if len(lines) > 1 {
		a, dd := spread(lines, func(l SweepLine) float64 { return l.shareA }), spread(lines, func(l SweepLine) float64 { return l.shareD })
		s += fmt.Sprintf(" Over the %d combinations swept, A ranges %s and D %s.", len(lines), a, dd)
	}
	return s
}

// spread is the least and greatest share field gives of lines, as
// percentages "lo–hi".
func spread(lines []SweepLine, field func(SweepLine) float64) string {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, l := range lines {
		if v := field(l); !math.IsNaN(v) {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if lo > hi {
		return "—"
	}
	return pct(lo) + "–" + pct(hi)
}
