WITH anchor_addrs AS (
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
