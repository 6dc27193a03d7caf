// Package rankstat computes exact order statistics of samples too large to
// hold, from several passes over them: quantiles as stats.Quantile gives
// them, and the steps of empirical distribution functions that a
// downsampling by share keeps.
//
// A Sample holds histograms over an order-preserving integer key of its
// values (stats.Key, -0 folded into +0), refined only where a wanted rank
// falls until the values there are few enough to collect. Each round, the
// values asked of the samples (Sample.Quantile, Sample.Steps) tell a
// Planner what the next pass must refine or collect within a memory
// budget; Passes makes the pass, feeding the values to Sample.ObserveAll, and
// checks that every pass gives the same rows.
//
// The rows come from a Pass: columns in memory (ColumnsPass), a Spill that
// keeps them in memory up to a size and in an unlinked temporary file
// beyond, or any reader that can be opened again.
package rankstat
