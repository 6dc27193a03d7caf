// Package bigquery runs the paired-test query of package queries on BigQuery
// and streams the result into an Arrow IPC file of the ingest schema.
//
// Results are read with the BigQuery Storage Read API as Arrow record
// batches, several streams in parallel, through the official client
// (cloud.google.com/go/bigquery: Client.EnableStorageReadClient and
// RowIterator.ArrowIterator, whose Next is called directly so that read
// errors surface). The REST row path (jobs.getQueryResults pages) is used
// when asked for (Config.NoStorageAPI), and for a result that came whole in
// jobs.query's first page (a short window, say one probe for one day: the
// client then never tries the Storage Read API, and Config.Log says so at
// info level). When the client falls back to REST for a larger result (the
// Storage Read API disabled or refused to the credentials), Ingest fails
// with ErrNotAccelerated instead, wrapping the refusal when there was one.
//
// Reliability, on top of the client's own retries:
//   - Config.Timeout bounds the whole run (ErrDeadline);
//   - Config.RetryBudget bounds the transient Storage Read failures (the
//     client retries Unavailable forever with a flat 0-1 s wait), counted
//     by a gRPC interceptor (ErrRetryBudget);
//   - REST calls (jobs.query, jobs.get, tables.get) are retried by the client
//     with exponential backoff on 5xx and backendError/rateLimitExceeded;
//   - the output is written to a temporary file and renamed only when the
//     rows read equal the destination table's row count (ErrIncomplete); a
//     failed or interrupted run leaves nothing at the output path, and its
//     error says how many rows had been read;
//   - a stream that fails transiently is read again from its offset by the
//     client while the read session lives; a session that expired (they
//     last about 6 hours) is replaced once by a new session on the job's
//     destination table, read from the start, without running the query;
//   - Config.Started gives the job's id and location before the rows are
//     read, and Config.Job reads an earlier job's results instead of
//     running the query: BigQuery keeps them for about 24 hours.
//
// Config.Destination writes the result to a table of the user's: without
// one, BigQuery's temporary table takes at most about 10 GB compressed.
// DryRun checks the probes table's columns and, for a window longer than a
// day, compares the window's bytes with its first day's, which shows
// whether BigQuery recognised the filter on the partitions.
//
// With paired_series.sql (Config.Series) every result row, one (prb_id,
// anchor_id) with time-ordered arrays, is expanded into its paired tests, so
// the output has the ingest schema either way and each pair's tests are
// contiguous and in time order.
//
// With Config.Failures the query is a variant that keeps the tests that
// failed (queries.Config.Failures): each side of a row brings its status,
// error and DNS error, classified here with outcome.Classify, the rule every
// reader shares, and the output has ingest.FailuresSchema, a failed test's
// duration null. A result with those columns read without Config.Failures
// is an error, lest failed tests' durations pass for times.
package bigquery
