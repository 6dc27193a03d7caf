-- paired_series_failures.sql: paired_series.sql keeping the tests that
-- failed, the pairing of paired_tests_failures.sql grouped in BigQuery.
-- One row per prb_id, anchor_id with nine arrays in test time order,
-- element i of each being one paired test: start_time, v4_duration,
-- v6_duration, v4_status, v6_status, v4_error, v6_error, v4_dns_error and
-- v6_dns_error, as in paired_tests_failures.sql but for the durations: an
-- array holds no NULL, so a missing duration is NaN. Ties in time are
-- broken by the IPv6 test's time and then the values, so the order is
-- total and the arrays line up.
-- A test whose name did not resolve has no destination address, so no
-- anchor: such DNS failures are not in the result.
-- Parameters: @start, @end TIMESTAMP with @start <= start_time < @end;
-- @pair_minutes INT64, 2 in the paper.
-- Tables are filled in by package queries from validated identifiers only.
-- Keep comments free of round brackets and of the sort keyword: the client
-- scans the text to decide whether results are ordered, and ordered results
-- are read from a single stream, which is what the Ordered option wants.
-- The sorts inside ARRAY_AGG below do not count.
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
