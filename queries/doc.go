// Package queries holds the BigQuery SQL that selects paired IPv4/IPv6 tests
// from the public RIPE Atlas dataset: the authors' query, one row per paired
// test of two tests with status 200 (paired_tests.sql), the same grouped by
// pair (paired_series.sql), and variants of both that keep the tests that
// failed, with what tells how each went (Config.Failures). Each can take its
// anchors from a probe archive, as the @anchors parameter, instead of the
// probes table, which lists today's anchors (Config.Anchors).
//
// The SQL lives in embedded .sql files and is never built by concatenation.
// Values (the time window and the pairing window) are BigQuery query
// parameters (@start, @end, @pair_minutes, and @anchors, an array of
// structs). Table names cannot be parameters,
// so the two table references are text/template fields filled only with
// identifiers that match [TableRE] (project.dataset.table of letters, digits,
// '-' and '_'), inside backquotes: nothing else can reach the SQL text.
package queries
