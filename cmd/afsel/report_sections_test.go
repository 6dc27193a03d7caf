package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportSectionsCommand: from the command line, a PELT sweep written
// into a run's directory and a comparison of an earlier run with it reach
// the report afsel figures draws there: both sections, their figures'
// files beside the report; a directory that holds no comparison is an
// error naming --compare.
func TestReportSectionsCommand(t *testing.T) {
	early, late := splitGoldenByDay(t)
	dir := t.TempDir()
	a, b, cmp := filepath.Join(dir, "week1"), filepath.Join(dir, "week2"), filepath.Join(dir, "week1-vs-2")
	for _, r := range [][]string{
		{"reproduce", "-q", "--input", early, "--out", a, "--min-tests", "75", "--runs", "5"},
		{"reproduce", "-q", "--input", late, "--out", b, "--min-tests", "75", "--runs", "5"},
		{"sweep", "-q", "--input", late, "--out", b, "--pelt-penalty", "2,5,20", "--pelt-jump", "1,5"},
		{"compare", a, b, "-o", cmp},
		{"figures", "-q", "--dir", b, "--compare", cmp},
	} {
		if code, _, stderr := run(t, r...); code != 0 {
			t.Fatalf("%v: exit %d: %s", r, code, stderr)
		}
	}
	figs := filepath.Join(b, "figures")
	htm, err := os.ReadFile(filepath.Join(figs, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(figs, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"How robust Table 2 is", `<figure id="table2_sweep">`, "Week over week", `<figure id="transitions">`, "Keeping their class: <b>"} {
		if !strings.Contains(string(htm), want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	for _, want := range []string{"](table2_sweep.png)", "](transitions.png)", "EXP3's best-choice ratio, B − A: median"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	if strings.Contains(string(htm), `class="note">The runs in`) {
		t.Error("the report of run B notes that it is neither run compared")
	}
	for _, f := range []string{"table2_sweep.png", "table2_sweep.svg", "transitions.png", "transitions.svg", "fig4.png"} {
		if _, err := os.Stat(filepath.Join(figs, f)); err != nil {
			t.Error(err)
		}
	}
	for _, f := range []string{"simulation.csv", "table2_sweep.csv"} {
		if _, err := os.Stat(filepath.Join(b, f)); err != nil {
			t.Error(err)
		}
	}
	if code, _, stderr := run(t, "figures", "-q", "--dir", b, "--compare", a); code != exitError || !strings.Contains(stderr, "--compare") || !strings.Contains(stderr, "not the output of afsel compare") {
		t.Errorf("--compare of a run: exit %d: %s", code, stderr)
	}
}
