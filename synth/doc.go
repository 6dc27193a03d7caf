// Package synth generates realistic paired IPv4/IPv6 HTTP tests, in the
// ingest schema, for tests, benchmarks and demonstrations without the RIPE
// Atlas export.
//
// The model is a measurement campaign (by default the paper's week,
// 2023-06-01 to 2023-06-08): probes (ids 1 to 70000) each reach a few anchors
// (ids 6000 to 7100); every (probe, anchor) pair runs a paired test about
// every 30 minutes, with jitter, missed tests and outages, and some pairs
// cover only part of the week (too few tests to be eligible). Each pair has
// a lognormal base request completion time (RCT), an IPv4/IPv6 offset drawn
// from a mixture (IPv4 faster, IPv6 faster, or equal), common and
// per-family multiplicative noise with a daily cycle, heavy-tailed spikes,
// and occasional regimes that change the offset for a while, sometimes
// flipping the faster family. DefaultModel is calibrated so that the
// pipeline's Table 1, Table 2, eligible share and global RCT percentiles
// land near the paper's published figures.
//
// Generation is deterministic for a seed and independent of the number of
// workers: each probe draws from its own PCG stream derived from (seed,
// probe index), so probes are generated in parallel and emitted in order,
// sorted by prb_id and, within a probe, by start_time. (Bit for bit on one
// architecture: math.Exp is assembly on some, so another may differ in a
// rare last digit.) A Reader streams the result as Arrow record batches with
// bounded memory, so any ingest writer can consume it (ingest.WriteFile,
// ingest.WriteCSV for the authors' CSV layout).
package synth
