package figures

import (
	"io"

	"github.com/afsel/afsel/replay"
	"github.com/afsel/afsel/tables"
)

// Inputs is everything the figures and the report are made from, however it
// was obtained: read back from the CSVs of `afsel tables` and `afsel replay`,
// or handed over in memory by `afsel reproduce`.
type Inputs struct {
	Table1, Table2 []tables.Row
	// Sim is the replay's pairs, required (Figure 4 and per-probe
	// coverage); their metrics are optional (gains in the replay summary).
	Sim  []replay.Pair
	Fig1 *Fig1 // optional: needs the paired tests
	// Figure1, when Fig1 is nil, gives Figure 1 to the files that need it,
	// when they are written: the caller may still be computing it while
	// the others are. It is called from several goroutines and must give
	// the same result each time, as a sync.OnceValues function does.
	Figure1    func() (*Fig1, error)
	Fig2       *Fig2 // optional: needs the paired tests
	Summaries  []NamedSummary
	Parameters []KV
	Notes      []string
	Policies   []PolicyStat // optional: policies.csv of afsel replay --policies
	PolicyCDF  []Row        // optional: policies_cdf.csv, for the policies figure
}

// File is one output file and how to write it.
type File struct {
	Name  string
	Write func(io.Writer) error
	// Waits is set when Write needs Inputs.Figure1 and may block until it
	// is computed: written after the others, it keeps no core idle.
	Waits bool
}

// Build computes Figure 4 and the coverage, renders every figure present and
// returns the files to write (tidy CSVs, SVGs, PNGs, report.html and
// report.md) with the report. points bounds each CDF's output points. With
// Inputs.Figure1 rather than Fig1, Figure 1 is rendered, and the report's
// Fig1 set, when a file first needs them.
func Build(in Inputs, points int) ([]File, *Report, error) {
	rep := &Report{
		Table1: in.Table1, Table2: in.Table2, Fig1: in.Fig1,
		Summaries: in.Summaries, Parameters: in.Parameters, Notes: in.Notes,
		Policies: PolicyTables(in.Policies),
	}
	var files []File
	switch {
	case in.Fig1 != nil:
		r1, err := RenderFigure1(in.Fig1, points)
		if err != nil {
			return nil, nil, err
		}
		rep.Figures = append(rep.Figures, r1)
		files = append(files, File{Name: "fig1.csv", Write: func(w io.Writer) error { return WriteRows(w, in.Fig1.Rows(points)) }})
	case in.Figure1 != nil:
		// Figure 1 is drawn, and the report completed, when first needed.
		r1 := &Figure{Name: "fig1"}
		r1.fill.f = func(r1 *Figure) error {
			f1, err := in.Figure1()
			if err != nil {
				return err
			}
			r, err := RenderFigure1(f1, points)
			if err != nil {
				return err
			}
			r1.Title, r1.Height, r1.Panels, r1.Cols, r1.Legend = r.Title, r.Height, r.Panels, r.Cols, r.Legend
			return nil
		}
		rep.Figures = append(rep.Figures, r1)
		rep.fill.f = func(rep *Report) error {
			f1, err := in.Figure1()
			rep.Fig1 = f1
			return err
		}
		files = append(files, File{Name: "fig1.csv", Waits: true, Write: func(w io.Writer) error {
			f1, err := in.Figure1()
			if err != nil {
				return err
			}
			return WriteRows(w, f1.Rows(points))
		}})
	}
	if in.Fig2 != nil {
		r2, err := RenderFigure2(in.Fig2)
		if err != nil {
			return nil, nil, err
		}
		rep.Figures = append(rep.Figures, r2)
		files = append(files, File{Name: "fig2.csv", Write: func(w io.Writer) error { return WriteRows(w, in.Fig2.Rows()) }})
	}
	f4 := Figure4(in.Sim)
	cov := ComputeCoverage(in.Sim)
	rep.Coverage = cov
	rep.Replay = ReplaySummary(in.Sim)
	r4, err := RenderFigure4(f4, points)
	if err != nil {
		return nil, nil, err
	}
	rc, err := RenderCoverage(cov, points)
	if err != nil {
		return nil, nil, err
	}
	rep.Figures = append(rep.Figures, r4, rc)
	if len(in.PolicyCDF) > 0 {
		rp, err := RenderPolicies(in.PolicyCDF, points)
		if err != nil {
			return nil, nil, err
		}
		rep.Figures = append(rep.Figures, rp)
	}
	files = append(files,
		File{Name: "fig4.csv", Write: func(w io.Writer) error { return WriteRows(w, f4.Rows(points)) }},
		File{Name: "coverage.csv", Write: func(w io.Writer) error { return WriteRows(w, cov.Rows(points)) }})
	for _, f := range rep.Figures {
		waits := f.fill.f != nil
		files = append(files, File{Name: f.Name + ".svg", Write: f.WriteSVG, Waits: waits}, File{Name: f.Name + ".png", Write: f.WritePNG, Waits: waits})
	}
	waits := rep.fill.f != nil
	files = append(files,
		File{Name: "report.html", Write: func(w io.Writer) error { return WriteHTML(w, rep) }, Waits: waits},
		File{Name: "report.md", Write: func(w io.Writer) error { return WriteMarkdown(w, rep) }, Waits: waits})
	return files, rep, nil
}
