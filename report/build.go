package report

import (
	"io"

	"github.com/afsel/afsel/compare"
	"github.com/afsel/afsel/failures"
	"github.com/afsel/afsel/figures"
	"github.com/afsel/afsel/networks"
	"github.com/afsel/afsel/render"
	"github.com/afsel/afsel/replay"
	"github.com/afsel/afsel/tables"
)

// Inputs is everything the figures and the report are made from, however it
// was obtained: read back from the CSVs of `afsel tables` and `afsel replay`,
// or handed over in memory by `afsel reproduce`.
type Inputs struct {
	// Header is the report's title and header: the input, the run's date
	// and whether the input is synthetic, all from the run.
	Header         Header
	Table1, Table2 []tables.Row
	// Sim is the replay's pairs, required (Figure 4 and per-probe
	// coverage); their metrics are optional (gains in the replay summary).
	Sim        []replay.Pair
	Fig1       *figures.Fig1 // optional: needs the paired tests
	Fig2       *figures.Fig2 // optional: needs the paired tests
	Summaries  []NamedSummary
	Parameters []KV
	Notes      []string
	Policies   []compare.SummaryRow // optional: policies.csv of afsel replay --policies
	PolicyCDF  []figures.Row        // optional: policies_cdf.csv, for the policies figure
	// Optional, with failed tests kept: failures.csv, policies_failures.csv
	// and policies_failures_cdf.csv (its figure).
	Failures       []failures.Row
	PolicyFailures []compare.FailureRow
	FailureCDF     []figures.Row
	// Networks are the groups of networks.csv (--probes); optional.
	Networks []networks.Group
}

// File is one output file and how to write it (render's, which writes the
// images).
type File = render.File

// RowsFile is the tidy CSV of a figure's rows.
func RowsFile(name string, rows []figures.Row) File {
	return File{Name: name, Write: func(w io.Writer) error { return figures.WriteRows(w, rows) }}
}

// Files are the report's files: report.html and report.md.
func (r *Report) Files() []File {
	return []File{
		{Name: "report.html", Write: func(w io.Writer) error { return WriteHTML(w, r) }},
		{Name: "report.md", Write: func(w io.Writer) error { return WriteMarkdown(w, r) }},
	}
}

// Drawn is every figure but Figure 1, computed and rendered, so that a
// caller may compute Figure 1 meanwhile: Figure 2 (if Inputs.Fig2), Figure
// 4, the coverage and the policies (if Inputs.PolicyCDF), in report order.
type Drawn struct {
	Figures  []*render.Figure
	CSV      []File // fig2.csv (if drawn), fig4.csv, coverage.csv
	Coverage *figures.Coverage
}

// Draw computes Figure 4 and the coverage and renders every figure of in
// but Figure 1. points bounds each CDF's output points.
func Draw(in Inputs, points int) (*Drawn, error) {
	d := &Drawn{}
	if in.Fig2 != nil {
		r2, err := render.Figure2(in.Fig2)
		if err != nil {
			return nil, err
		}
		d.Figures = append(d.Figures, r2)
		d.CSV = append(d.CSV, RowsFile("fig2.csv", in.Fig2.Rows()))
	}
	f4 := figures.Figure4(in.Sim)
	d.Coverage = figures.ComputeCoverage(in.Sim)
	r4, err := render.Figure4(f4, points)
	if err != nil {
		return nil, err
	}
	rc, err := render.Coverage(d.Coverage, points)
	if err != nil {
		return nil, err
	}
	d.Figures = append(d.Figures, r4, rc)
	if len(in.PolicyCDF) > 0 {
		rp, err := render.Policies(in.PolicyCDF, points)
		if err != nil {
			return nil, err
		}
		d.Figures = append(d.Figures, rp)
	}
	if nf, err := NetworksFigure(in.Networks); err != nil {
		return nil, err
	} else if nf != nil {
		d.Figures = append(d.Figures, nf)
	}
	if len(in.FailureCDF) > 0 {
		rf, err := render.PolicyFailures(in.FailureCDF)
		if err != nil {
			return nil, err
		}
		d.Figures = append(d.Figures, rf)
	}
	d.CSV = append(d.CSV, RowsFile("fig4.csv", f4.Rows(points)), RowsFile("coverage.csv", d.Coverage.Rows(points)))
	return d, nil
}

// New is the report of in (Fig1 included, if set) with the rendered
// figures figs in display order and the coverage cov.
func New(in Inputs, figs []*render.Figure, cov *figures.Coverage) *Report {
	return &Report{
		Header: in.Header, Table1: in.Table1, Table2: in.Table2, Fig1: in.Fig1, Coverage: cov, Replay: ReplaySummary(in.Sim),
		Figures: figs, Summaries: in.Summaries, Parameters: in.Parameters, Notes: in.Notes,
		Policies: PolicyTables(in.Policies),
		Failures: FailureLines(in.Failures), FailurePolicies: FailurePolicyTables(in.PolicyFailures),
		Networks: NetworkTables(in.Networks),
	}
}

// FileNames orders the outputs: the figures' CSVs (Figure 1's first), then
// each figure's images in report order, then the report.
func FileNames(csv []File, figs []*render.Figure, report []File) []File {
	out := append([]File(nil), csv...)
	for _, f := range figs {
		out = append(out, f.Files()...)
	}
	return append(out, report...)
}

// Build computes and renders everything of in and returns the files to
// write (tidy CSVs, SVGs, PNGs, report.html and report.md) with the report:
// Draw, then Figure 1 (if in.Fig1), then New, as a caller that does not
// compute Figure 1 meanwhile would.
func Build(in Inputs, points int) ([]File, *Report, error) {
	d, err := Draw(in, points)
	if err != nil {
		return nil, nil, err
	}
	figs, csv := d.Figures, d.CSV
	if in.Fig1 != nil {
		r1, err := render.Figure1(in.Fig1, points)
		if err != nil {
			return nil, nil, err
		}
		figs = append([]*render.Figure{r1}, figs...)
		csv = append([]File{RowsFile("fig1.csv", in.Fig1.Rows(points))}, csv...)
	}
	rep := New(in, figs, d.Coverage)
	return FileNames(csv, figs, rep.Files()), rep, nil
}
