package pipeline_test

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/afsel/afsel/internal/testfs"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/internal/goldentest"
	"github.com/afsel/afsel/pipeline"
)

// files lists dir's files, relative, sorted.
func files(t *testing.T, dir string) []string {
	return slices.Sorted(maps.Keys(testfs.Files(t, dir)))
}

// quick is a config that replays fast.
func quick() pipeline.Config {
	c := pipeline.Artefacts()
	c.Replay.Runs = 3
	return c
}

// write runs stages on in and writes them into dir as command.
func write(t *testing.T, in pipeline.Input, s pipeline.Stages, dir, command string, force bool, edit ...func(*pipeline.Config)) error {
	t.Helper()
	cfg := quick()
	for _, e := range edit {
		e(&cfg)
	}
	res, err := pipeline.Run(context.Background(), in, cfg, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	_, err = res.Write(context.Background(), pipeline.Output{Dir: dir, Command: command, Force: force}, nil)
	return err
}

// otherInput is the golden tests in another order: another file, another
// digest.
func otherInput(t *testing.T) pipeline.Input {
	path := filepath.Join(t.TempDir(), "other.csv")
	if err := os.WriteFile(path, goldentest.Reversed(t), 0o644); err != nil {
		t.Fatal(err)
	}
	return pipeline.FileInput([]string{path}, "", ingest.Options{})
}

var (
	tablesStage = pipeline.Stages{Tables: true}
	replayStage = pipeline.Stages{Replay: true}
	sweepStage  = pipeline.Stages{Replay: true, Sweep: true}
)

// TestSharedDirectory: runs of different commands on one input share a
// directory and keep each other's records; a run of the same command
// replaces its earlier files, stale ones included; entries afsel did not
// write stay.
func TestSharedDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644)
	if err := write(t, golden(), tablesStage, dir, "tables", false); err != nil {
		t.Fatal(err)
	}
	gammas := func(g ...float64) func(*pipeline.Config) { return func(c *pipeline.Config) { c.Replay.Gammas = g } }
	if err := write(t, golden(), sweepStage, dir, "sweep", false, gammas(0.1, 0.5)); err != nil {
		t.Fatal(err)
	}
	if err := write(t, golden(), sweepStage, dir, "sweep", false, gammas(0.2)); err != nil {
		t.Fatal(err)
	}
	want := []string{"change_points.csv", "flows.csv", "manifest.json", "notes.txt", "replay_metrics.csv",
		"simulation_gamma=0.2.csv", "summary.json", "sweep.csv", "table1.csv", "table2.csv"}
	if got := files(t, dir); !reflect.DeepEqual(got, want) {
		t.Errorf("the directory holds %v\nwant %v", got, want)
	}
	m, err := pipeline.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Runs) != 2 || m.Runs[0].Command != "tables" || m.Runs[1].Command != "sweep" ||
		m.Runs[0].Tables == nil || m.Runs[0].Tables.Pelt.Penalty != 5 || !reflect.DeepEqual(m.Runs[1].Replay.Gammas, []float64{0.2}) {
		t.Errorf("manifest %+v", m.Runs)
	}
}

// TestOtherInput: a directory holding the outputs of a run on another input
// is refused, and left as it was, unless forced; forced, nothing of the
// other run is left.
func TestOtherInput(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if err := write(t, golden(), replayStage, dir, "replay", false); err != nil {
		t.Fatal(err)
	}
	before := files(t, dir)
	err := write(t, otherInput(t), tablesStage, dir, "tables", false)
	if !errors.Is(err, pipeline.ErrOtherInput) {
		t.Fatalf("a run on another input: %v, want ErrOtherInput", err)
	}
	if got := files(t, dir); !reflect.DeepEqual(got, before) {
		t.Errorf("a refused run changed the directory: %v, was %v", got, before)
	}
	if err := write(t, otherInput(t), tablesStage, dir, "tables", true); err != nil {
		t.Fatal(err)
	}
	want := []string{"change_points.csv", "flows.csv", "manifest.json", "summary.json", "table1.csv", "table2.csv"}
	if got := files(t, dir); !reflect.DeepEqual(got, want) {
		t.Errorf("forced, the directory holds %v, want %v", got, want)
	}
	if m, _ := pipeline.ReadManifest(dir); len(m.Runs) != 1 {
		t.Errorf("forced, the manifest has %d runs", len(m.Runs))
	}
}

// TestUnrecordedOutputs: files of afsel's output names that no record
// names (an older afsel's, or the user's own) are neither mixed with the
// new outputs nor deleted unasked: the run is refused, and --force replaces
// them. Other files are kept.
func TestUnrecordedOutputs(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	os.MkdirAll(filepath.Join(dir, "figures"), 0o755)
	for _, f := range []string{"policies.csv", "simulation_gamma=1.csv", "figures/fig1.png", "own.csv", "coverage.out"} {
		os.WriteFile(filepath.Join(dir, f), []byte("old"), 0o644)
	}
	before := files(t, dir)
	err := write(t, golden(), tablesStage, dir, "tables", false)
	if !errors.Is(err, pipeline.ErrUnrecorded) || !strings.Contains(err.Error(), "figures, policies.csv, simulation_gamma=1.csv") {
		t.Fatalf("unforced: %v, want ErrUnrecorded naming the three", err)
	}
	if got := files(t, dir); !reflect.DeepEqual(got, before) {
		t.Errorf("a refused run changed the directory: %v", got)
	}
	if err := write(t, golden(), tablesStage, dir, "tables", true); err != nil {
		t.Fatal(err)
	}
	want := []string{"change_points.csv", "coverage.out", "flows.csv", "manifest.json", "own.csv", "summary.json", "table1.csv", "table2.csv"}
	if got := files(t, dir); !reflect.DeepEqual(got, want) {
		t.Errorf("the directory holds %v, want %v", got, want)
	}
}

// TestOtherInputSameCommand: a run of the same command, or one that
// rewrites the same files, on another input is refused as well.
func TestOtherInputSameCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if err := write(t, golden(), tablesStage, dir, "tables", false); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"tables", "reproduce"} {
		if err := write(t, otherInput(t), tablesStage, dir, cmd, false); !errors.Is(err, pipeline.ErrOtherInput) {
			t.Errorf("%s on another input: %v, want ErrOtherInput", cmd, err)
		}
	}
}

// TestWriteCancelled: a cancelled write leaves the directory as it was,
// creates none where there was none, and leaves nothing beside it.
func TestWriteCancelled(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	if err := write(t, golden(), tablesStage, dir, "tables", false); err != nil {
		t.Fatal(err)
	}
	before := files(t, dir)
	res, err := pipeline.Run(context.Background(), golden(), quick(), pipeline.Stages{Tables: true, Replay: true, Figures: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, d := range []string{dir, filepath.Join(parent, "new")} {
		if _, err := res.Write(ctx, pipeline.Output{Dir: d, Command: "reproduce"}, nil); !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled Write into %s: %v", d, err)
		}
	}
	if got := files(t, dir); !reflect.DeepEqual(got, before) {
		t.Errorf("the directory holds %v, was %v", got, before)
	}
	if names := testfs.Names(t, parent); !reflect.DeepEqual(names, []string{"out"}) {
		t.Errorf("beside the output directory: %v", names)
	}
}
