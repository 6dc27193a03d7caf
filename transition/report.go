package transition

import (
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/afsel/afsel/pipeline"
	"github.com/afsel/afsel/render"
	"github.com/afsel/afsel/report"
)

// Figure is the matrix (Plot) as a figure of the report: render's width,
// so that it lays out as the report's other figures, its text larger in
// proportion (it is shown about as wide as Plot's own figure is drawn).
func (r *Result) Figure() *render.Figure {
	return &render.Figure{Name: FigureName, Title: "Table 1 class from run A to run B", Height: 6 * vg.Inch,
		Panels: []*plot.Plot{r.plot(float64(render.Width / figWidth))}}
}

// Section is r as the report's "Week over week" section; dir is where the
// comparison was read from.
func (r *Result) Section(dir string) *report.WeekOverWeek {
	w := &report.WeekOverWeek{Dir: dir, A: r.A.Dir, B: r.B.Dir, EligibleA: r.EligibleA, EligibleB: r.EligibleB,
		Both: r.Both, Kept: r.Kept, KeptShare: r.KeptShare, New: len(r.New), Gone: len(r.Gone), Figure: r.Figure()}
	for i, z := range Zones {
		w.Classes[i] = z.String()
		for j, c := range r.Matrix[i] {
			w.Matrix[i][j] = report.TransitionCell{Pairs: c.Pairs, RowShare: c.RowShare}
		}
	}
	if b := r.BestChoice; b.N > 0 {
		w.BestChoice = &report.Spread{Pairs: b.N, Q1: b.Q1, Median: b.Median, Q3: b.Q3, Mean: b.Mean}
	}
	for _, d := range r.Forced {
		w.Forced = append(w.Forced, d.String())
	}
	return w
}

// ReportSection reads the comparison in dir (ReadOutput) as a section of
// the report of the runs in runDir, with a note when those are neither run
// compared (by path, or by the input their manifest records): the report
// would then show another week's comparison.
func ReportSection(dir, runDir string) (*report.WeekOverWeek, error) {
	r, err := ReadOutput(dir)
	if err != nil {
		return nil, err
	}
	w := r.Section(dir)
	same := func(a, b string) bool {
		x, errX := realAbs(a)
		y, errY := realAbs(b)
		return errX == nil && errY == nil && x == y
	}
	if same(runDir, r.A.Dir) || same(runDir, r.B.Dir) {
		return w, nil
	}
	m, err := pipeline.ReadManifest(runDir)
	if err != nil {
		return nil, err
	}
	for _, s := range m.Runs {
		if in := s.Input.SHA256; in != "" && (in == r.A.Input || in == r.B.Input) {
			return w, nil
		}
	}
	w.Notes = append(w.Notes, fmt.Sprintf("The runs in %s are neither run of this comparison (A: %s, B: %s): it is shown as found in %s.", runDir, r.A.Dir, r.B.Dir, dir))
	return w, nil
}
