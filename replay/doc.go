// Package replay replays the artefacts' simulation: for every eligible
// (probe, anchor) pair, EXP3 chooses IPv4 or IPv6 round by round over the
// pair's recorded durations, 100 times, and is scored against fixed-choice
// baselines (the pair's a-posteriori best family, the probe's majority
// family).
//
// It owns the replay procedure and its metrics: the artefacts' three ratios
// (median_best_choice, best_path_choice, static_best_choice), bit-identical
// to theirs, and the ones they computed and threw away (gain per request,
// regret against the per-round oracle). Pairs run in parallel; outputs do
// not depend on the number of workers. Package compare replays further
// policies beside EXP3, sharing an Engine's random stream (Engine.Draws).
package replay
