package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/afsel/afsel/ingest/atlas"
	"github.com/afsel/afsel/networks"
	"github.com/afsel/afsel/synth"
)

// TestSynthProbesOut: --probes-out writes a probe archive that
// atlas.LoadProbes reads with every probe of the data, and leaves the data
// as it is without it.
func TestSynthProbesOut(t *testing.T) {
	dir := t.TempDir()
	data, plain, archive := filepath.Join(dir, "x.arrow"), filepath.Join(dir, "plain.arrow"), filepath.Join(dir, "p.json")
	if code, _, stderr := run(t, "synth", "--pairs", "300", "--seed", "1", "-o", data, "--probes-out", archive, "-q"); code != 0 {
		t.Fatalf("synth --probes-out: exit %d: %s", code, stderr)
	}
	if code, _, stderr := run(t, "synth", "--pairs", "300", "--seed", "1", "-o", plain, "-q"); code != 0 {
		t.Fatalf("synth: exit %d: %s", code, stderr)
	}
	a, _ := os.ReadFile(data)
	b, _ := os.ReadFile(plain)
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Error("--probes-out changes the data")
	}
	probes, err := atlas.LoadProbes(archive)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := readArrowRows(t, data)
	seen := map[int64]bool{}
	for _, r := range rows {
		id := r.key[0]
		if seen[id] {
			continue
		}
		seen[id] = true
		p, ok := probes[id]
		if !ok {
			t.Fatalf("probe %d of the data is not in the archive", id)
		}
		if len(p.Country) != 2 || p.ASNv4 == 0 || p.ASNv6 == 0 {
			t.Errorf("probe %d: %+v lacks metadata", id, p)
		}
	}
	anchors, err := atlas.LoadAnchors(archive)
	if err != nil {
		t.Fatal(err)
	}
	if pool := synth.DefaultModel().AnchorPool; anchors.Len() != pool {
		t.Errorf("%d anchors in the archive, want the campaign's %d", anchors.Len(), pool)
	}
	for _, r := range rows {
		if _, ok := probes[r.key[1]]; !ok {
			t.Fatalf("anchor %d of the data is not in the archive", r.key[1])
		}
	}
	// A second run writes the same archive.
	again := filepath.Join(dir, "again.json")
	if code, _, stderr := run(t, "synth", "--pairs", "300", "--seed", "1", "--workers", "1", "-o", filepath.Join(dir, "y.arrow"), "--probes-out", again, "-q"); code != 0 {
		t.Fatalf("synth: exit %d: %s", code, stderr)
	}
	x, _ := os.ReadFile(archive)
	y, _ := os.ReadFile(again)
	if !bytes.Equal(x, y) {
		t.Error("the archive differs between runs (or with --workers)")
	}
}

// TestSynthProbesReproduce: synthetic data and its archive run through
// reproduce --probes, and networks.csv's countries add up to Table 1.
func TestSynthProbesReproduce(t *testing.T) {
	dir := t.TempDir()
	data, archive, out := filepath.Join(dir, "x.arrow"), filepath.Join(dir, "p.json"), filepath.Join(dir, "o")
	if code, _, stderr := run(t, "synth", "--pairs", "300", "--seed", "1", "-o", data, "--probes-out", archive, "-q"); code != 0 {
		t.Fatalf("synth: exit %d: %s", code, stderr)
	}
	if code, _, stderr := run(t, "reproduce", "--input", data, "--probes", archive, "--out", out, "-q"); code != 0 {
		t.Fatalf("reproduce: exit %d: %s", code, stderr)
	}
	total := table1Total(t, filepath.Join(out, "table1.csv"))
	f, err := os.Open(filepath.Join(out, "networks.csv"))
	if err != nil {
		t.Fatal(err)
	}
	groups, err := networks.Read(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	sums := map[string]int{}
	countries, mixed := 0, 0
	for _, g := range groups {
		sums[g.Kind] += g.Pairs
		if g.Kind == networks.Country {
			countries++
			mixed += g.MixedASN
		}
		if g.Key == networks.Unknown {
			t.Errorf("%s group %q: a probe of the data is missing from the archive", g.Kind, g.Key)
		}
	}
	for _, k := range networks.Kinds {
		if sums[k] != total {
			t.Errorf("%s groups hold %d pairs, Table 1 %d", k, sums[k], total)
		}
	}
	if total == 0 || countries < 5 {
		t.Errorf("%d pairs in %d countries", total, countries)
	}
	t.Logf("%d pairs in %d countries, %d with differing ASes", total, countries, mixed)
}

// table1Total reads the total of table1.csv.
func table1Total(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if len(r) > 1 && strings.EqualFold(r[0], "total") {
			n, err := strconv.Atoi(r[1])
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("%s has no total:\n%s", path, b)
	return 0
}
