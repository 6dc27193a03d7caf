package pipeline_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/ingest/atlas"
	"github.com/afsel/afsel/internal/goldentest"
	"github.com/afsel/afsel/networks"
	"github.com/afsel/afsel/pipeline"
	"github.com/afsel/afsel/replay"
	"github.com/afsel/afsel/stats"
	"github.com/afsel/afsel/tables"
)

func golden() pipeline.Input {
	return pipeline.FileInput([]string{goldentest.Data()}, "", ingest.Options{})
}

func run(t *testing.T, cfg pipeline.Config, s pipeline.Stages) *pipeline.Result {
	t.Helper()
	res, err := pipeline.Run(context.Background(), golden(), cfg, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Close() })
	return res
}

// TestStagesAgree: a stage's results do not depend on the other stages run
// in the same pass (the replay takes the tables' classifications when both
// run, and classifies itself alone), nor on the number of workers.
func TestStagesAgree(t *testing.T) {
	cfg := pipeline.Artefacts()
	all := run(t, cfg, pipeline.Stages{Tables: true, Replay: true})
	tab := run(t, cfg, pipeline.Stages{Tables: true})
	cfg.Workers = 1
	rep := run(t, cfg, pipeline.Stages{Replay: true})
	if !reflect.DeepEqual(whole(t, all), whole(t, tab)) || all.Table1 != tab.Table1 || all.Table2 != tab.Table2 {
		t.Error("the tables differ with and without the replay")
	}
	if len(all.Replay) != 800 || !equalReplay(all.Replay, rep.Replay) || all.Steps != rep.Steps {
		t.Errorf("the replay differs with and without the tables (%d, %d pairs; %d, %d steps)", len(all.Replay), len(rep.Replay), all.Steps, rep.Steps)
	}
	if tab.Replay != nil || rep.Tables != nil {
		t.Error("a stage not run has results")
	}
	if got, want := all.Eligible(), 644; got != want || rep.Eligible() != want {
		t.Errorf("eligible %d and %d, want %d", got, rep.Eligible(), want)
	}
}

// TestCountedAsPairsCome: Tables 1 and 2 and the study per network, which a
// run counts as its pairs come, once their segments are packed, equal the
// counts over the pairs whole; with one worker as with two, the segments
// in memory or in a file.
func TestCountedAsPairsCome(t *testing.T) {
	probes, err := atlas.LoadProbes("../testdata/failures/anchors.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		workers int
		memory  int // bytes of segments in memory
	}{{1, 4 << 20}, {2, 4 << 20}, {2, 1000}} {
		restore := pipeline.SetSegmentsInMemory(c.memory)
		defer restore()
		workers := c.workers
		cfg := pipeline.Artefacts()
		cfg.Workers, cfg.Probes, cfg.TempDir = workers, probes, t.TempDir()
		res := run(t, cfg, pipeline.Stages{Tables: true, Replay: true})
		if spilled := pipeline.SegmentsSpilled(res); spilled != (c.memory < 100000) {
			t.Errorf("%d bytes in memory: spilled %v", c.memory, spilled)
		}
		whole := whole(t, res)
		t1, t2 := tables.Summarize(whole)
		if res.Table1 != t1 || res.Table2 != t2 || t2.A == 0 {
			t.Errorf("%d workers: Tables %+v %+v, over the pairs whole %+v %+v", workers, res.Table1, res.Table2, t1, t2)
		}
		if want := networks.Summarize(whole, res.Replay, probes); !reflect.DeepEqual(res.Networks, want) {
			t.Errorf("%d workers: the networks differ from networks.Summarize over the pairs whole", workers)
		}
		var b1, b2 bytes.Buffer
		if err := res.WriteChangePoints(&b1, tables.WriteOptions{Labels: true}); err != nil {
			t.Fatal(err)
		}
		if err := tables.WriteChangePoints(&b2, whole, tables.WriteOptions{Labels: true}); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b1.Bytes(), b2.Bytes()) || !strings.Contains(b1.String(), "],[") {
			t.Errorf("%d workers: change_points.csv written from the packed segments differs", workers)
		}
	}
}

// TestSegmentsStore: a run whose segments outgrow memory and cannot make
// their file fails with that error, once; segments read after Close are an
// error, not a panic.
func TestSegmentsStore(t *testing.T) {
	defer pipeline.SetSegmentsInMemory(1000)()
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := pipeline.Artefacts()
	cfg.TempDir = notDir
	_, err := pipeline.Run(context.Background(), golden(), cfg, pipeline.Stages{Tables: true}, nil)
	if err == nil || !strings.Contains(err.Error(), "segments: ") || strings.Count(err.Error(), "segments:") != 1 {
		t.Errorf("Run with a file for a temporary directory: %v", err)
	}

	cfg.TempDir = t.TempDir()
	res, err := pipeline.Run(context.Background(), golden(), cfg, pipeline.Stages{Tables: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := res.Segments(nil, 0); err != nil {
		t.Fatal(err)
	}
	res.Close()
	if _, err := res.Segments(nil, 0); err == nil {
		t.Error("segments read after Close")
	}
	if err := res.WriteChangePoints(io.Discard, tables.WriteOptions{}); err == nil {
		t.Error("change points written after Close")
	}
}

// TestNetworksNoEligiblePair: with a probe archive, networks.csv is
// written, a header alone, when no pair is eligible.
func TestNetworksNoEligiblePair(t *testing.T) {
	probes, err := atlas.LoadProbes("../testdata/failures/anchors.json")
	if err != nil {
		t.Fatal(err)
	}
	cfg := pipeline.Artefacts()
	cfg.Probes, cfg.Tables.MinTests = probes, 1<<30
	res := run(t, cfg, pipeline.Stages{Tables: true})
	dir := filepath.Join(t.TempDir(), "out")
	if _, err := res.Write(context.Background(), pipeline.Output{Dir: dir, Command: "tables", Version: "test"}, nil); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "networks.csv"))
	if err != nil || bytes.Count(b, []byte("\n")) != 1 {
		t.Errorf("networks.csv: %q, %v", b, err)
	}
}

// whole returns r's pairs with their segments.
func whole(t *testing.T, r *pipeline.Result) []tables.Pair {
	t.Helper()
	tp, err := r.TablesWithSegments()
	if err != nil {
		t.Fatal(err)
	}
	return tp
}

// equalReplay compares replays field by field, NaN equal to NaN.
func equalReplay(a, b []replay.Pair) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		same := func(u, v float64) bool { return u == v || (u != u && v != v) }
		if x.Probe != y.Probe || x.Anchor != y.Anchor || x.N != y.N || x.Eligible != y.Eligible || x.Family != y.Family ||
			x.Class.Zone != y.Class.Zone || !same(x.Class.Gain, y.Class.Gain) || !same(x.Class.Median, y.Class.Median) ||
			!same(x.BestPathChoice, y.BestPathChoice) || !same(x.StaticBestChoice, y.StaticBestChoice) ||
			!same(x.StaticGain, y.StaticGain) || !same(x.ProbeGain, y.ProbeGain) || len(x.Sims) != len(y.Sims) {
			return false
		}
		for g := range x.Sims {
			if !same(x.Sims[g].MedianBestChoice, y.Sims[g].MedianBestChoice) || !same(x.Sims[g].Gain, y.Sims[g].Gain) || !same(x.Sims[g].Regret, y.Sims[g].Regret) {
				return false
			}
		}
	}
	return true
}

func TestProfiles(t *testing.T) {
	art, err := pipeline.Profile("artefacts")
	if err != nil || !reflect.DeepEqual(art, pipeline.Artefacts()) {
		t.Fatalf("Profile(artefacts) = %+v, %v", art, err)
	}
	paper, err := pipeline.Profile("paper")
	if err != nil {
		t.Fatal(err)
	}
	// The prose differs from the code in the interval and the training
	// rounds only.
	want := pipeline.Artefacts()
	want.Profile = "paper"
	want.Tables.Stats.Confidence = 0.98
	want.Replay.Train = 60
	if !reflect.DeepEqual(paper, want) {
		t.Errorf("Paper() = %+v\nwant     %+v", paper, want)
	}
	if _, err := pipeline.Profile("prose"); !errors.Is(err, pipeline.ErrProfile) {
		t.Errorf("Profile(prose): %v, want ErrProfile", err)
	}
	// Normalize hands the tables' eligibility and classification to the
	// replay.
	paper.Normalize()
	if paper.Replay.Stats != stats.PaperConfig() || paper.Replay.MinTests != paper.Tables.MinTests {
		t.Errorf("after Normalize the replay has %+v, %d", paper.Replay.Stats, paper.Replay.MinTests)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*pipeline.Config)
		s    pipeline.Stages
	}{
		{"sweep without replay", func(*pipeline.Config) {}, pipeline.Stages{Tables: true, Sweep: true}},
		{"figures without replay", func(*pipeline.Config) {}, pipeline.Stages{Tables: true, Figures: true}},
		{"one point", func(c *pipeline.Config) { c.Figures.Points = 1 }, pipeline.Stages{Tables: true, Replay: true, Figures: true}},
		{"no gamma", func(c *pipeline.Config) { c.Replay.Gammas = nil }, pipeline.Stages{Replay: true}},
		{"jump 0", func(c *pipeline.Config) { c.Tables.Pelt.Jump = 0 }, pipeline.Stages{Tables: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := pipeline.Artefacts()
			tt.edit(&cfg)
			if _, err := pipeline.Run(context.Background(), golden(), cfg, tt.s, nil); err == nil {
				t.Error("Run accepted the config")
			}
		})
	}
}

// TestWriteSummary: summary.json records the parameters of the stages run,
// and nothing of the others, and lists the files written.
func TestWriteSummary(t *testing.T) {
	dir := t.TempDir()
	res := run(t, pipeline.Artefacts(), pipeline.Stages{Replay: true, Sweep: true})
	sum, err := res.Write(context.Background(), pipeline.Output{Dir: dir, Command: "sweep", Version: "test"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, pipeline.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"replay_parameters", "eligible_pairs_without_probe_family", "exp3_steps", "files", "input", "rows"} {
		if _, ok := m[k]; !ok {
			t.Errorf("summary.json lacks %s", k)
		}
	}
	for _, k := range []string{"tables_parameters", "table1", "nan_quirk_pairs", "figures_parameters"} {
		if _, ok := m[k]; ok {
			t.Errorf("summary.json of a sweep has %s", k)
		}
	}
	want := []string{"simulation_gamma=0.1.csv", "sweep.csv", "replay_metrics.csv", "summary.json"}
	if !reflect.DeepEqual(sum.Files, want) {
		t.Errorf("files %v, want %v", sum.Files, want)
	}
	for _, f := range want {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	if !bytes.Contains(b, []byte(`"sha256": "85229f371b156607299713fdf3f086416ccaee180bb8b9e6e694483a1d733564"`)) {
		t.Error("summary.json lacks the input's digest")
	}
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := pipeline.Run(ctx, golden(), pipeline.Artefacts(), pipeline.Stages{Tables: true, Replay: true, Figures: true}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run on a cancelled context: %v", err)
	}
}

// TestNoTests: an input without paired tests (only a header, or only
// malformed rows skipped) is an error naming it, for every stage, and the
// run writes nothing.
func TestNoTests(t *testing.T) {
	dir := t.TempDir()
	header := "prb_id,anchor_id,start_time,v4_duration,v6_duration\n"
	empty := filepath.Join(dir, "empty.csv")
	os.WriteFile(empty, []byte(header), 0o644)
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte(header+"1,2,2023-06-01 00:00:00 UTC,-1,3\n"), 0o644)
	for _, s := range []pipeline.Stages{{Tables: true}, {Replay: true}, {Tables: true, Replay: true, Figures: true}} {
		for _, path := range []string{empty, bad} {
			in := pipeline.FileInput([]string{path}, "", ingest.Options{SkipBadRows: true})
			_, err := pipeline.Run(context.Background(), in, pipeline.Artefacts(), s, nil)
			if !errors.Is(err, pipeline.ErrNoTests) || !strings.Contains(err.Error(), path) {
				t.Errorf("%+v on %s: %v, want ErrNoTests naming the file", s, filepath.Base(path), err)
			}
		}
	}
}
