// Package figures computes the data behind the paper's figures: exact
// empirical distribution functions (ECDF), downsampled for output with a
// bounded error; Figure 1 (RCT and v4/v6 ratio CDFs after the global
// 5th-95th percentile filter), Figure 2 (one pair's series with its
// segments), Figure 4 (EXP3 against fixed choices, per zone, and the
// expected gains) and the per-probe coverage of the winning family (paper
// §3(2)), with the paper's own numbers beside which they are shown.
//
// Figure 1 needs every paired test's durations: Figure1 takes them in
// memory, Figure1Passes reads them several times through a rankstat.Pass
// and holds only what internal/rankstat needs for the quantiles and the
// ECDF steps, so that its memory does not grow with the number of tests.
//
// Every figure is a list of tidy rows (figure, panel, series, x, y), the
// format WriteRows writes and ReadRows reads. Package render draws the
// figures; package report writes them with the report.
//
// The package does no I/O of its own: the paired tests come as Arrow
// batches or columns, and the rows go to an io.Writer the caller gives.
package figures
