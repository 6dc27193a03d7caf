-- paired_series.sql: the pairing of paired_tests.sql, grouped in BigQuery.
-- One row per prb_id, anchor_id with three arrays in test time order:
-- start_time, v4_duration and v6_duration, element i of each being one paired
-- test. Ties in time are broken by the IPv6 test's time and then the values,
-- so the order is total and the arrays line up.
-- Parameters: @start, @end TIMESTAMP with @start <= start_time < @end;
-- @pair_minutes INT64, 2 in the paper.
-- Tables are filled in by package queries from validated identifiers only.
-- Keep comments free of round brackets and of the sort keyword: the client
-- scans the text to decide whether results are ordered, and ordered results
-- are read from a single stream, which is what the Ordered option wants.
-- The sorts inside ARRAY_AGG below do not count.
-- A paired test with a NULL duration is left out: ARRAY_AGG fails the
-- whole query on a NULL element.
WITH anchor_addrs AS (
  SELECT DISTINCT prb_id AS anchor_id, 4 AS af, addr_v4 AS addr
  FROM `ripencc-atlas.probes.probes`
  WHERE is_anchor AND addr_v4 IS NOT NULL
  UNION ALL
  SELECT DISTINCT prb_id AS anchor_id, 6 AS af, addr_v6 AS addr
  FROM `ripencc-atlas.probes.probes`
  WHERE is_anchor AND addr_v6 IS NOT NULL
),
tests AS (
  SELECT m.prb_id, a.anchor_id, m.af, m.start_time, m.http_duration
  FROM `ripencc-atlas.measurements.http` AS m
  JOIN anchor_addrs AS a
    ON m.af = a.af AND m.dst_addr = a.addr
  WHERE m.http_status = 200
    AND m.start_time >= @start
    AND m.start_time < @end
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
ORDER BY prb_id, anchor_id
