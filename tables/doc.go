// Package tables computes the paper's Tables 1 and 2 over a stream of pairs.
//
// For every eligible pair it runs the Welch classification (package stats)
// and the PELT segmentation with per-segment zones (package changepoint), in
// a pool of workers, and aggregates Table 1 and Table 2. It also writes the
// per-pair outputs in the artefacts' layouts (flows.csv, change_points.csv)
// and the two tables as CSV. Results do not depend on the number of workers.
// Group is Table 2's rule for one pair, which package compare also uses.
package tables
