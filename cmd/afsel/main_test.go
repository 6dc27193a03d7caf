package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden CLI outputs in testdata/cli")

const goldenData = "../../testdata/golden/data.csv.gz"

// run runs the CLI in-process and returns its exit code and outputs.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// TestTablesGolden runs `afsel tables` on the golden set and compares every
// output file (but summary.json, which holds timings) with the files in
// testdata/cli, byte for byte. Run with -update to rewrite them after an
// intended change; the tables package's golden test ties them to the
// artefacts' outputs.
func TestTablesGolden(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := run(t, "tables", "--input", goldenData, "--out", out, "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "IPv4 is better") || !strings.Contains(stdout, "overlap_A_B") {
		t.Errorf("stdout lacks the tables:\n%s", stdout)
	}
	for _, name := range []string{"table1.csv", "table2.csv", "flows.csv", "change_points.csv"} {
		compareGolden(t, filepath.Join(out, name), filepath.Join("testdata", "cli", name))
	}
	if _, err := os.Stat(filepath.Join(out, "summary.json")); err != nil {
		t.Error(err)
	}
}

func TestReplayGolden(t *testing.T) {
	out := t.TempDir()
	code, _, stderr := run(t, "replay", "--input", goldenData, "--out", out, "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, name := range []string{"simulation.csv", "replay_metrics.csv"} {
		compareGolden(t, filepath.Join(out, name), filepath.Join("testdata", "cli", name))
	}
}

func compareGolden(t *testing.T, got, want string) {
	t.Helper()
	g, err := os.ReadFile(got)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.MkdirAll(filepath.Dir(want), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(want, g, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	w, err := os.ReadFile(want)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(g, w) {
		t.Errorf("%s differs from %s", got, want)
	}
}

// TestWorkersDeterminism checks that outputs do not depend on the worker
// count.
func TestWorkersDeterminism(t *testing.T) {
	outputs := map[string][]string{
		"tables": {"table1.csv", "table2.csv", "flows.csv", "change_points.csv"},
		"replay": {"simulation.csv", "replay_metrics.csv"},
	}
	for cmd, files := range outputs {
		t.Run(cmd, func(t *testing.T) {
			var first string
			for _, w := range []string{"1", "4"} {
				out := t.TempDir()
				if code, _, stderr := run(t, cmd, "--input", goldenData, "--out", out, "--workers", w, "-q"); code != 0 {
					t.Fatalf("workers %s: exit %d: %s", w, code, stderr)
				}
				if first == "" {
					first = out
					continue
				}
				for _, f := range files {
					a, _ := os.ReadFile(filepath.Join(first, f))
					b, _ := os.ReadFile(filepath.Join(out, f))
					if len(a) == 0 || !bytes.Equal(a, b) {
						t.Errorf("%s differs between --workers 1 and 4", f)
					}
				}
			}
		})
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("prb_id,anchor_id,start_time,v4_duration,v6_duration,v4_v6_ratio\n"+
		"1,2,2023-06-01 00:00:00 UTC,10,11,0.9\n"+
		"1,2,2023-06-01 00:30:00 UTC,-3,11,0.9\n"), 0o644)
	tests := []struct {
		name     string
		args     []string
		code     int
		contains []string
	}{
		{"bad row", []string{"tables", "--input", bad, "--out", dir}, exitError, []string{"bad.csv line 3 field v4_duration", "negative"}},
		{"missing input", []string{"tables", "--input", filepath.Join(dir, "nope.csv"), "--out", dir}, exitError, []string{"nope.csv"}},
		{"no flags", []string{"tables"}, exitUsage, []string{"--input is required"}},
		{"bad profile", []string{"tables", "--input", bad, "--out", dir, "--profile", "x"}, exitUsage, []string{"--profile"}},
		{"bad confidence", []string{"tables", "--input", bad, "--out", dir, "--confidence", "1.5"}, exitUsage, []string{"--confidence"}},
		{"bad gamma", []string{"replay", "--input", bad, "--out", dir, "--gamma", "0"}, exitUsage, []string{"gamma"}},
		{"unknown flag", []string{"tables", "--nope"}, exitUsage, []string{"unknown flag"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := run(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr %s", code, tc.code, stderr)
			}
			for _, c := range tc.contains {
				if !strings.Contains(stderr, c) {
					t.Errorf("stderr %q lacks %q", stderr, c)
				}
			}
		})
	}
	// Nothing is written when the run fails.
	if _, err := os.Stat(filepath.Join(dir, "table1.csv")); err == nil {
		t.Error("table1.csv written by a failed run")
	}
}

func TestSkipBadRows(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("prb_id,anchor_id,start_time,v4_duration,v6_duration\n"+
		"1,2,2023-06-01 00:00:00 UTC,10,11\n"+
		"1,2,2023-06-01 00:30:00 UTC,NaN,11\n"), 0o644)
	code, _, stderr := run(t, "tables", "--input", bad, "--out", dir, "--skip-bad-rows")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	sum, _ := os.ReadFile(filepath.Join(dir, "summary.json"))
	if !bytes.Contains(sum, []byte(`"v4_duration: NaN": 1`)) {
		t.Errorf("summary.json does not count the skipped row:\n%s", sum)
	}
	if !strings.Contains(stderr, "skipped malformed rows") {
		t.Errorf("no warning on stderr: %s", stderr)
	}
}

func TestVersionAndHelp(t *testing.T) {
	if code, stdout, _ := run(t, "--version"); code != 0 || !strings.Contains(stdout, "afsel version") {
		t.Errorf("--version: %d %q", code, stdout)
	}
	if code, stdout, _ := run(t, "tables", "--help"); code != 0 || !strings.Contains(stdout, "Examples:") {
		t.Errorf("tables --help: %d %q", code, stdout)
	}
}

func TestSweepCommand(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := run(t, "sweep", "--input", goldenData, "--out", out, "--gamma", "0.1,0.5", "--runs", "10", "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, f := range []string{"simulation_gamma=0.1.csv", "simulation_gamma=0.5.csv", "sweep.csv", "replay_metrics.csv", "summary.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	if !strings.Contains(stdout, "0.5") {
		t.Errorf("stdout lacks the gamma 0.5 rows:\n%s", stdout)
	}
}

// TestReproduceGolden checks that reproduce, in one pass, writes the same
// tables and simulation as the separate commands (their golden files), and
// the figures and report.
func TestReproduceGolden(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := run(t, "reproduce", "--input", goldenData, "--out", out, "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, name := range []string{"table1.csv", "table2.csv", "flows.csv", "change_points.csv", "simulation.csv", "replay_metrics.csv"} {
		compareGolden(t, filepath.Join(out, name), filepath.Join("testdata", "cli", name))
	}
	for _, name := range []string{"summary.json", "figures/report.html", "figures/fig1.png", "figures/fig2.svg", "figures/fig4.csv"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Error(err)
		}
	}
	for _, want := range []string{"Table 1", "Table 2", "EXP3 replay", "figures/report.html"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q", want)
		}
	}
}

// TestReproduceDefault runs with no input flags, on the embedded data.
func TestReproduceDefault(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := run(t, "reproduce", "--out", out, "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "IPv4 is better") {
		t.Errorf("stdout lacks Table 1:\n%s", stdout)
	}
	sum, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(sum, []byte("embedded default data")) {
		t.Errorf("summary.json does not name the embedded input")
	}
	// The embedded data is synthetic, and every output that shows the
	// paper's numbers says so.
	if !bytes.Contains(sum, []byte(`"synthetic": true`)) {
		t.Errorf("summary.json does not mark the input synthetic")
	}
	md, _ := os.ReadFile(filepath.Join(out, "figures", "report.md"))
	for name, text := range map[string]string{"stdout": stdout, "report.md": string(md)} {
		if !strings.Contains(text, "synthetic (generated by afsel synth), not RIPE Atlas measurements") {
			t.Errorf("%s does not say the input is synthetic", name)
		}
	}
}

// TestDefaultDataIsSynth checks that the embedded default data is what
// `afsel synth --pairs 300 --seed 1` generates, so it can be regenerated.
func TestDefaultDataIsSynth(t *testing.T) {
	out := filepath.Join(t.TempDir(), "default.csv")
	if code, _, stderr := run(t, "synth", "--pairs", "300", "--seed", "1", "-o", out, "-q"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(defaultData))
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("embedded default data (%d bytes) differs from synth --pairs 300 --seed 1 (%d bytes)", len(got), len(want))
	}
}

// TestReplayPolicies checks that --policies adds its files and leaves the
// artefacts' outputs byte-identical.
func TestReplayPolicies(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := run(t, "replay", "--input", goldenData, "--out", out, "--policies", "exp3,he,race,ts", "--runs", "10", "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// --runs changes the EXP3 medians, so compare against a plain run with
	// the same --runs rather than the golden files.
	plain := t.TempDir()
	if code, _, stderr := run(t, "replay", "--input", goldenData, "--out", plain, "--runs", "10", "-q"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, name := range []string{"simulation.csv", "replay_metrics.csv"} {
		a, _ := os.ReadFile(filepath.Join(plain, name))
		b, _ := os.ReadFile(filepath.Join(out, name))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s changes when policies are added", name)
		}
	}
	for _, name := range []string{"policies_pairs.csv", "policies.csv", "policies_segments.csv", "policies_cdf.csv"} {
		if fi, err := os.Stat(filepath.Join(out, name)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
	if !strings.Contains(stdout, "race") {
		t.Errorf("stdout lacks the policy table:\n%s", stdout)
	}
	if code, _, stderr := run(t, "replay", "--input", goldenData, "--out", out, "--policies", "bogus"); code != exitUsage || !strings.Contains(stderr, "bogus") {
		t.Errorf("--policies bogus: exit %d, stderr %q", code, stderr)
	}
}

// TestNoPairedTests: every command that analyses tests fails the same way
// on an input without any, and writes nothing (reproduce used to leave
// figures/fig4.png where tables exited 0).
func TestNoPairedTests(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.csv")
	os.WriteFile(empty, []byte("prb_id,anchor_id,start_time,v4_duration,v6_duration\n"), 0o644)
	for _, cmd := range []string{"tables", "replay", "sweep", "reproduce"} {
		out := filepath.Join(dir, cmd)
		code, _, stderr := run(t, cmd, "--input", empty, "--out", out, "-q")
		if code != exitError || !strings.Contains(stderr, "no paired tests in "+empty) {
			t.Errorf("%s: exit %d, stderr %q", cmd, code, stderr)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s created %s", cmd, out)
		}
	}
}
