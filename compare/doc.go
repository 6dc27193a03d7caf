// Package compare replays other address-selection policies beside EXP3
// (package policy: fixed families, the a-posteriori oracles, Happy
// Eyeballs, races, an RTT cache, bandit learners) over the same pairs, and
// compares them per pair, per zone and, for the pairs whose segments change
// zone (Table 2's groups A and C), per segment: how often each serves a
// family no slower than the other, its latency, gain, regret and
// connections, and how fast it recovers after a change.
//
// It runs no classification or segmentation of its own: a Worker takes each
// probe's replay from replay.Worker.Probe (eligibility, zone, probe family)
// and its segments from tables.Analyzer, the way replay.Worker.Probe takes
// classes, so the comparison's segments are those of the caller's PELT
// configuration. The artefacts' EXP3 among the policies reads the replay
// engine's own random stream and so equals the replay bit for bit; the other
// randomized policies draw from a PCG seeded per (seed, pair, run, policy),
// so results depend neither on the workers nor on the order of the probes.
//
// Most policies are played round by round through policy.Strategy. The
// artefacts' EXP3 and Thompson sampling, played 100 times a pair, have
// batched paths that make the same choices from the same streams: EXP3 on
// the replay's vector kernel (replay.Exp3Arms), Thompson sampling on a
// concrete PCG (bandit.ThompsonPCG); their runs are then scored from their
// arms.
//
// The outputs are policies_pairs.csv (WritePairs), policies.csv
// (WriteSummary, read back by ReadSummary), policies_segments.csv
// (WriteSegments) and policies_cdf.csv (WriteCDF).
package compare
