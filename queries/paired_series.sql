-- paired_series.sql: the rows of paired_tests.sql, grouped by probe and
-- anchor in BigQuery.
--
-- What it selects: the same tests and the same pairing rule as
-- paired_tests.sql: an IPv4 and an IPv6 HTTP test with status 200 of the
-- same probe and anchor, less than @pair_minutes whole minutes apart, in
-- the window @start <= start_time < @end.
--
-- Columns: one row per prb_id and anchor_id, with three arrays,
-- start_time, the IPv4 test's, v4_duration and v6_duration in
-- milliseconds. Element i of each array is one paired test. The arrays run
-- in time: by start_time, ties broken by the IPv6 test's time and then by
-- the durations, so their order is fixed and the three line up.
--
-- A paired test where either duration is NULL is left out before grouping:
-- an array cannot hold NULL, and one such element would make the whole
-- query fail. Leaving the paired test out keeps the arrays aligned.
-- A test with status 200 and no duration is not a measurement.
--
-- Parameters: @start and @end, TIMESTAMP; @pair_minutes, INT64, 2 in the
-- paper. Their values are listed after the query.
{{if .Anchors}}-- @anchors, ARRAY<STRUCT<id INT64, address_v4 STRING, address_v6
-- STRING>>: the anchors of a RIPE Atlas probe archive, matched in place of
-- the probes table; see anchor_addrs.
{{end}}--
-- SELECT DISTINCT in anchor_addrs lists each anchor address once, as in
-- paired_tests.sql, where the difference from the authors' query is
-- explained.
{{template "tests_cte" .}}
),
paired AS (
  SELECT
    v4.prb_id,
    v4.anchor_id,
    v4.start_time,
    v6.start_time AS v6_start_time,
    v4.http_duration AS v4_duration,
    v6.http_duration AS v6_duration
  FROM tests AS v4
  JOIN tests AS v6
    ON v4.prb_id = v6.prb_id
    AND v4.anchor_id = v6.anchor_id
    AND ABS(TIMESTAMP_DIFF(v4.start_time, v6.start_time, MINUTE)) < @pair_minutes
  WHERE v4.af = 4 AND v6.af = 6
    AND v4.http_duration IS NOT NULL
    AND v6.http_duration IS NOT NULL
)
SELECT
  prb_id,
  anchor_id,
  ARRAY_AGG(start_time ORDER BY start_time, v6_start_time, v4_duration, v6_duration) AS start_time,
  ARRAY_AGG(v4_duration ORDER BY start_time, v6_start_time, v4_duration, v6_duration) AS v4_duration,
  ARRAY_AGG(v6_duration ORDER BY start_time, v6_start_time, v4_duration, v6_duration) AS v6_duration
FROM paired
GROUP BY prb_id, anchor_id
{{- if .Ordered}}
ORDER BY prb_id, anchor_id
{{- end}}
