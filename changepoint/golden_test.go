package changepoint

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/afsel/afsel/internal/testfs"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/pairs"
)

// rupturesCase is one entry of testdata/ruptures_cases.json.gz, written by
// recording the output of ruptures' own Pelt (run from a source checkout)
// under numpy 1.24.2; the generating script is not kept in the repository.
type rupturesCase struct {
	Name    string     `json:"name"`
	MinSize int        `json:"min_size"`
	Jump    int        `json:"jump"`
	Pen     float64    `json:"pen"`
	X       []*float64 `json:"x"` // null is NaN
	Bkps    []int      `json:"bkps"`
	Error   *string    `json:"error"`
}

func readGzipJSON(t *testing.T, path string, v any) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if err := json.NewDecoder(zr).Decode(v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestRupturesCases compares the fast and exact paths with ruptures' own
// output on series covering noise, steps, heavy-tailed spikes, constant runs,
// ties, cancellation, NaN, negative penalties and edge lengths.
func TestRupturesCases(t *testing.T) {
	var file struct {
		Numpy string         `json:"numpy"`
		Cases []rupturesCase `json:"cases"`
	}
	readGzipJSON(t, filepath.Join("testdata", "ruptures_cases.json.gz"), &file)
	if len(file.Cases) < 200 {
		t.Fatalf("only %d cases", len(file.Cases))
	}
	var fast, exact Pelt
	exact.Exact = true
	var dst []int
	for _, c := range file.Cases {
		x := make([]float64, len(c.X))
		for i, v := range c.X {
			x[i] = math.NaN()
			if v != nil {
				x[i] = *v
			}
		}
		cfg := Config{MinSize: c.MinSize, Jump: c.Jump, Penalty: c.Pen}
		for _, p := range []*Pelt{&fast, &exact} {
			var err error
			dst, err = p.Breakpoints(dst, x, cfg)
			switch {
			case c.Error == nil && err != nil:
				t.Errorf("%s (exact=%v): %v, want %v", c.Name, p.Exact, err, c.Bkps)
			case c.Error == nil && !slices.Equal(dst, c.Bkps):
				t.Errorf("%s (exact=%v): got %v, want %v", c.Name, p.Exact, dst, c.Bkps)
			case c.Error != nil && *c.Error == "too_short" && !errors.Is(err, ErrTooShort):
				t.Errorf("%s (exact=%v): error %v, want ErrTooShort", c.Name, p.Exact, err)
			case c.Error != nil && strings.HasPrefix(*c.Error, "no_segmentation") && !errors.Is(err, ErrNoSegmentation):
				t.Errorf("%s (exact=%v): error %v, want ErrNoSegmentation", c.Name, p.Exact, err)
			}
		}
	}
	st := fast.Stats()
	t.Logf("numpy %s, %d cases; fast path: %+v", file.Numpy, len(file.Cases), st)
}

// goldenDir holds the golden data set and the artefacts' outputs on it.
var goldenDir = filepath.Join("..", "testdata", "golden")

// goldenSeries reads data.csv.gz into per-"prb_id,anchor_id" v4 and v6
// series in time order, with afsel's own reader and grouping.
func goldenSeries(t testing.TB) (keys []string, v4, v6 map[string][]float64) {
	t.Helper()
	src, err := ingest.Open(filepath.Join(goldenDir, "data.csv.gz"), ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Release()
	v4, v6 = map[string][]float64{}, map[string][]float64{}
	_, err = pairs.Stream(context.Background(), src, func(p pairs.Probe) error {
		for _, s := range p.Series {
			k := fmt.Sprintf("%d,%d", s.Probe, s.Anchor)
			keys = append(keys, k)
			v4[k], v6[k] = s.V4, s.V6
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return keys, v4, v6
}

// goldenChangePoints reads the segment ends of ripe_change_points.csv per
// "prb_id,anchor_id"; ineligible pairs have none.
func goldenChangePoints(t *testing.T) map[string][]int {
	t.Helper()
	recs := testfs.ReadCSV(t, filepath.Join(goldenDir, "ripe_change_points.csv"))
	seg := regexp.MustCompile(`\((\d+), (\d+), \d+\)`)
	out := map[string][]int{}
	for _, rec := range recs[1:] { // index, prb_id, anchor_id, segments, mixed_zones
		var ends []int
		for _, m := range seg.FindAllStringSubmatch(rec[3], -1) {
			e, _ := strconv.Atoi(m[2])
			ends = append(ends, e)
		}
		out[rec[1]+","+rec[2]] = ends
	}
	return out
}

// TestGoldenChangePoints runs PELT on every eligible pair of the public golden
// dataset and compares the union of the v4 and v6 breakpoints with the segment
// ends the authors' pipeline wrote.
func TestGoldenChangePoints(t *testing.T) {
	keys, v4, v6 := goldenSeries(t)
	want := goldenChangePoints(t)
	var p Pelt
	var b4, b6, union []int
	eligible := 0
	for _, k := range keys {
		w, ok := want[k]
		if !ok {
			t.Errorf("pair %s missing from ripe_change_points.csv", k)
			continue
		}
		if len(v4[k])+len(v6[k]) < 300 {
			if len(w) != 0 {
				t.Errorf("pair %s: ineligible but has segments", k)
			}
			continue
		}
		eligible++
		var err error
		if b4, err = p.Breakpoints(b4, v4[k], DefaultConfig()); err != nil {
			t.Fatalf("pair %s v4: %v", k, err)
		}
		if b6, err = p.Breakpoints(b6, v6[k], DefaultConfig()); err != nil {
			t.Fatalf("pair %s v6: %v", k, err)
		}
		union = Merge(union, b4, b6)
		if !slices.Equal(union, w) {
			t.Errorf("pair %s: union %v, want %v", k, union, w)
		}
	}
	if eligible != 644 {
		t.Errorf("%d eligible pairs, want 644", eligible)
	}
	t.Logf("%d eligible pairs, %d series: %+v", eligible, 2*eligible, p.Stats())
}
