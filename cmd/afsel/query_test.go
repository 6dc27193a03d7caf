package main

import (
	"slices"
	"strings"
	"testing"
)

func TestQueryCommand(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"tests", []string{"query"}, []string{"v4_v6_ratio", "-- Pairing rule:", "-- SAFE_DIVIDE computes v4_v6_ratio", "-- SELECT DISTINCT in anchor_addrs", "@start", "--   @start TIMESTAMP = 2023-06-01T00:00:00Z", "--   @end TIMESTAMP = 2023-06-08T00:00:00Z", "--   @pair_minutes INT64 = 2"}},
		{"series", []string{"query", "--series", "--start", "2023-07-01", "--end", "2023-07-02T12:00:00Z"}, []string{"ARRAY_AGG(start_time ORDER BY", "@start TIMESTAMP = 2023-07-01T00:00:00Z", "@end TIMESTAMP = 2023-07-02T12:00:00Z"}},
		{"ordered", []string{"query", "--ordered"}, []string{"ORDER BY v4.prb_id, v4.anchor_id, v4.start_time"}},
		{"probes table", []string{"query", "--probes-table", "p-1.archive.probes_2023"}, []string{"`p-1.archive.probes_2023`"}},
		{"failures", []string{"query", "--failures"}, []string{"-- paired_tests_failures.sql", "IFNULL(m.http_status, -1) AS status", "v6_dns_error", "--   @pair_minutes INT64 = 2"}},
		{"series failures", []string{"query", "--failures", "--series", "--ordered"}, []string{"-- paired_series_failures.sql", "ARRAY_AGG(v4_status ORDER BY", "ORDER BY prb_id, anchor_id\n"}},
		{"anchors", []string{"query", "--anchors", atlasAnchors}, []string{"FROM UNNEST(@anchors) AS a", "--   @anchors ARRAY<STRUCT<id INT64, address_v4 STRING, address_v6 STRING>> = ", " anchors of " + atlasAnchors + ":\n", `--     [STRUCT(6000 AS id, "193.0.23.112" AS address_v4, "2001:67c:2e8:1770::a" AS address_v6),`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := run(t, tc.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("output lacks %q:\n%s", w, stdout)
				}
			}
			// The probes table is read exactly when no archive is given.
			if got, want := strings.Contains(stdout, "ripencc-atlas.probes.probes`"), !slices.Contains(tc.args, "--anchors") && !slices.Contains(tc.args, "--probes-table"); got != want {
				t.Errorf("reads the probes table: %v, want %v", got, want)
			}
		})
	}
}

func TestIngestBigQueryUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no project", []string{"ingest", "bigquery", "-o", "x.arrow"}, "--project is required"},
		{"no output", []string{"ingest", "bigquery", "--project", "p"}, "-o OUTPUT is required"},
		{"bad output", []string{"ingest", "bigquery", "--project", "p", "-o", "x.csv"}, "only Arrow IPC output"},
		{"bad table", []string{"ingest", "bigquery", "--project", "p", "-o", "x.arrow", "--probes-table", "a.b.c`; DROP"}, "bad table reference"},
		{"bad window", []string{"ingest", "bigquery", "--project", "p", "-o", "x.arrow", "--start", "2023-06-08", "--end", "2023-06-01"}, "bad window"},
		{"bad cap", []string{"ingest", "bigquery", "--project", "p", "-o", "x.arrow", "--max-bytes-billed", "lots"}, "--max-bytes-billed"},
		{"bad day", []string{"query", "--start", "June"}, "--start"},
		{"job and dry run", []string{"ingest", "bigquery", "--project", "p", "--job", "j", "--dry-run"}, "--job reads an existing job's results"},
		{"job and destination", []string{"ingest", "bigquery", "--project", "p", "-o", "x.arrow", "--job", "j", "--destination", "p.d.t"}, "--job reads an existing job's results"},
		{"archive without anchors", []string{"query", "--anchors", "testdata/no_anchors.json"}, "no probe with is_anchor true"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := run(t, tc.args...)
			if code != exitUsage || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, exitUsage, tc.want)
			}
		})
	}
	code, stdout, _ := run(t, "ingest", "bigquery", "--help")
	for _, w := range []string{"--dry-run", "--max-bytes-billed", "US$6.25 per TiB", "--no-storage-api", "--credentials", "--series", "archived copy", "--timeout", "--retry-budget", "--failures", "--anchors", "--job", "--destination", "YYYYMMDD.json.bz2"} {
		if code != 0 || !strings.Contains(stdout, w) {
			t.Errorf("--help lacks %q", w)
		}
	}
}

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{"0": 0, "123": 123, "200GiB": 200 << 30, "1.5TiB": 3 << 39, "10 GB": 10e9, "5KiB": 5120, "0.1KB": 100} {
		got, err := parseBytes(in)
		if err != nil || got != want {
			t.Errorf("parseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	// Anything that is not a positive whole size is an error, not "no cap"
	// (0) or a negative cap.
	for _, in := range []string{"", "x", "-1", "1e30TiB", "NaN", "Inf", "0.5", "0.9B", "0.0", "00", "1e3", "0x10", "1.5", ".", "1..2GB", "+5"} {
		if n, err := parseBytes(in); err == nil {
			t.Errorf("parseBytes(%q) = %d: no error", in, n)
		} else if !strings.Contains(err.Error(), "200GiB") {
			t.Errorf("parseBytes(%q): %v, without the accepted forms", in, err)
		}
	}
}

// TestQueryFailuresFlag: without --failures the text is the authors'
// query's, which has no trace of the variant; with it, the variant's.
func TestQueryFailuresFlag(t *testing.T) {
	for _, series := range []bool{false, true} {
		args := []string{"query"}
		if series {
			args = append(args, "--series")
		}
		_, plain, _ := run(t, args...)
		code, failures, stderr := run(t, append(args, "--failures")...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if !strings.Contains(plain, "http_status = 200") || strings.Contains(plain, "_failures.sql") || strings.Contains(plain, "v4_status") {
			t.Errorf("series %v: the default query is not the authors':\n%s", series, plain)
		}
		if strings.Contains(failures, "http_status = 200") || !strings.Contains(failures, "_failures.sql") {
			t.Errorf("series %v: --failures does not print the variant:\n%s", series, failures)
		}
	}
}
