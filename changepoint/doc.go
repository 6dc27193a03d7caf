// Package changepoint implements PELT change-point detection with the
// semantics of ruptures (rpt.Pelt(model="l2", min_size, jump).fit(signal).
// predict(pen)), so that Table 2 of the study gets exactly the breakpoints
// the authors' Python artefacts got.
//
// It owns:
//
//   - Pelt, a reusable workspace whose Breakpoints method returns ruptures'
//     breakpoints (sorted, the series length last). A fast pass computes
//     segment costs in O(1) from double-double prefix sums; any decision it
//     takes (the first-minimal argmin, the <= pruning test) whose two sides
//     are too close to be trusted is settled on the exact reference pass's
//     values for the tied candidates only, which reproduce numpy's float64
//     operations bit for bit (pairwise summation, var = sum((x-mean)^2)/n,
//     cost = var*n) and Python's order of additions (F(t) + (cost + pen)).
//     Setting Pelt.Exact runs the reference pass only; Pelt.Stats counts how
//     often each pass decided.
//   - Segmenter, the artefacts' segmentation of a pair: PELT on each family,
//     Merge (the sorted union of the two breakpoint lists), and every
//     segment between consecutive points of [0] + union re-classified by
//     package stats; Mixed tells whether segments disagree (zone 1 and 3).
//   - The error values for inputs ruptures rejects: ErrTooShort (a series
//     shorter than the minimum segment size, ruptures'
//     BadSegmentationParameters), ErrNoSegmentation (ruptures' "min() arg is
//     an empty sequence", reachable only with NaN data or a negative penalty)
//     and ErrConfig.
//
// Where ruptures differs from a textbook PELT, this package follows ruptures:
// the effective minimum segment size is max(MinSize, 1) (the L2 cost's own
// minimum), candidate segment ends are the multiples of Jump in [MinSize, n)
// followed by n, and a start point pruned at one step can come back at the
// last one: when n is not a multiple of Jump, the end n can append the same
// admissible point as the end before it (always, when MinSize is a multiple
// of Jump).
package changepoint
