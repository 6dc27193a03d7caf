-- paired_tests_failures.sql: paired_tests.sql keeping the tests that failed.
--
-- What it selects: every HTTP test a probe ran towards an anchor in the
-- window @start <= start_time < @end, whatever its outcome, not only those
-- with status 200. The pairing rule and the columns are those of
-- paired_tests.sql; either test of a row may have failed, or both.
--
-- Each test also brings, raw, what tells how it went, for afsel to
-- classify: v4_status and v6_status, its HTTP status, or -1 when it has
-- none; v4_error and v6_error, its error text, or an empty string;
-- v4_dns_error and v6_dns_error, its DNS error text, or an empty string.
-- A failed test's duration is what the table holds, often NULL; afsel does
-- not use it.
--
-- A test whose name did not resolve has no destination address, so no
-- anchor: such DNS failures are not in the result.
--
-- Parameters: @start and @end, TIMESTAMP; @pair_minutes, INT64, 2 in the
-- paper. Their values are listed after the query.
{{if .Anchors}}-- @anchors, ARRAY<STRUCT<id INT64, address_v4 STRING, address_v6
-- STRING>>: the anchors of a RIPE Atlas probe archive, matched in place of
-- the probes table; see anchor_addrs.
{{end}}--
-- SELECT DISTINCT in anchor_addrs lists each anchor address once, as in
-- paired_tests.sql.
{{template "tests_failures_cte" .}}
)
SELECT
  v4.prb_id,
  v4.anchor_id,
  v4.start_time,
  v4.http_duration AS v4_duration,
  v6.http_duration AS v6_duration,
  v4.status AS v4_status,
  v4.err AS v4_error,
  v4.dns_err AS v4_dns_error,
  v6.status AS v6_status,
  v6.err AS v6_error,
  v6.dns_err AS v6_dns_error
FROM tests AS v4
JOIN tests AS v6
  ON v4.prb_id = v6.prb_id
  AND v4.anchor_id = v6.anchor_id
  AND ABS(TIMESTAMP_DIFF(v4.start_time, v6.start_time, MINUTE)) < @pair_minutes
WHERE v4.af = 4 AND v6.af = 6
{{- if .Ordered}}
ORDER BY v4.prb_id, v4.anchor_id, v4.start_time, v6.start_time
{{- end}}
