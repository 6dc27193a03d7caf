// Package atlas reads raw RIPE Atlas HTTP measurement results and pairs
// their IPv4 and IPv6 tests into rows of the ingest schema, with exactly the
// semantics of the authors' BigQuery query (REFERENCE §1).
//
// Results come as a JSON array (RIPE Atlas API downloads) or as one JSON
// object per line (daily dumps), plain, gzip or bzip2 (recognised by magic
// bytes). A test is kept when its HTTP status is 200, it has a response time,
// and its destination is the address of an anchor (see Anchors) in the test's
// address family. A kept IPv4 test A and a kept IPv6 test B of the same probe
// and anchor make a row when |A.t − B.t| < 120 s (BigQuery's
// ABS(TIMESTAMP_DIFF(A, B, MINUTE)) < 2 truncates to whole minutes). Like the
// query's join, every such combination is a row: one IPv4 test with two IPv6
// tests in the window gives two rows, and duplicated results multiply rows.
// The row's start_time is the IPv4 test's. Options.Dedup keeps only the
// closest IPv6 test per IPv4 test instead.
//
// Rows come out sorted by prb_id, then start_time, anchor_id and the IPv6
// test's time, so afsel's streaming grouping (package pairs) applies.
// Everything skipped is counted by reason in Stats.
//
// Options.KeepFailures keeps failed tests too (an err or dnserr, a status
// other than 200), classified by outcome.Classify, and pairs them by the
// same rule, so a row's IPv4 or IPv6 test (or both) may have failed.
// Batches are then of ingest.FailuresSchema: the failed test's duration is
// null and the outcome columns name each test's outcome. Dropping the rows
// with a failed test gives back exactly the rows without the option.
package atlas
