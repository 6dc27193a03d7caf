package pipeline_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"strconv"
	"testing"

	"github.com/afsel/afsel/failures"
	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/ingest/atlas"
	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/pipeline"
	"github.com/afsel/afsel/replay"
	"github.com/afsel/afsel/tables"
)

const failuresDir = "../testdata/failures/"

// atlasInput pairs the raw results with failures placed inside pairs.
func atlasInput(t *testing.T, keep bool) pipeline.Input {
	anchors, err := atlas.LoadAnchors(failuresDir + "anchors.json")
	if err != nil {
		t.Fatal(err)
	}
	return pipeline.Input{
		Open: func() (ingest.Reader, error) {
			return atlas.Open(context.Background(), []string{failuresDir + "results.jsonl.bz2"}, atlas.Options{Anchors: anchors, KeepFailures: keep})
		},
		Describe: func() (pipeline.InputInfo, error) { return pipeline.InputInfo{Path: "results.jsonl.bz2"}, nil },
	}
}

// TestAtlasFailuresEndToEnd runs the study with failures on the raw
// results: every pair's failure counts equal truth.csv, and Tables 1 and 2
// and the replay equal those of the default pairing, which keeps the
// paired_ok rows only.
func TestAtlasFailuresEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 414,198 raw results twice")
	}
	ctx := context.Background()
	cfg := pipeline.Artefacts()
	cfg.Replay.Runs = 5
	kept, err := pipeline.Run(ctx, atlasInput(t, true), cfg, pipeline.Stages{Tables: true, Replay: true, Failures: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer kept.Close()
	plain, err := pipeline.Run(ctx, atlasInput(t, false), cfg, pipeline.Stages{Tables: true, Replay: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if plain.Group.Rows != 203643 {
		t.Errorf("default pairing: %d rows, want 203,643", plain.Group.Rows)
	}
	outputs := func(r *pipeline.Result) []byte {
		var b bytes.Buffer
		tables.WriteTable(&b, tables.Rows1(r.Table1))
		tables.WriteTable(&b, tables.Rows2(r.Table2))
		tables.WriteFlows(&b, r.Tables)
		replay.WriteSimulation(&b, r.Replay, 0)
		return b.Bytes()
	}
	if !bytes.Equal(outputs(kept), outputs(plain)) {
		t.Error("tables and replay differ with failed tests kept")
	}

	f, err := os.Open(failuresDir + "truth.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := map[pairs.Key]failures.Pair{}
	for _, p := range kept.FailurePairs {
		got[pairs.Key{Probe: p.Probe, Anchor: p.Anchor}] = p
	}
	if len(got) != len(recs)-1 {
		t.Errorf("%d pairs, truth has %d", len(got), len(recs)-1)
	}
	num := func(s string) int64 {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, r := range recs[1:] { // prb_id,anchor_id,v4_tests,v4_failed,v6_tests,v6_failed,paired_ok
		k := pairs.Key{Probe: num(r[0]), Anchor: num(r[1])}
		p := got[k]
		if p.Tests != [2]int64{num(r[2]), num(r[4])} || p.Failed != [2]int64{num(r[3]), num(r[5])} {
			t.Errorf("pair %v: tests %v failed %v, truth %v", k, p.Tests, p.Failed, r[2:6])
		}
	}
	if kept.PoliciesFailures == nil {
		t.Fatal("no comparison with failures")
	}
}
