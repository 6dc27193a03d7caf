package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/afsel/afsel/networks"
)

// TestProbesArchive: --probes writes networks.csv, whose counts per
// country add up to Table 1, a report section and figure that the figures
// command redraws; without it, none of them.
func TestProbesArchive(t *testing.T) {
	dir := t.TempDir()
	with, without := filepath.Join(dir, "with"), filepath.Join(dir, "without")
	if code, _, stderr := run(t, "reproduce", "--input", goldenData, "--probes", "../../testdata/failures/anchors.json", "--runs", "3", "--out", with, "-q"); code != 0 {
		t.Fatalf("reproduce --probes: exit %d: %s", code, stderr)
	}
	if code, _, stderr := run(t, "reproduce", "--input", goldenData, "--runs", "3", "--out", without, "-q"); code != 0 {
		t.Fatalf("reproduce: exit %d: %s", code, stderr)
	}
	f, err := os.Open(filepath.Join(with, "networks.csv"))
	if err != nil {
		t.Fatal(err)
	}
	groups, err := networks.Read(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	table1, err := os.ReadFile(filepath.Join(with, "table1.csv"))
	if err != nil {
		t.Fatal(err)
	}
	pairs := 0
	for _, g := range groups {
		if g.Kind == networks.Country {
			pairs += g.Pairs
		}
	}
	if !strings.Contains(string(table1), ",644,") || pairs != 644 {
		t.Errorf("countries hold %d pairs; table1.csv:\n%s", pairs, table1)
	}
	for _, name := range []string{"table1.csv", "table2.csv", "simulation.csv"} {
		a, _ := os.ReadFile(filepath.Join(with, name))
		b, _ := os.ReadFile(filepath.Join(without, name))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs with --probes", name)
		}
	}
	if _, err := os.Stat(filepath.Join(without, "networks.csv")); err == nil {
		t.Error("networks.csv without --probes")
	}
	check := func(dir string) {
		t.Helper()
		md, err := os.ReadFile(filepath.Join(dir, "figures", "report.md"))
		if err != nil || !strings.Contains(string(md), "## By network") || !strings.Contains(string(md), "| country | pairs |") {
			t.Errorf("%s: report.md lacks the networks section (%v)", dir, err)
		}
		if fi, err := os.Stat(filepath.Join(dir, "figures", "networks_country.png")); err != nil || fi.Size() == 0 {
			t.Errorf("%s: no networks figure: %v", dir, err)
		}
	}
	check(with)
	os.Remove(filepath.Join(with, "figures", "networks_country.png"))
	if code, _, stderr := run(t, "figures", "--dir", with, "-q"); code != 0 {
		t.Fatalf("figures: exit %d: %s", code, stderr)
	}
	check(with)
	if code, _, stderr := run(t, "tables", "--input", goldenData, "--probes", filepath.Join(dir, "missing.json"), "--out", filepath.Join(dir, "x"), "-q"); code != 2 || !strings.Contains(stderr, "--probes") {
		t.Errorf("missing archive: exit %d: %s", code, stderr)
	}
}
