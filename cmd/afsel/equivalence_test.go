package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReproduceEqualsStages: the figures and the report of reproduce are
// those of tables, then replay, then figures on the same input, file for
// file and byte for byte, but for the report's run parameters and inputs,
// which name how each was run (cut at their heading).
func TestReproduceEqualsStages(t *testing.T) {
	dir := t.TempDir()
	repro, stages := filepath.Join(dir, "repro"), filepath.Join(dir, "stages")
	for _, args := range [][]string{
		{"reproduce", "--input", goldenData, "--out", repro, "-q"},
		{"tables", "--input", goldenData, "--out", stages, "-q"},
		{"replay", "--input", goldenData, "--out", stages, "-q"},
		{"figures", "--input", stages, "--data", goldenData, "-q"},
	} {
		if code, _, stderr := run(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	cut := map[string]string{"report.md": "## Figures parameters", "report.html": "<h2>Run parameters and inputs</h2>"}
	for _, name := range []string{"fig1.csv", "fig2.csv", "fig4.csv", "coverage.csv",
		"fig1.svg", "fig1.png", "fig2.svg", "fig2.png", "fig4.svg", "fig4.png", "coverage.svg", "coverage.png",
		"report.md", "report.html"} {
		a, err := os.ReadFile(filepath.Join(repro, "figures", name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(stages, "figures", name))
		if err != nil {
			t.Fatal(err)
		}
		if c, ok := cut[name]; ok {
			a, b = before(t, name, a, c), before(t, name, b, c)
			// The stages' report notes that summary.json holds one stage's
			// parameters only; reproduce has none.
			b = dropNotes(b)
			// The header's date is each run's: runs either side of
			// midnight UTC differ there and nowhere else.
			a, b = runDate.ReplaceAll(a, []byte("run of DATE")), runDate.ReplaceAll(b, []byte("run of DATE"))
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between reproduce and tables + replay + figures", name)
		}
	}
}

// runDate is the report header's date.
var runDate = regexp.MustCompile(`run of \d{4}-\d{2}-\d{2}`)

func before(t *testing.T, name string, b []byte, sep string) []byte {
	t.Helper()
	i := bytes.Index(b, []byte(sep))
	if i < 0 {
		t.Fatalf("%s lacks %q", name, sep)
	}
	return b[:i]
}

// dropNotes removes the report's notes (Markdown "> " and HTML note lines).
func dropNotes(b []byte) []byte {
	var out []string
	lines := strings.SplitAfter(string(b), "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.HasPrefix(l, `<p class="note">`) {
			continue
		}
		if strings.HasPrefix(l, "> ") && i+1 < len(lines) && lines[i+1] == "\n" {
			i++
			continue
		}
		out = append(out, l)
	}
	return []byte(strings.Join(out, ""))
}
