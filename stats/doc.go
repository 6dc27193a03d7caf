// Package stats classifies a pair's IPv4 and IPv6 durations: which family is
// faster, if either, by the artefacts' trimmed Welch t-test and zone rules.
//
// It owns the numerics that must match the authors' Python stack bit for bit
// where decisions depend on them: numpy's pairwise summation (Sum, Mean,
// Var), scipy's Welch t-test with its confidence interval (Welch), Python's
// truncated trimming bounds (Trim), the zone rules with their NaN quirk
// (Classify), also of a pair and its segments from one sort of each family
// (Ranked, ClassifyRanked, ClassifyPart), Table 1 (Table1) and the
// per-probe majority family (ProbeFamily); numpy's quantiles (Quantile,
// Lerp) and a fast sort of large samples (SortFloats) for the figures; and
// the artefacts' median of runs, sorted(x)[len(x)//2], by selection
// (UpperMedian).
package stats
