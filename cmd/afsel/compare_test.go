package main

import (
	"bufio"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// splitGoldenByDay writes the golden set's paired tests of June 1-3 and of June
// 4-7 2023 into two CSV files: two "weeks" of the same pairs.
func splitGoldenByDay(t *testing.T) (early, late string) {
	t.Helper()
	f, err := os.Open(goldenData)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	early, late = filepath.Join(dir, "early.csv"), filepath.Join(dir, "late.csv")
	var outs [2]*bufio.Writer
	for i, name := range []string{early, late} {
		o, err := os.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		defer o.Close()
		outs[i] = bufio.NewWriter(o)
	}
	sc := bufio.NewScanner(gz)
	for n := 0; sc.Scan(); n++ {
		line := sc.Text()
		if n == 0 {
			outs[0].WriteString(line + "\n")
			outs[1].WriteString(line + "\n")
			continue
		}
		w := outs[1]
		if f := strings.SplitN(line, ",", 4); len(f) == 4 && f[2] < "2023-06-04" {
			w = outs[0]
		}
		w.WriteString(line + "\n")
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, w := range outs {
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	return early, late
}

func TestCompareCommand(t *testing.T) {
	early, late := splitGoldenByDay(t)
	dir := t.TempDir()
	a, b, c := filepath.Join(dir, "a"), filepath.Join(dir, "b"), filepath.Join(dir, "c")
	for _, r := range [][]string{
		{"reproduce", "-q", "--input", early, "--out", a, "--min-tests", "75", "--runs", "5"},
		{"reproduce", "-q", "--input", late, "--out", b, "--min-tests", "75", "--runs", "5"},
		{"reproduce", "-q", "--input", late, "--out", c, "--min-tests", "100", "--runs", "5"},
	} {
		if code, _, stderr := run(t, r...); code != 0 {
			t.Fatalf("%v: exit %d: %s", r, code, stderr)
		}
	}

	t.Run("itself", func(t *testing.T) {
		out := filepath.Join(dir, "aa")
		code, stdout, stderr := run(t, "compare", a, a, "-o", out)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		for _, s := range []string{"keeping their class: 637 of 637 (100.0%)", "new pairs (eligible in B only): 0", "gone pairs (eligible in A only): 0",
			"mean +0.0000", "transitions.png"} {
			if !strings.Contains(stdout, s) {
				t.Errorf("stdout lacks %q:\n%s", s, stdout)
			}
		}
	})

	t.Run("two weeks", func(t *testing.T) {
		out := filepath.Join(dir, "ab")
		code, stdout, stderr := run(t, "compare", a, b, "--out", out)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		for _, s := range []string{"A: " + a + " (637 eligible of 729 pairs)", "B: " + b + " (680 eligible of 768 pairs)",
			"pairs eligible in both: 613", "new pairs (eligible in B only): 67", "gone pairs (eligible in A only): 24"} {
			if !strings.Contains(stdout, s) {
				t.Errorf("stdout lacks %q:\n%s", s, stdout)
			}
		}
		for _, name := range []string{"transitions.csv", "best_choice_change.csv", "best_choice_summary.csv", "pairs_new_gone.csv", "transitions.svg", "transitions.png", "summary.json"} {
			if fi, err := os.Stat(filepath.Join(out, name)); err != nil || fi.Size() == 0 {
				t.Errorf("%s: %v", name, err)
			}
		}
		tb, err := os.ReadFile(filepath.Join(out, "transitions.csv"))
		if err != nil {
			t.Fatal(err)
		}
		var cells []string
		for _, line := range strings.Split(strings.TrimSpace(string(tb)), "\n")[1:] {
			cells = append(cells, strings.Split(line, ",")[4])
		}
		if got, want := strings.Join(cells, " "), "167 7 4 19 199 20 11 7 179"; got != want {
			t.Errorf("transitions.csv pairs: %s, want %s", got, want)
		}
		nb, err := os.ReadFile(filepath.Join(out, "pairs_new_gone.csv"))
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(nb), "\n"); n != 1+67+24 {
			t.Errorf("pairs_new_gone.csv: %d lines, want 92", n)
		}
	})

	t.Run("different parameters", func(t *testing.T) {
		out := filepath.Join(dir, "ac")
		code, _, stderr := run(t, "compare", a, c, "-o", out)
		if code != exitError || !strings.Contains(stderr, "tables_parameters.min_tests (75 in A, 100 in B)") ||
			!strings.Contains(stderr, "replay_parameters.min_tests (75 in A, 100 in B)") || !strings.Contains(stderr, "--force") {
			t.Errorf("exit %d: %s", code, stderr)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s written after a refusal", out)
		}
		code, stdout, stderr := run(t, "compare", a, c, "-o", out, "--force")
		if code != 0 {
			t.Fatalf("--force: exit %d: %s", code, stderr)
		}
		if !strings.Contains(stdout, "compared although the parameters differ (--force): replay_parameters.min_tests") || !strings.Contains(stderr, "level=WARN") {
			t.Errorf("--force: stdout %s\nstderr %s", stdout, stderr)
		}
	})

	t.Run("tables alone", func(t *testing.T) {
		// Tables with --labels (flows.csv tells None from ineligible)
		// against reproduce on the same data: the identity, without the
		// best-choice change.
		ta := filepath.Join(dir, "ta")
		if code, _, stderr := run(t, "tables", "-q", "--labels", "--input", early, "--out", ta, "--min-tests", "75"); code != 0 {
			t.Fatalf("tables: exit %d: %s", code, stderr)
		}
		code, stdout, stderr := run(t, "compare", ta, a, "-o", filepath.Join(dir, "taa"))
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		for _, s := range []string{"keeping their class: 637 of 637 (100.0%)", "not compared (a run has no simulation.csv)"} {
			if !strings.Contains(stdout, s) {
				t.Errorf("stdout lacks %q:\n%s", s, stdout)
			}
		}
	})

	t.Run("usage", func(t *testing.T) {
		if code, _, stderr := run(t, "compare", a); code != exitUsage || !strings.Contains(stderr, "RUN_A and RUN_B") {
			t.Errorf("one run: exit %d: %s", code, stderr)
		}
		if code, _, stderr := run(t, "compare", a, b, "-o", a); code != exitError || !strings.Contains(stderr, "may not be replaced") {
			t.Errorf("-o RUN_A: exit %d: %s", code, stderr)
		}
	})
}
