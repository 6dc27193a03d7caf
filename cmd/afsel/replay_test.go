package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/afsel/afsel/internal/testfs"
)

// readCSV reads a CSV output as maps from column to value.
func readCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	recs := testfs.ReadCSV(t, path)
	var rows []map[string]string
	for _, rec := range recs[1:] {
		row := map[string]string{}
		for i, name := range recs[0] {
			row[name] = rec[i]
		}
		rows = append(rows, row)
	}
	return rows
}

// TestReplayPoliciesPelt: the segments of --policies' non-stationary view
// are those `afsel tables` computes with the same --pelt-* flags, with the
// defaults and without (they used to come from PELT's defaults whatever
// the flags).
func TestReplayPoliciesPelt(t *testing.T) {
	segmented := map[string]string{}
	for _, pelt := range [][]string{nil, {"--pelt-penalty", "50"}, {"--pelt-min-size", "60", "--pelt-jump", "10"}} {
		name := fmt.Sprint(pelt)
		t.Run(name, func(t *testing.T) {
			tout, rout := t.TempDir(), t.TempDir()
			args := append([]string{"tables", "--input", goldenData, "--out", tout, "-q"}, pelt...)
			if code, _, stderr := run(t, args...); code != 0 {
				t.Fatalf("tables: exit %d: %s", code, stderr)
			}
			args = append([]string{"replay", "--input", goldenData, "--out", rout, "-q", "--policies", "best", "--runs", "3"}, pelt...)
			if code, _, stderr := run(t, args...); code != 0 {
				t.Fatalf("replay: exit %d: %s", code, stderr)
			}
			want := map[string][][3]int{}
			for _, row := range readCSV(t, filepath.Join(tout, "change_points.csv")) {
				var segs [][3]int
				if err := json.Unmarshal([]byte(row["segments"]), &segs); err != nil {
					t.Fatal(err)
				}
				want[row["prb_id"]+","+row["anchor_id"]] = segs
			}
			got := map[string][][3]int{}
			for _, row := range readCSV(t, filepath.Join(rout, "policies_segments.csv")) {
				k := row["prb_id"] + "," + row["anchor_id"]
				var seg [3]int
				for i, col := range []string{"start", "end", "segment_zone"} {
					seg[i], _ = strconv.Atoi(row[col])
				}
				got[k] = append(got[k], seg)
			}
			if len(got) == 0 {
				t.Fatal("no pair in groups A and C")
			}
			for k, segs := range got {
				if fmt.Sprint(segs) != fmt.Sprint(want[k]) {
					t.Errorf("pair %s: segments %v, tables' %v", k, segs, want[k])
				}
			}
			segmented[name] = fmt.Sprint(got)
		})
	}
	for name, s := range segmented {
		if name != "[]" && s == segmented["[]"] {
			t.Errorf("%s: the same segments as the defaults; the test shows nothing", name)
		}
	}
}
