package replay_test

import (
	"context"
	"math"
	"strconv"
	"testing"

	"github.com/afsel/afsel/internal/testfs"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/internal/goldentest"
	"github.com/afsel/afsel/pipeline"
	"github.com/afsel/afsel/replay"
)

const goldenDir = "../testdata/golden/"

// replayGolden replays the golden set with cfg, as afsel replay does.
func replayGolden(t *testing.T, cfg replay.Config) *pipeline.Result {
	t.Helper()
	pc := pipeline.Artefacts()
	pc.Replay, pc.Workers = cfg, cfg.Workers
	in := pipeline.FileInput([]string{goldentest.Data()}, "", ingest.Options{})
	res, err := pipeline.Run(context.Background(), in, pc, pipeline.Stages{Replay: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Close() })
	return res
}

func parse(t *testing.T, s string) float64 {
	t.Helper()
	if s == "" {
		return math.NaN()
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// same is exact equality with NaN equal to NaN.
func same(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }

// TestGolden checks every pair's replay against the artefacts'
// ripe_simulation.csv: the three ratios exactly, the zone, the median
// duration exactly and the gain within 1e-12. It runs with the vector
// kernel, where the machine has one, and with the portable loop.
func TestGolden(t *testing.T) {
	t.Run("kernel", func(t *testing.T) {
		if !replay.HasKernel() {
			t.Skip("no vector kernel on this machine")
		}
		testGolden(t)
	})
	t.Run("portable", func(t *testing.T) {
		defer replay.UseKernel(false)()
		testGolden(t)
	})
}

func testGolden(t *testing.T) {
	res := replayGolden(t, replay.DefaultConfig())
	type key struct{ p, a int64 }
	got := make(map[key]*replay.Pair)
	for i := range res.Replay {
		got[key{res.Replay[i].Probe, res.Replay[i].Anchor}] = &res.Replay[i]
	}
	recs := testfs.ReadCSV(t, goldenDir+"ripe_simulation.csv")[1:]
	if len(recs) != len(res.Replay) {
		t.Fatalf("%d pairs, artefacts have %d", len(res.Replay), len(recs))
	}
	var eligible int
	for _, r := range recs {
		k := key{int64(parse(t, r[1])), int64(parse(t, r[2]))}
		p := got[k]
		if p == nil {
			t.Fatalf("pair %v missing", k)
		}
		if r[3] == "" {
			if p.Eligible {
				t.Errorf("pair %v eligible, the artefacts skipped it", k)
			}
			continue
		}
		eligible++
		if !p.Eligible {
			t.Errorf("pair %v not eligible", k)
			continue
		}
		if z := parse(t, r[3]); float64(p.Class.Zone) != z {
			t.Errorf("pair %v zone %d, want %v", k, p.Class.Zone, z)
		}
		if g := parse(t, r[4]); math.Abs(p.Class.Gain-g) > 1e-12*math.Abs(g) {
			t.Errorf("pair %v avg_expected_gain %v, want %v", k, p.Class.Gain, g)
		}
		checks := []struct {
			name      string
			got, want float64
		}{
			{"median_duration", p.Class.Median, parse(t, r[5])},
			{"median_best_choice", p.Sims[0].MedianBestChoice, parse(t, r[6])},
			{"best_path_choice", p.BestPathChoice, parse(t, r[7])},
			{"static_best_choice", p.StaticBestChoice, parse(t, r[8])},
		}
		for _, c := range checks {
			if !same(c.got, c.want) {
				t.Errorf("pair %v %s %v, want %v", k, c.name, c.got, c.want)
			}
		}
	}
	if eligible != 644 {
		t.Errorf("%d eligible rows in the artefacts' file, want 644", eligible)
	}
	if res.Steps != 19624700 {
		t.Errorf("%d EXP3 steps, the artefacts' timings report 19624700", res.Steps)
	}
}
