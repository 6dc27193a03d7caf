// Package failures counts the failed tests of each (probe, anchor) pair and
// family, and summarises how failures spread over pairs and probes: the
// failures table of a run with failed tests kept.
//
// A pair's attempts are its paired tests (rows): with failed tests kept,
// pairing lets either side fail, so each row is one IPv4 and one IPv6
// attempt. Rates come with Wilson 95% score intervals, which stay inside
// [0, 1] and behave at 0 failures, where most pairs are.
package failures
