package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/afsel/afsel/hours"
)

// TestHoursFlag: tables --hours writes hours.csv beside the tables, which
// stay byte for byte as without it; without --hours there is no hours.csv.
func TestHoursFlag(t *testing.T) {
	off, on := t.TempDir(), t.TempDir()
	for _, c := range []struct {
		dir  string
		args []string
	}{{off, nil}, {on, []string{"--hours"}}} {
		code, _, stderr := run(t, append([]string{"tables", "--input", goldenData, "--out", c.dir, "-q"}, c.args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", c.args, code, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(off, "hours.csv")); !os.IsNotExist(err) {
		t.Errorf("without --hours: hours.csv: %v, want none", err)
	}
	for _, name := range []string{"table1.csv", "table2.csv", "flows.csv", "change_points.csv"} {
		a, _ := os.ReadFile(filepath.Join(off, name))
		b, _ := os.ReadFile(filepath.Join(on, name))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs with --hours", name)
		}
	}
	f, err := os.Open(filepath.Join(on, "hours.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := hours.ReadCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(hours.Zones)*hours.Hours {
		t.Fatalf("%d rows, want %d", len(rows), len(hours.Zones)*hours.Hours)
	}
	// Every eligible pair (644 in the golden set) has tests in some hour:
	// the pairs of all zones in an hour are at most 644, those of the
	// zones add up to them.
	perHour := map[int]int{}
	for _, r := range rows {
		if r.Zone != 0 {
			perHour[r.Hour] += r.Pairs
		}
	}
	for _, r := range rows {
		if r.Zone == 0 && (r.Pairs != perHour[r.Hour] || r.Pairs > 644 || r.Pairs == 0) {
			t.Errorf("hour %d: %d pairs over all zones, %d over the zones; want equal, 1 to 644", r.Hour, r.Pairs, perHour[r.Hour])
		}
	}
	var sum struct{ Files []string }
	b, _ := os.ReadFile(filepath.Join(on, "summary.json"))
	if err := json.Unmarshal(b, &sum); err != nil || !slices.Contains(sum.Files, "hours.csv") {
		t.Errorf("summary.json's files %v (%v): want hours.csv", sum.Files, err)
	}
}

// TestHoursUntimed: an input without start times (CBOR) skips the hours
// with a warning, and the run goes on.
func TestHoursUntimed(t *testing.T) {
	dir := t.TempDir()
	cbor := filepath.Join(dir, "g.cbor")
	if code, _, stderr := run(t, "ingest", "file", goldenData, "-o", cbor, "-q"); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, stderr)
	}
	out := filepath.Join(dir, "out")
	code, _, stderr := run(t, "tables", "--input", cbor, "--out", out, "--hours")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "no start times") {
		t.Errorf("stderr does not say why the hours were skipped:\n%s", stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "hours.csv")); !os.IsNotExist(err) {
		t.Errorf("hours.csv: %v, want none", err)
	}
	if _, err := os.Stat(filepath.Join(out, "table1.csv")); err != nil {
		t.Error(err)
	}
}

// TestHoursReproduce: reproduce --hours draws the figure and gives the
// report its section; without --hours neither is there.
func TestHoursReproduce(t *testing.T) {
	if testing.Short() {
		t.Skip("runs reproduce twice")
	}
	off, on := t.TempDir(), t.TempDir()
	for _, c := range []struct {
		dir  string
		args []string
	}{{off, nil}, {on, []string{"--hours"}}} {
		code, _, stderr := run(t, append([]string{"reproduce", "--out", c.dir, "-q"}, c.args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", c.args, code, stderr)
		}
	}
	for _, name := range []string{"hours.csv", "figures/hours.svg", "figures/hours.png"} {
		if _, err := os.Stat(filepath.Join(on, name)); err != nil {
			t.Errorf("with --hours: %v", err)
		}
		if _, err := os.Stat(filepath.Join(off, name)); !os.IsNotExist(err) {
			t.Errorf("without --hours: %s: %v, want none", name, err)
		}
	}
	for _, c := range []struct {
		name string
		want []string
	}{
		{"report.md", []string{"## By hour of day", "![hours](hours.png)"}},
		{"report.html", []string{"<h2>By hour of day</h2>", "<figure id=\"hours\">\n<svg"}},
	} {
		got, _ := os.ReadFile(filepath.Join(on, "figures", c.name))
		without, _ := os.ReadFile(filepath.Join(off, "figures", c.name))
		for _, w := range c.want {
			if !strings.Contains(string(got), w) {
				t.Errorf("%s with --hours lacks %q", c.name, w)
			}
			if strings.Contains(string(without), w) {
				t.Errorf("%s without --hours has %q", c.name, w)
			}
		}
	}
	// The other files are as without --hours (the report's date aside).
	for _, name := range []string{"table1.csv", "simulation.csv", "figures/fig4.csv", "figures/coverage.svg"} {
		a, _ := os.ReadFile(filepath.Join(off, name))
		b, _ := os.ReadFile(filepath.Join(on, name))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs with --hours (or is empty)", name)
		}
	}
}

// TestHoursLabels: --labels gives hours.csv its zone_label column.
func TestHoursLabels(t *testing.T) {
	out := t.TempDir()
	if code, _, stderr := run(t, "tables", "--input", goldenData, "--out", out, "-q", "--hours", "--labels"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(filepath.Join(out, "hours.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	if lines[0] != strings.Join(hours.Columns, ",")+","+hours.ZoneLabelColumn || !strings.HasSuffix(lines[len(lines)-2], ",all") {
		t.Errorf("header %q, last row %q: want zone_label", lines[0], lines[len(lines)-2])
	}
}

// TestFiguresRedrawsHours: the figures command redraws the hours' figure
// and report section from hours.csv.
func TestFiguresRedrawsHours(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := run(t, "tables", "--input", goldenData, "--hours", "--out", out, "-q"); code != 0 {
		t.Fatalf("tables --hours: exit %d: %s", code, stderr)
	}
	if code, _, stderr := run(t, "replay", "--input", goldenData, "--runs", "3", "--out", out, "-q"); code != 0 {
		t.Fatalf("replay: exit %d: %s", code, stderr)
	}
	if code, _, stderr := run(t, "figures", "--dir", out, "-q"); code != 0 {
		t.Fatalf("figures: exit %d: %s", code, stderr)
	}
	if fi, err := os.Stat(filepath.Join(out, "figures", "hours.png")); err != nil || fi.Size() == 0 {
		t.Errorf("no hours figure: %v", err)
	}
	md, err := os.ReadFile(filepath.Join(out, "figures", "report.md"))
	if err != nil || !strings.Contains(string(md), "## By hour of day") {
		t.Errorf("report.md lacks the hours section (%v)", err)
	}
}
