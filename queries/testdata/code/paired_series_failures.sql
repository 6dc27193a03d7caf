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
  SELECT m.prb_id, a.anchor_id, m.af, m.start_time, m.http_duration,
    IFNULL(m.http_status, -1) AS status,
    IFNULL(m.error, '') AS err,
    IFNULL(m.dns_error, '') AS dns_err
  FROM `ripencc-atlas.measurements.http` AS m
  JOIN anchor_addrs AS a
    ON m.af = a.af AND m.dst_addr = a.addr
  WHERE m.start_time >= @start
    AND m.start_time < @end
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
  ARRAY_AGG(start_time ORDER BY start_time, v6_start_time, v4_duration, v6_duration, v4_status, v6_status, v4_error, v6_error, v4_dns_error, v6_dns_error) AS start_time,
  ARRAY_AGG(v4_duration ORDER BY start_time, v6_start_time, v4_duration, v6_duration, v4_status, v6_status, v4_error, v6_error, v4_dns_error, v6_dns_error) AS v4_duration,
  ARRAY_AGG(v6_duration ORDER BY start_time, v6_start_time, v4_duration, v6_duration, v4_status, v6_status, v4_error, v6_error, v4_dns_error, v6_dns_error) AS v6_duration,
  ARRAY_AGG(v4_status ORDER BY start_time, v6_start_time, v4_duration, v6_duration, v4_status, v6_status, v4_error, v6_error, v4_dns_error, v6_dns_error) AS v4_status,
  ARRAY_AGG(v6_status ORDER BY start_time, v6_start_time, v4_duration, v6_duration, v4_status, v6_status, v4_error, v6_error, v4_dns_error, v6_dns_error) AS v6_status,
  ARRAY_AGG(v4_error ORDER BY start_time, v6_start_time, v4_duration, v6_duration, v4_status, v6_status, v4_error, v6_error, v4_dns_error, v6_dns_error) AS v4_error,
  ARRAY_AGG(v6_error ORDER BY start_time, v6_start_time, v4_duration, v6_duration, v4_status, v6_status, v4_error, v6_error, v4_dns_error, v6_dns_error) AS v6_error,
  ARRAY_AGG(v4_dns_error ORDER BY start_time, v6_start_time, v4_duration, v6_duration, v4_status, v6_status, v4_error, v6_error, v4_dns_error, v6_dns_error) AS v4_dns_error,
  ARRAY_AGG(v6_dns_error ORDER BY start_time, v6_start_time, v4_duration, v6_duration, v4_status, v6_status, v4_error, v6_error, v4_dns_error, v6_dns_error) AS v6_dns_error
FROM paired
GROUP BY prb_id, anchor_id
