// Package figures computes the data behind the paper's figures and renders
// them: exact empirical distribution functions (ECDF), downsampled for output
// with a bounded error; Figure 1 (RCT and v4/v6 ratio CDFs after the global
// 5th-95th percentile filter), Figure 2 (one pair's series with its segments),
// Figure 4 (EXP3 against fixed choices, per zone, and the expected gains) and
// the per-probe coverage of the winning family (paper §3(2)).
//
// Figure 1 needs every paired test's durations: Figure1 takes them in
// memory, Figure1Passes reads them several times through a Pass and holds
// only histograms refined where its quantiles and ECDF steps fall, so that
// its memory does not grow with the number of tests.
//
// Every figure is a list of tidy rows (figure, panel, series, x, y) written
// as CSV, an SVG and a PNG drawn with gonum.org/v1/plot, and a section of a
// self-contained HTML report (inline SVG, no network) with Markdown twin.
// PNGs are drawn on vgimg's canvas with a faster path for level text and
// written without row filters (pngCanvas, encodePNG): the same pixels, in a
// third of the time.
//
// The package does no I/O of its own: readers of the tables and replay
// outputs take io.Readers, the paired tests come as Arrow batches, and every
// output goes to an io.Writer the caller gives.
package figures
