{{/*
tests_cte.sql: what paired_tests.sql and paired_series.sql share, the HTTP
tests of probes towards anchors, in the window, with their anchor and address
family. Filled in by package queries like the queries themselves.
*/}}{{define "tests_cte"}}WITH anchor_addrs AS (
  SELECT DISTINCT prb_id AS anchor_id, 4 AS af, addr_v4 AS addr
  FROM `{{.Probes}}`
  WHERE is_anchor AND addr_v4 IS NOT NULL
  UNION ALL
  SELECT DISTINCT prb_id AS anchor_id, 6 AS af, addr_v6 AS addr
  FROM `{{.Probes}}`
  WHERE is_anchor AND addr_v6 IS NOT NULL
),
tests AS (
  SELECT m.prb_id, a.anchor_id, m.af, m.start_time, m.http_duration
  FROM `{{.HTTP}}` AS m
  JOIN anchor_addrs AS a
    ON m.af = a.af AND m.dst_addr = a.addr
  WHERE m.http_status = 200
    AND m.start_time >= @start
    AND m.start_time < @end{{end}}
