-- paired_series_failures.sql: the rows of paired_tests_failures.sql,
-- grouped by probe and anchor in BigQuery.
--
-- What it selects: every HTTP test a probe ran towards an anchor in the
-- window @start <= start_time < @end, whatever its outcome, paired as in
-- paired_tests.sql: an IPv4 and an IPv6 test of the same probe and anchor,
-- less than @pair_minutes whole minutes apart.
--
-- Columns: one row per prb_id and anchor_id, with nine arrays, element i
-- of each being one paired test: start_time, the IPv4 test's;
-- v4_duration and v6_duration; v4_status and v6_status; v4_error and
-- v6_error; v4_dns_error and v6_dns_error, as in paired_tests_failures.sql.
-- The arrays run in time: by start_time, ties broken by the IPv6 test's
-- time and then by the other values, so their order is fixed and the nine
-- line up.
--
-- An array cannot hold NULL, and one such element would make the whole
-- query fail, so a missing duration is NaN, a missing status -1, and a
-- missing error text an empty string.
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
{{define "failures_order"}}start_time, v6_start_time, v4_duration, v6_duration, v4_status, v6_status, v4_error, v6_error, v4_dns_error, v6_dns_error{{end -}}
{{template "tests_failures_cte" .}}
),
paired AS (
  SELECT
    v4.prb_id,
    v4.anchor_id,
    v4.start_time,
    v6.start_time AS v6_start_time,
    IFNULL(v4.http_duration, CAST('NaN' AS FLOAT64)) AS v4_duration,
    IFNULL(v6.http_duration, CAST('NaN' AS FLOAT64)) AS v6_duration,
    v4.status AS v4_status,
    v6.status AS v6_status,
    v4.err AS v4_error,
    v6.err AS v6_error,
    v4.dns_err AS v4_dns_error,
    v6.dns_err AS v6_dns_error
  FROM tests AS v4
  JOIN tests AS v6
    ON v4.prb_id = v6.prb_id
    AND v4.anchor_id = v6.anchor_id
    AND ABS(TIMESTAMP_DIFF(v4.start_time, v6.start_time, MINUTE)) < @pair_minutes
  WHERE v4.af = 4 AND v6.af = 6
)
SELECT
  prb_id,
  anchor_id,
  ARRAY_AGG(start_time ORDER BY {{template "failures_order"}}) AS start_time,
  ARRAY_AGG(v4_duration ORDER BY {{template "failures_order"}}) AS v4_duration,
  ARRAY_AGG(v6_duration ORDER BY {{template "failures_order"}}) AS v6_duration,
  ARRAY_AGG(v4_status ORDER BY {{template "failures_order"}}) AS v4_status,
  ARRAY_AGG(v6_status ORDER BY {{template "failures_order"}}) AS v6_status,
  ARRAY_AGG(v4_error ORDER BY {{template "failures_order"}}) AS v4_error,
  ARRAY_AGG(v6_error ORDER BY {{template "failures_order"}}) AS v6_error,
  ARRAY_AGG(v4_dns_error ORDER BY {{template "failures_order"}}) AS v4_dns_error,
  ARRAY_AGG(v6_dns_error ORDER BY {{template "failures_order"}}) AS v6_dns_error
FROM paired
GROUP BY prb_id, anchor_id
{{- if .Ordered}}
ORDER BY prb_id, anchor_id
{{- end}}
