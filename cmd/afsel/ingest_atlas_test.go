package main

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/afsel/afsel/ingest"
)

const (
	atlasResults = "../../testdata/atlas/results.jsonl.bz2"
	atlasAnchors = "../../testdata/atlas/anchors.json"
)

// TestIngestAtlasGolden pairs the golden raw results and runs the tables on
// them: Table 1 must be the artefacts'.
func TestIngestAtlasGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 427,655 results")
	}
	dir := t.TempDir()
	tests := filepath.Join(dir, "tests.arrow")
	code, stdout, stderr := run(t, "ingest", "atlas", "--anchors", atlasAnchors, atlasResults, "-o", tests)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.TrimSpace(stdout) != tests {
		t.Errorf("stdout %q, want the output path", stdout)
	}
	for _, s := range []string{"ingest atlas done", "results=427655", "rows=207099", "skipped.non_200=2071", "skipped.unpaired_v6=4161"} {
		if !strings.Contains(stderr, s) {
			t.Errorf("log lacks %q:\n%s", s, stderr)
		}
	}
	out := filepath.Join(dir, "out")
	if code, _, stderr := run(t, "tables", "--input", tests, "--out", out, "-q"); code != 0 {
		t.Fatalf("tables: exit %d: %s", code, stderr)
	}
	compareGolden(t, filepath.Join(out, "table1.csv"), filepath.Join("testdata", "cli", "table1.csv"))
}

func TestIngestAtlasErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.jsonl")
	if err := os.WriteFile(bad, []byte(`{"prb_id":1,"timestamp":1,"type":"http","result":[]}`+"\n{oops\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "t.arrow")
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no anchors", []string{bad, "-o", out}, exitUsage, "--anchors is required"},
		{"no output", []string{"--anchors", atlasAnchors, bad}, exitUsage, "-o OUTPUT is required"},
		{"csv output", []string{"--anchors", atlasAnchors, bad, "-o", filepath.Join(dir, "t.csv")}, exitUsage, "only Arrow IPC output"},
		{"no results", []string{"--anchors", atlasAnchors, "-o", out}, exitUsage, "at least one RESULTS file is required"},
		{"malformed", []string{"--anchors", atlasAnchors, bad, "-o", out}, exitError, bad + " line 2: malformed JSON"},
		{"missing file", []string{"--anchors", atlasAnchors, filepath.Join(dir, "none"), "-o", out}, exitError, "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := run(t, append([]string{"ingest", "atlas"}, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.msg) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tc.code, tc.msg)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s written despite the error", out)
			}
		})
	}
	code, _, stderr := run(t, "ingest", "atlas", "--anchors", atlasAnchors, bad, "-o", out, "--skip-bad-rows")
	if code != 0 || !strings.Contains(stderr, "skipped malformed results") || !strings.Contains(stderr, "no_tests=1") {
		t.Errorf("--skip-bad-rows: exit %d: %s", code, stderr)
	}
}

const (
	failuresResults = "../../testdata/failures/results.jsonl.bz2"
	failuresAnchors = "../../testdata/failures/anchors.json"
)

// TestIngestAtlasFailures: --failures writes failed tests with their
// outcomes, in an Arrow IPC file of ingest.FailuresSchema.
func TestIngestAtlasFailures(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "results.jsonl")
	results := strings.Join([]string{
		`{"prb_id":1,"timestamp":1685577600,"type":"http","result":[{"af":4,"dst_addr":"193.0.23.112","res":200,"rt":81.5}]}`,
		`{"prb_id":1,"timestamp":1685577660,"type":"http","result":[{"af":6,"dst_addr":"2001:67c:2e8:1770::a","err":"connect: timeout","method":"GET"}]}`,
		`{"prb_id":1,"timestamp":1685581200,"type":"http","result":[{"af":4,"dst_addr":"193.0.23.112","res":503,"rt":3.5}]}`,
		`{"prb_id":1,"timestamp":1685581230,"type":"http","result":[{"af":6,"dst_addr":"2001:67c:2e8:1770::a","res":200,"rt":70.25}]}`,
		`{"prb_id":1,"timestamp":1685584800,"type":"http","result":[{"af":4,"dst_addr":"193.0.23.112","res":200,"rt":80}]}`,
		`{"prb_id":1,"timestamp":1685584810,"type":"http","result":[{"af":6,"dst_addr":"2001:67c:2e8:1770::a","res":200,"rt":71}]}`,
		`{"prb_id":1,"timestamp":1685588400,"type":"http","result":[{"dnserr":"non-recoverable failure in name resolution"}]}`,
	}, "\n") + "\n"
	if err := os.WriteFile(in, []byte(results), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "tests.arrow")
	code, _, stderr := run(t, "ingest", "atlas", "--anchors", atlasAnchors, in, "-o", out, "--failures")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, s := range []string{"rows=3", "tests_kept=6", "tests_failed=2", `"failed.v4_outcome: http_error"=1`, `"failed.v6_outcome: connect_timeout"=1`, "skipped.error=1"} {
		if !strings.Contains(stderr, s) {
			t.Errorf("log lacks %s:\n%s", s, stderr)
		}
	}
	type outRow struct {
		start  int64
		v4, v6 string // the duration, or (null)
		o4, o6 string
	}
	want := []outRow{
		{1685577600, "81.5", "(null)", "ok", "connect_timeout"},
		{1685581200, "(null)", "70.25", "http_error", "ok"},
		{1685584800, "80", "71", "ok", "ok"},
	}
	rows, schema := readArrowRows(t, out)
	if err := ingest.CheckFailuresSchema(schema); err != nil {
		t.Fatal(err)
	}
	var got []outRow
	for _, x := range rows {
		var d [2]string
		for k := range 2 {
			d[k] = strconv.FormatFloat(x.d[k], 'g', -1, 64)
			if x.null[k] {
				d[k] = "(null)"
			}
		}
		got = append(got, outRow{x.key[2] / 1e6, d[0], d[1], x.out[0], x.out[1]})
	}
	if !slices.Equal(got, want) {
		t.Errorf("rows\n%v\nwant\n%v", got, want)
	}

	// Without --failures: the working row only, in afsel's schema.
	out = filepath.Join(dir, "ok.arrow")
	code, _, stderr = run(t, "ingest", "atlas", "--anchors", atlasAnchors, in, "-o", out)
	if code != 0 || !strings.Contains(stderr, "rows=1") || strings.Contains(stderr, "tests_failed") {
		t.Errorf("without --failures: exit %d: %s", code, stderr)
	}
	if _, schema := readArrowRows(t, out); ingest.CheckSchema(schema) != nil {
		t.Errorf("without --failures: %v", ingest.CheckSchema(schema))
	}
}

// TestIngestAtlasFailuresGolden pairs the golden results with failures:
// every test is kept, 3,465 of them failed.
func TestIngestAtlasFailuresGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 414,198 results")
	}
	out := filepath.Join(t.TempDir(), "tests.arrow")
	code, _, stderr := run(t, "ingest", "atlas", "--anchors", failuresAnchors, failuresResults, "-o", out, "--failures")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, s := range []string{"results=414198", "tests_kept=414198", "rows=207099", "tests_failed=3465", `"failed.v6_outcome: connect_timeout"=1398`} {
		if !strings.Contains(stderr, s) {
			t.Errorf("log lacks %s:\n%s", s, stderr)
		}
	}
	if strings.Contains(stderr, "skipped.") {
		t.Errorf("tests skipped:\n%s", stderr)
	}
}

// TestIngestAtlasStdin: - reads the results from standard input.
func TestIngestAtlasStdin(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		w.Write([]byte(`{"prb_id":1,"timestamp":1,"type":"http","result":[]}` + "\n" + `{"prb_id":2,"timestamp":1,"type":"ping","result":[]}` + "\n"))
		w.Close()
	}()
	stdin := os.Stdin
	os.Stdin = r
	defer func() { os.Stdin = stdin; r.Close() }()
	out := filepath.Join(t.TempDir(), "t.arrow")
	code, _, stderr := run(t, "ingest", "atlas", "--anchors", atlasAnchors, "-", "-o", out)
	if code != 0 || !strings.Contains(stderr, "results=2") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}
