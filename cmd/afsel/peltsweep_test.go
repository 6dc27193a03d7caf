package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/afsel/afsel/pipeline"
)

// TestPeltSweepCommand: sweep with PELT lists writes Table 2 per
// combination, and its default combination's rows are the table2.csv of
// 'afsel tables' byte for byte.
func TestPeltSweepCommand(t *testing.T) {
	tab, out := t.TempDir(), t.TempDir()
	if code, _, stderr := run(t, "tables", "--input", goldenData, "--out", tab, "-q"); code != 0 {
		t.Fatalf("tables: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := run(t, "sweep", "--input", goldenData, "--out", out, "--pelt-penalty", "2,5", "--pelt-jump", "1,5", "--pelt-min-size", "30", "-q")
	if code != 0 {
		t.Fatalf("sweep: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "Table 2 per PELT combination") {
		t.Errorf("stdout:\n%s", stdout)
	}
	b, err := os.ReadFile(filepath.Join(out, pipeline.PeltSweepFile))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if lines[0] != "min_size,jump,penalty,group,count,share" || len(lines) != 1+4*6 {
		t.Fatalf("table2_sweep.csv:\n%s", b)
	}
	want, err := os.ReadFile(filepath.Join(tab, "table2.csv"))
	if err != nil {
		t.Fatal(err)
	}
	got := "category,count,share\n"
	for _, l := range lines[1:] {
		if rest, ok := strings.CutPrefix(l, "30,5,5,"); ok {
			got += rest + "\n"
		}
	}
	if got != string(want) {
		t.Errorf("the default combination:\n%s\ntable2.csv:\n%s", got, want)
	}
	for _, f := range []string{"figures/table2_sweep.png", "figures/table2_sweep.svg"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	for _, f := range []string{"sweep.csv", "table1.csv", "replay_metrics.csv"} {
		if _, err := os.Stat(filepath.Join(out, f)); err == nil {
			t.Errorf("a PELT sweep wrote %s", f)
		}
	}
	var sum pipeline.Summary
	if b, err := os.ReadFile(filepath.Join(out, pipeline.SummaryFile)); err != nil {
		t.Fatal(err)
	} else if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Command != "sweep-pelt" || sum.Eligible != 644 || len(sum.Table1) != 4 {
		t.Errorf("summary: command %q, %d eligible, Table 1 %v", sum.Command, sum.Eligible, sum.Table1)
	}
}

// TestPeltSweepFlags: the lists parse, and a bad one is refused with the
// flag named, before any reading.
func TestPeltSweepFlags(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"not a number", []string{"--pelt-penalty", "1,x"}, "--pelt-penalty"},
		{"not an integer", []string{"--pelt-jump", "1,2.5"}, "--pelt-jump"},
		{"jump 0", []string{"--pelt-jump", "0,5"}, "--pelt-jump 0"},
		{"min size 0", []string{"--pelt-min-size", "0"}, "--pelt-min-size 0"},
		{"negative penalty", []string{"--pelt-penalty", "-1,5"}, "--pelt-penalty -1"},
		{"NaN penalty", []string{"--pelt-penalty", "NaN"}, "--pelt-penalty NaN"},
		{"twice", []string{"--pelt-penalty", "5,2,5"}, "--pelt-penalty: 5 given twice"},
		{"with gamma", []string{"--pelt-penalty", "2,5", "--gamma", "0.1"}, "choose one sweep"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"sweep", "--input", goldenData, "--out", t.TempDir(), "-q"}, tc.args...)
			code, _, stderr := run(t, args...)
			if code == 0 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q: want an error naming %q", code, stderr, tc.want)
			}
		})
	}
}

// TestPeltSweepDefaultUnchanged: without PELT flags, sweep is the gamma
// sweep, and writes none of the PELT sweep's files.
func TestPeltSweepDefaultUnchanged(t *testing.T) {
	out := t.TempDir()
	code, _, stderr := run(t, "sweep", "--input", goldenData, "--out", out, "--gamma", "0.1", "--runs", "2", "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "sweep.csv")); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(filepath.Join(out, pipeline.PeltSweepFile)); err == nil {
		t.Errorf("the gamma sweep wrote %s", pipeline.PeltSweepFile)
	}
}
