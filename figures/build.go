package figures

import (
	"io"

	"github.com/afsel/afsel/tables"
)

// Inputs is everything the figures and the report are made from, however it
// was obtained: read back from the CSVs of `afsel tables` and `afsel replay`,
// or handed over in memory by `afsel reproduce`.
type Inputs struct {
	Table1, Table2 []tables.Row
	Sim            []SimPair // required: Figure 4 and per-probe coverage
	Metrics        []Metric  // optional: gains in the replay summary
	Fig1           *Fig1     // optional: needs the paired tests
	Fig2           *Fig2     // optional: needs the paired tests
	Summaries      []NamedSummary
	Parameters     []KV
	Notes          []string
	Policies       []PolicyStat // optional: policies.csv of afsel replay --policies
	PolicyCDF      []Row        // optional: policies_cdf.csv, for the policies figure
}

// File is one output file and how to write it.
type File struct {
	Name  string
	Write func(io.Writer) error
}

// Build computes Figure 4 and the coverage, renders every figure present and
// returns the files to write (tidy CSVs, SVGs, PNGs, report.html and
// report.md) with the report. points bounds each CDF's output points.
func Build(in Inputs, points int) ([]File, *Report, error) {
	rep := &Report{
		Table1: in.Table1, Table2: in.Table2, Fig1: in.Fig1,
		Summaries: in.Summaries, Parameters: in.Parameters, Notes: in.Notes,
		Policies: PolicyTables(in.Policies),
	}
	var files []File
	if in.Fig1 != nil {
		r1, err := RenderFigure1(in.Fig1, points)
		if err != nil {
			return nil, nil, err
		}
		rep.Figures = append(rep.Figures, r1)
		files = append(files, File{"fig1.csv", func(w io.Writer) error { return WriteRows(w, in.Fig1.Rows(points)) }})
	}
	if in.Fig2 != nil {
		r2, err := RenderFigure2(in.Fig2)
		if err != nil {
			return nil, nil, err
		}
		rep.Figures = append(rep.Figures, r2)
		files = append(files, File{"fig2.csv", func(w io.Writer) error { return WriteRows(w, in.Fig2.Rows()) }})
	}
	f4 := Figure4(in.Sim)
	cov := ComputeCoverage(in.Sim)
	rep.Coverage = cov
	rep.Replay = ReplaySummary(in.Sim, in.Metrics)
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
		File{"fig4.csv", func(w io.Writer) error { return WriteRows(w, f4.Rows(points)) }},
		File{"coverage.csv", func(w io.Writer) error { return WriteRows(w, cov.Rows(points)) }})
	for _, f := range rep.Figures {
		files = append(files, File{f.Name + ".svg", f.WriteSVG}, File{f.Name + ".png", f.WritePNG})
	}
	files = append(files,
		File{"report.html", func(w io.Writer) error { return WriteHTML(w, rep) }},
		File{"report.md", func(w io.Writer) error { return WriteMarkdown(w, rep) }})
	return files, rep, nil
}
