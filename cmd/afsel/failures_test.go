package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReproduceFailures runs the study with failures on synthetic data with
// failed tests: the failures outputs are written, the usual ones equal
// those of the run without --failures, and the summary says so.
func TestReproduceFailures(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "failing.arrow")
	if code, _, stderr := run(t, "synth", "--pairs", "200", "--failures", "-o", in, "-q"); code != 0 {
		t.Fatalf("synth: exit %d: %s", code, stderr)
	}
	with, without := filepath.Join(dir, "with"), filepath.Join(dir, "without")
	code, stdout, stderr := run(t, "reproduce", "--input", in, "--failures", "--runs", "3", "--out", with, "-q")
	if code != 0 {
		t.Fatalf("reproduce --failures: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"With failures counted (connect timeout 21s)", "steer", "os:linux"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q", want)
		}
	}
	if code, _, stderr := run(t, "reproduce", "--input", in, "--runs", "3", "--out", without, "-q"); code != 0 {
		t.Fatalf("reproduce: exit %d: %s", code, stderr)
	}
	for _, f := range []string{"table1.csv", "table2.csv", "flows.csv", "simulation.csv", "figures/fig4.csv"} {
		a, errA := os.ReadFile(filepath.Join(with, f))
		b, errB := os.ReadFile(filepath.Join(without, f))
		if errA != nil || errB != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs with --failures (%v, %v)", f, errA, errB)
		}
	}
	for _, f := range []string{"failures.csv", "failures_pairs.csv", "policies_failures.csv", "policies_failures_cdf.csv", "figures/policies_failures.png"} {
		if fi, err := os.Stat(filepath.Join(with, f)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
		if _, err := os.Stat(filepath.Join(without, f)); err == nil {
			t.Errorf("%s written without --failures", f)
		}
	}
	sum, err := os.ReadFile(filepath.Join(with, "summary.json"))
	if err != nil || !bytes.Contains(sum, []byte(`"connect_timeout": "21s"`)) {
		t.Errorf("summary.json lacks the failures' record (%v)", err)
	}
	report, err := os.ReadFile(filepath.Join(with, "figures", "report.html"))
	if err != nil || !bytes.Contains(report, []byte("<h2>Clients with failures counted</h2>")) {
		t.Errorf("report.html lacks the failures (%v)", err)
	}

	// The figures command redraws them from the CSVs alone.
	png := filepath.Join(with, "figures", "policies_failures.png")
	if err := os.Remove(png); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, "figures", "--input", with, "-q"); code != 0 {
		t.Fatalf("figures: exit %d: %s", code, stderr)
	}
	if fi, err := os.Stat(png); err != nil || fi.Size() == 0 {
		t.Errorf("figures did not redraw %s: %v", png, err)
	}
	report, err = os.ReadFile(filepath.Join(with, "figures", "report.md"))
	if err != nil || !bytes.Contains(report, []byte("## Failures")) || !bytes.Contains(report, []byte("## Clients with failures counted")) {
		t.Errorf("redrawn report.md lacks the failures (%v)", err)
	}
}
