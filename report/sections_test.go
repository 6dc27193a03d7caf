package report

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/afsel/afsel/changepoint"
	"github.com/afsel/afsel/render"
	"github.com/afsel/afsel/tables"
)

// sweepRows is a small sweep: jumps 1 and 5 at penalties 2 and 5.
func sweepRows() []tables.SweepRow {
	var cfgs []changepoint.Config
	var t2 []tables.Table2
	for _, j := range []int{1, 5} {
		for _, p := range []float64{2, 5} {
			cfgs = append(cfgs, changepoint.Config{MinSize: 30, Jump: j, Penalty: p})
			a := 4
			if j == 5 {
				a = 1
			}
			t2 = append(t2, tables.Table2{A: a, B: 2, C: 1, Overlap: 1, Total: 10})
		}
	}
	return tables.SweepRows(cfgs, t2)
}

// week is a comparison: 10 pairs in both, 7 keep their class.
func week() *WeekOverWeek {
	return &WeekOverWeek{Dir: "cmp", A: "week1", B: "week2", EligibleA: 12, EligibleB: 11, Both: 10, Kept: 7, KeptShare: 0.7,
		Classes:    [3]string{"IPv4 is better", "None is better", "IPv6 is better"},
		Matrix:     [3][3]TransitionCell{{{3, 0.75}, {1, 0.25}, {0, 0}}, {{0, 0}, {2, 2.0 / 3}, {1, 1.0 / 3}}, {{1, 1.0 / 3}, {0, 0}, {2, 2.0 / 3}}},
		BestChoice: &Spread{Pairs: 10, Q1: -0.01, Median: 0.002, Q3: 0.02, Mean: 0.001}, New: 1, Gone: 2,
		Forced: []string{"replay_parameters.runs (100 in A, 50 in B)"}}
}

func TestSweepLines(t *testing.T) {
	lines := SweepLines(sweepRows())
	if len(lines) != 4 {
		t.Fatalf("%d lines, want 4", len(lines))
	}
	want := SweepLine{MinSize: 30, Jump: 5, Penalty: "5", A: "10.0%", B: "20.0%", C: "10.0%", D: "60.0%", AB: "10.0%", Pairs: 10, Paper: true, shareA: 0.1, shareD: 0.6}
	if lines[3] != want {
		t.Errorf("the paper's line %+v\nwant %+v", lines[3], want)
	}
	for i := range 3 {
		if lines[i].Paper {
			t.Errorf("line %d marked the paper's", i)
		}
	}
}

func TestSweepCaption(t *testing.T) {
	all := SweepLines(sweepRows())
	for _, c := range []struct {
		name  string
		lines []SweepLine
		want  []string
	}{
		{"paper swept", all, []string{"is ringed, and in bold below: A 10.0%, B 20.0%, C 10.0%, D 60.0%.",
			"With the same penalty, A is 40.0% with min_size 30, jump 1.", "Over the 4 combinations swept, A ranges 10.0%–40.0% and D 30.0%–60.0%."}},
		{"paper not swept", all[:2], []string{"The paper's combination (min_size 30, jump 5, penalty 5) was not swept.", "A ranges 40.0%–40.0%"}},
		{"one combination", all[3:], []string{"in bold below"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := SweepCaption(c.lines)
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("caption %q lacks %q", got, w)
				}
			}
			if len(c.lines) == 1 && strings.Contains(got, "ranges") {
				t.Errorf("caption %q gives a range of one combination", got)
			}
		})
	}
}

// TestGoldenSections: the report with a sweep, and with a comparison,
// byte for byte (without their figures, which render's tests check).
func TestGoldenSections(t *testing.T) {
	base := func() *Report {
		return &Report{Header: Header{Input: "week2.arrow", Date: time.Date(2023, 6, 16, 0, 0, 0, 0, time.UTC)},
			Table2: []tables.Row{{Category: "A", Count: 1, Share: 0.1}}}
	}
	withSweep, withWeek := base(), base()
	withSweep.Sweep = sweepRows()
	withWeek.Week = week()
	noChange := week()
	noChange.BestChoice, noChange.Forced, noChange.Notes = nil, nil, []string{"The runs in w3 are neither run of this comparison."}
	noChange.KeptShare = math.NaN()
	withWeekNoReplay := base()
	withWeekNoReplay.Week = noChange
	for _, c := range []struct {
		name string
		r    *Report
	}{
		{"sweep", withSweep},
		{"week", withWeek},
		{"week_noreplay", withWeekNoReplay},
	} {
		for _, f := range []struct {
			ext   string
			write func(*bytes.Buffer, *Report) error
		}{
			{"html", func(b *bytes.Buffer, r *Report) error { return WriteHTML(b, r) }},
			{"md", func(b *bytes.Buffer, r *Report) error { return WriteMarkdown(b, r) }},
		} {
			t.Run(c.name+"."+f.ext, func(t *testing.T) {
				var b bytes.Buffer
				if err := f.write(&b, c.r); err != nil {
					t.Fatal(err)
				}
				path := filepath.Join("testdata", "report_"+c.name+"."+f.ext)
				if *update {
					if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(b.Bytes(), want) {
					t.Errorf("differs from %s (go test -update rewrites it)", path)
				}
			})
		}
	}
}

// TestSectionFigures: with their figures, each section inlines its SVG in
// report.html and links its PNG in report.md, once.
func TestSectionFigures(t *testing.T) {
	sf, err := render.Table2Sweep(sweepRows())
	if err != nil {
		t.Fatal(err)
	}
	w := week()
	w.Figure = &render.Figure{Name: "transitions", Title: "Table 1 class from run A to run B", Height: 288}
	for _, c := range []struct {
		name, fig string
		r         *Report
	}{
		{"sweep", "table2_sweep", &Report{Sweep: sweepRows(), SweepFigure: sf}},
		{"week", "transitions", &Report{Week: w}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var h, md bytes.Buffer
			if err := WriteHTML(&h, c.r); err != nil {
				t.Fatal(err)
			}
			if err := WriteMarkdown(&md, c.r); err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(h.String(), `<figure id="`+c.fig+`">`+"\n<svg"); n != 1 {
				t.Errorf("report.html has the figure %d times", n)
			}
			if n := strings.Count(md.String(), "]("+c.fig+".png)"); n != 1 {
				t.Errorf("report.md links the figure %d times", n)
			}
		})
	}
}
