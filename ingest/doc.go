// Package ingest reads paired IPv4/IPv6 HTTP tests into Arrow record batches
// of one schema (Schema) and writes them back out.
//
// Input may also say how each test ended, in outcome columns (CSV, Parquet
// and Arrow IPC; not CBOR): rows with a failed test are then left out and
// counted by FailureReason, as the authors' query left them out, unless
// Options.KeepFailures asks for batches of FailuresSchema, which writers
// write back with their outcomes.
//
// It owns the input formats: the authors' CSV export of the BigQuery query
// (plain, gzip, bzip2), Parquet (afsel's or a BigQuery export), Arrow IPC
// files and streams, and the simulator's paths.cbor (no times:
// UntimedSchema); their detection by name and content; and reading several
// files as one stream. Every reader streams
// batches with the arrow-go reader shape (Next, Record, Err, Release), so a
// file is never held in memory as text. Malformed rows are errors that name
// the file, line and field (see RowError), unless the caller asks to skip
// them, in which case every skipped row is counted by reason in Stats.
package ingest
