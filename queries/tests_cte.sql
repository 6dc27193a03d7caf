{{/*
tests_cte.sql: what the queries share, the HTTP tests of probes towards
anchors, in the window, with their anchor and address family. tests_cte
keeps the tests with status 200, as the authors' query does, for
paired_tests.sql and paired_series.sql; tests_failures_cte keeps every test
with what describes its outcome, for the _failures variants. Filled in by
package queries like the queries themselves.
*/}}{{define "anchor_addrs"}}{{if .Anchors}}WITH anchor_addrs AS (
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
),{{else}}WITH anchor_addrs AS (
  SELECT DISTINCT prb_id AS anchor_id, 4 AS af, addr_v4 AS addr
  FROM `{{.Probes}}`
  WHERE is_anchor AND addr_v4 IS NOT NULL
  UNION ALL
  SELECT DISTINCT prb_id AS anchor_id, 6 AS af, addr_v6 AS addr
  FROM `{{.Probes}}`
  WHERE is_anchor AND addr_v6 IS NOT NULL
),{{end}}{{end}}{{define "tests_cte"}}{{template "anchor_addrs" .}}
tests AS (
  SELECT m.prb_id, a.anchor_id, m.af, m.start_time, m.http_duration
  FROM `{{.HTTP}}` AS m
  JOIN anchor_addrs AS a
    ON m.af = a.af AND m.dst_addr = a.addr
  WHERE m.http_status = 200
    AND m.start_time >= @start
    AND m.start_time < @end{{end}}{{define "tests_failures_cte"}}{{template "anchor_addrs" .}}
tests AS (
  SELECT m.prb_id, a.anchor_id, m.af, m.start_time, m.http_duration,
    IFNULL(m.http_status, -1) AS status,
    IFNULL(m.error, '') AS err,
    IFNULL(m.dns_error, '') AS dns_err
  FROM `{{.HTTP}}` AS m
  JOIN anchor_addrs AS a
    ON m.af = a.af AND m.dst_addr = a.addr
  WHERE m.start_time >= @start
    AND m.start_time < @end{{end}}
