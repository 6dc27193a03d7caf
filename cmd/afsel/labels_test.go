package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// readRecords reads a CSV file whole.
func readRecords(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return recs
}

// TestLabels: with --labels, every file with zone codes has its label
// columns after the artefacts' columns, which are those of the golden
// outputs (written without it) field for field; flows.csv's zone_label
// tells ineligible pairs from pairs where neither family is better, as
// simulation.csv's does; afsel figures reads the files.
func TestLabels(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"tables", "--input", goldenData, "--out", dir, "--labels", "-q"},
		{"replay", "--input", goldenData, "--out", dir, "--labels", "--policies", "v6,exp3", "-q"},
	} {
		if code, _, stderr := run(t, args...); code != 0 {
			t.Fatalf("%s: exit %d: %s", args[0], code, stderr)
		}
	}
	labels := map[string][]string{
		"flows.csv":             {"zone", "zone_label"},
		"change_points.csv":     {"segment_labels"},
		"simulation.csv":        {"zone_label"},
		"replay_metrics.csv":    {"zone_label"},
		"policies.csv":          {"zone_label"},
		"policies_pairs.csv":    {"zone_label"},
		"policies_segments.csv": {"zone_label", "segment_zone_label"},
	}
	for name, added := range labels {
		recs := readRecords(t, filepath.Join(dir, name))
		if head := recs[0]; !slices.Equal(head[len(head)-len(added):], added) {
			t.Errorf("%s: header %q does not end with %q", name, head, added)
		}
		golden := filepath.Join("testdata", "cli", name)
		if _, err := os.Stat(golden); err != nil {
			continue
		}
		want := readRecords(t, golden)
		if len(want) != len(recs) {
			t.Fatalf("%s: %d lines, the golden %d", name, len(recs), len(want))
		}
		for i := range recs {
			if !slices.Equal(recs[i][:len(want[i])], want[i]) || len(recs[i]) != len(want[i])+len(added) {
				t.Errorf("%s line %d: %q, the golden %q then %d labels", name, i+1, recs[i], want[i], len(added))
				break
			}
		}
	}
	flows, sim := readRecords(t, filepath.Join(dir, "flows.csv")), readRecords(t, filepath.Join(dir, "simulation.csv"))
	count := map[string]int{}
	for i := 1; i < len(flows); i++ {
		f, s := flows[i], sim[i]
		label := f[len(f)-1]
		if label != s[len(s)-1] || f[len(f)-2] != s[2] {
			t.Errorf("pair %s:%s: flows.csv says %q, zone %q; simulation.csv %q, zone %q", f[0], f[1], label, f[len(f)-2], s[len(s)-1], s[2])
		}
		if f[2] == "" {
			count[label]++
		}
	}
	// The golden set has 156 ineligible pairs and 236 where neither family
	// is better (Table 1), all with an empty best_path.
	if count["ineligible"] != 156 || count["None is better"] != 236 || len(count) != 2 {
		t.Errorf("pairs with an empty best_path by zone_label: %v", count)
	}
	if code, _, stderr := run(t, "figures", "--dir", dir, "--points", "50", "-q"); code != 0 {
		t.Fatalf("figures on labelled files: exit %d: %s", code, stderr)
	}
}
