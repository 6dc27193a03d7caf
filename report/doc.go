// Package report makes the figures' files and the report: the tidy CSVs,
// each figure's SVG and PNG (package render), and a self-contained
// report.html (inline SVG, no network) with its report.md twin, showing
// under a title that names the input and the run's date (and a banner when
// the input is synthetic) Tables 1 and 2 beside the paper's, the Figure 1
// filter, the coverage, a replay summary, the policy comparison, each
// figure with a caption saying what to read from it, and the runs'
// summaries.
//
// The steps are apart so that a caller may compute Figure 1 while the rest
// is drawn: Draw (every figure but Figure 1), render.Figure1, New (the
// report), FileNames (the order of the files); Build composes them.
package report
