package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	bqv2 "google.golang.org/api/bigquery/v2"

	"github.com/afsel/afsel/ingest/atlas"
	"github.com/afsel/afsel/ingest/bigquery"
	"github.com/afsel/afsel/internal/bqfake"
)

// TestIngestBigQueryCredentials: without credentials the message says
// "bigquery" once and names the two ways out. Application Default
// Credentials point at a missing file, so the machine's own play no part.
func TestIngestBigQueryCredentials(t *testing.T) {
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", filepath.Join(t.TempDir(), "missing.json"))
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"dry run", []string{"ingest", "bigquery", "--project", "p", "--dry-run"}},
		{"ingest", []string{"ingest", "bigquery", "--project", "p", "-o", filepath.Join(t.TempDir(), "out.arrow")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := run(t, tc.args...)
			if code == 0 {
				t.Fatal("exit 0 without credentials")
			}
			for _, w := range []string{"afsel: bigquery: no usable Google Cloud credentials: ", "missing.json", "gcloud auth application-default login", "--credentials key.json"} {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if n := strings.Count(stderr, "bigquery:"); n != 1 {
				t.Errorf("%d bigquery: prefixes:\n%s", n, stderr)
			}
		})
	}
}

// TestIngestBigQueryFake runs ingest bigquery in process against the
// wire-level fake: --dry-run's partition check and probes table check, and
// --anchors reaching BigQuery as the @anchors parameter.
func TestIngestBigQueryFake(t *testing.T) {
	fx := bqfake.LoadFixture(t, goldenData, 2000)
	anchors, err := atlas.LoadAnchors(atlasAnchors)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		args      []string
		noPruning bool
		probes    []string // columns of the table me.atlas.probes
		code      int
		want      []string // in stdout, or stderr when code != 0
	}{
		{"dry run", []string{"--dry-run"}, false, nil, 0, []string{"bytes processed: 75161927680 (70.00 GiB)", "first day alone: 10737418240 bytes (10.00 GiB); times 7 days: 70.00 GiB, against the window's 70.00 GiB", "partition filter recognised: yes"}},
		{"dry run, whole table", []string{"--dry-run"}, true, nil, 0, []string{"bytes processed: 536870912000 (500.00 GiB)", "partition filter recognised: no (a day processes as many bytes as the whole window"}},
		{"dry run, one day", []string{"--dry-run", "--end", "2023-06-02"}, false, nil, 0, []string{"partition filter recognised: not checked"}},
		{"probes table", []string{"--dry-run", "--probes-table", "me.atlas.probes"}, false, []string{"prb_id", "is_anchor", "addr_v4", "addr_v6"}, 0, []string{"partition filter recognised: yes"}},
		{"probes table without addr_v6", []string{"--dry-run", "--probes-table", "me.atlas.probes"}, false, []string{"prb_id", "is_anchor", "addr_v4"}, 1, []string{"me.atlas.probes has no column addr_v6", "--anchors with a probe archive"}},
		{"anchors", []string{"--anchors", atlasAnchors, "-o", "OUT"}, false, nil, 0, []string{"OUT"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := bqfake.New(t, fx.Rows, false, 2, 500)
			f.BytesPerDay, f.NoPruning, f.TableDays = 10<<30, tc.noPruning, 50
			if tc.probes != nil {
				s := &bqv2.TableSchema{}
				for _, c := range tc.probes {
					s.Fields = append(s.Fields, &bqv2.TableFieldSchema{Name: c, Type: "STRING"})
				}
				f.Tables["me.atlas.probes"] = s
			}
			t.Setenv(bigquery.EnvEndpoint, f.RESTEndpoint())
			t.Setenv(bigquery.EnvStorageEndpoint, f.StorageEndpoint())
			out := filepath.Join(t.TempDir(), "tests.arrow")
			args := []string{"ingest", "bigquery", "--project", bqfake.Project}
			for _, a := range tc.args {
				args = append(args, strings.ReplaceAll(a, "OUT", out))
			}
			code, stdout, stderr := run(t, args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d: %s", code, tc.code, stderr)
			}
			text := stdout
			if code != 0 {
				text = stderr
			}
			for _, w := range tc.want {
				if w = strings.ReplaceAll(w, "OUT", out); !strings.Contains(text, w) {
					t.Errorf("output lacks %q:\n%s", w, text)
				}
			}
			if !slices.Contains(tc.args, "--anchors") {
				return
			}
			req := f.QueryRequests()[0]
			var n int
			for _, p := range req.QueryParameters {
				if p.Name == "anchors" {
					n = len(p.ParameterValue.ArrayValues)
				}
			}
			if n != anchors.Len() || !strings.Contains(req.Query, "UNNEST(@anchors)") {
				t.Errorf("@anchors has %d values, the archive %d anchors", n, anchors.Len())
			}
			if f.Total() == 0 {
				t.Error("no row matched the archive's anchors")
			}
		})
	}
}
