package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
