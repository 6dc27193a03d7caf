-- paired_tests.sql: paired IPv4/IPv6 HTTP tests from RIPE Atlas, the rows
-- of the paper's study, one row per paired test.
--
-- What it selects: the HTTP tests with status 200 that a probe ran towards
-- an anchor, in the window @start <= start_time < @end. A test is towards
-- an anchor when its destination address is the anchor's IPv4 address for
-- an IPv4 test, or its IPv6 address for an IPv6 test, as listed in the
-- probes table.
--
-- Pairing rule: an IPv4 test and an IPv6 test of the same probe and anchor
-- pair when their start times are less than @pair_minutes whole minutes
-- apart. TIMESTAMP_DIFF counts whole minutes, so with 2, the paper's value,
-- tests pair when less than 120 seconds apart. This is a join: an IPv4 test
-- near two IPv6 tests gives two rows, as in the authors' query.
--
-- Columns: prb_id, anchor_id, start_time, the IPv4 test's; v4_duration and
-- v6_duration, each test's whole request time in milliseconds; v4_v6_ratio,
-- their quotient, for information only.
--
-- Parameters: @start and @end, TIMESTAMP; @pair_minutes, INT64. Their
-- values are listed after the query.
-- @anchors, ARRAY<STRUCT<id INT64, address_v4 STRING, address_v6
-- STRING>>: the anchors of a RIPE Atlas probe archive, matched in place of
-- the probes table; see anchor_addrs.
--
-- Differences from the authors' query, and why the rows are the same:
-- SELECT DISTINCT in anchor_addrs lists each anchor address once. Where the
-- probes table holds each anchor's address once, it removes nothing and the
-- rows are the authors'. Where it holds one twice, as a copy gathered over
-- several days may, the authors' join would repeat every test to that
-- address; this query keeps it once.
-- SAFE_DIVIDE computes v4_v6_ratio: the same quotient as the authors'
-- division, but NULL where v6_duration is 0, where the authors' query
-- would stop with a division by zero error instead of returning rows.
-- The rest is written differently but selects the same: the window is
-- given as parameters, not as text; an anchor address that is NULL, which
-- the authors' join never matches, is left out of anchor_addrs; and af
-- is 4 or 6, so v6.af = 6 is the authors' test that the families differ.
WITH anchor_addrs AS (
  -- The anchors are those of @anchors, a list taken from a RIPE Atlas
  -- probe archive: each with its id, IPv4 and IPv6 address, an empty
  -- string for none. They replace the probes table, which lists
  -- today's anchors, so that the tests are matched to the anchors of the
  -- archive's day.
  SELECT DISTINCT a.id AS anchor_id, 4 AS af, a.address_v4 AS addr
  FROM UNNEST(@anchors) AS a
  WHERE a.address_v4 != ''
  UNION ALL
  SELECT DISTINCT a.id AS anchor_id, 6 AS af, a.address_v6 AS addr
  FROM UNNEST(@anchors) AS a
  WHERE a.address_v6 != ''
),
tests AS (
  SELECT m.prb_id, a.anchor_id, m.af, m.start_time, m.http_duration
  FROM `ripencc-atlas.measurements.http` AS m
  JOIN anchor_addrs AS a
    ON m.af = a.af AND m.dst_addr = a.addr
  WHERE m.http_status = 200
    AND m.start_time >= @start
    AND m.start_time < @end
)
SELECT
  v4.prb_id,
  v4.anchor_id,
  v4.start_time,
  v4.http_duration AS v4_duration,
  v6.http_duration AS v6_duration,
  SAFE_DIVIDE(v4.http_duration, v6.http_duration) AS v4_v6_ratio
FROM tests AS v4
JOIN tests AS v6
  ON v4.prb_id = v6.prb_id
  AND v4.anchor_id = v6.anchor_id
  AND ABS(TIMESTAMP_DIFF(v4.start_time, v6.start_time, MINUTE)) < @pair_minutes
WHERE v4.af = 4 AND v6.af = 6
