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
// With Config.Failures some tests fail, as RIPE Atlas tests do, and batches
// are of ingest.FailuresSchema. Each probe's network and each pair have a
// failure rate per family, lognormal across networks (most pairs fail rarely
// or never, a few networks often), with means of 0.2% for IPv4 and 1.5% for
// IPv6 after APNIC's measurements; failures come in runs of a few tests (an
// outage), each of one kind (connect timeout, refused or unreachable, HTTP
// 503, read timeout, DNS error). The failures are drawn from streams of
// their own and replace tests: the rows, and the durations of the tests that
// worked, are those generated without them.
//
// Probes and Archive give the probes' metadata, as a RIPE Atlas probe
// archive has it: a country (Zipf-like over 40 ISO 3166 codes, so that a
// few countries hold most probes), an IPv4 origin AS from a small pool per
// country, and the same AS for IPv6 but for a few % of the probes, whose
// IPv6 goes through a tunnel broker's AS. The ASes are invented, with
// private-use and documentation numbers. WriteArchive writes the archive's
// JSON, which atlas.ReadProbes reads. The metadata is drawn from streams of
// its own, so the tests are the same with or without it.
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
