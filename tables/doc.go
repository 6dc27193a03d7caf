// Package tables computes the paper's Tables 1 and 2 over a stream of pairs.
//
// An Analyzer runs, for one eligible pair at a time, the Welch
// classification (package stats) and the PELT segmentation with per-segment
// zones (package changepoint); Summarize counts Table 1 and Table 2 over the
// pairs (package pipeline runs the Analyzer over every pair of an input).
// Group is Table 2's rule for one pair, which package compare also uses.
// The package owns the per-pair outputs in the artefacts' layouts
// (flows.csv, change_points.csv) and the two tables as CSV: each written
// and read back here, with its columns named once.
package tables
