package pipeline_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/afsel/afsel/failures"
	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/outcome"
	"github.com/afsel/afsel/pipeline"
	"github.com/afsel/afsel/replay"
	"github.com/afsel/afsel/synth"
	"github.com/afsel/afsel/tables"
)

// synthInput is synthetic data with failed tests; with drop, the rows with
// a failed test are left out (ingest.DropFailures), as the authors' query
// leaves them out.
func synthInput(t *testing.T, pairs int, drop bool) pipeline.Input {
	cfg := synth.DefaultConfig()
	cfg.Pairs, cfg.Seed, cfg.Failures = pairs, 5, true
	return pipeline.Input{
		Open: func() (ingest.Reader, error) {
			r, err := synth.New(context.Background(), cfg)
			if err != nil {
				return nil, err
			}
			if !drop {
				return r, nil
			}
			return &dropReader{Reader: r}, nil
		},
		Describe: func() (pipeline.InputInfo, error) { return pipeline.InputInfo{Synthetic: true}, nil },
	}
}

// dropReader drops the rows with a failed test of a FailuresSchema reader.
type dropReader struct {
	ingest.Reader
	rec     arrow.Record
	dropped map[string]int64
}

func (d *dropReader) Schema() *arrow.Schema { return ingest.Schema }
func (d *dropReader) Record() arrow.Record  { return d.rec }
func (d *dropReader) Next() bool {
	if d.rec != nil {
		d.rec.Release()
		d.rec = nil
	}
	for d.Reader.Next() {
		rec, err := ingest.DropFailures(memory.DefaultAllocator, d.Reader.Record(), &d.dropped)
		if err != nil {
			panic(err)
		}
		if rec != nil {
			d.rec = rec
			return true
		}
	}
	return false
}

// TestFailuresLeaveTheStudyUnchanged: with failed tests kept, Tables 1 and
// 2 and the replay are those of the same data without the rows with a
// failed test; the failure counts are the input's.
func TestFailuresLeaveTheStudyUnchanged(t *testing.T) {
	ctx := context.Background()
	cfg := pipeline.Artefacts()
	cfg.Replay.Runs = 10
	kept, err := pipeline.Run(ctx, synthInput(t, 300, false), cfg, pipeline.Stages{Tables: true, Replay: true, Failures: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer kept.Close()
	plain, err := pipeline.Run(ctx, synthInput(t, 300, true), cfg, pipeline.Stages{Tables: true, Replay: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	outputs := func(r *pipeline.Result) []byte {
		var b bytes.Buffer
		tables.WriteTable(&b, tables.Rows1(r.Table1))
		tables.WriteTable(&b, tables.Rows2(r.Table2))
		tables.WriteFlows(&b, r.Tables)
		r.WriteChangePoints(&b, tables.WriteOptions{})
		replay.WriteSimulation(&b, r.Replay, 0)
		return b.Bytes()
	}
	if a, b := outputs(kept), outputs(plain); !bytes.Equal(a, b) {
		t.Errorf("tables and replay differ with failed tests kept (%d and %d bytes)", len(a), len(b))
	}

	// The failure counts, from the raw batches.
	r, err := synthInput(t, 300, false).Open()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	var want [2]map[outcome.Code]int64
	want[0], want[1] = map[outcome.Code]int64{}, map[outcome.Code]int64{}
	var rows int64
	for r.Next() {
		rec := r.Record()
		for i := range int(rec.NumRows()) {
			for f, col := range []int{ingest.IdxV4Outcome, ingest.IdxV6Outcome} {
				c, err := outcome.Parse(rec.Column(col).(*array.String).Value(i))
				if err != nil {
					t.Fatal(err)
				}
				if c.Failed() {
					want[f][c]++
				}
			}
			rows++
		}
	}
	var got [2]map[outcome.Code]int64
	got[0], got[1] = map[outcome.Code]int64{}, map[outcome.Code]int64{}
	var tests int64
	for _, p := range kept.FailurePairs {
		tests += p.Tests[failures.V4]
		for f := range 2 {
			for _, c := range outcome.Failures() {
				if n := p.Outcome(f, c); n > 0 {
					got[f][c] += n
				}
			}
		}
	}
	if tests != rows {
		t.Errorf("%d tests counted, the input has %d rows", tests, rows)
	}
	for f := range 2 {
		if len(want[f]) == 0 {
			t.Fatalf("family %d: no failures in the synthetic data", f)
		}
		for c, n := range want[f] {
			if got[f][c] != n {
				t.Errorf("family %d %v: %d failures counted, want %d", f, c, got[f][c], n)
			}
		}
	}
	if p := kept.PoliciesFailures; p == nil || len(p.Labels) == 0 {
		t.Fatal("no comparison with failures")
	}
}

// TestFailuresNeedTheReplay: the stage is refused without the replay.
func TestFailuresNeedTheReplay(t *testing.T) {
	_, err := pipeline.Run(context.Background(), synthInput(t, 10, false), pipeline.Artefacts(), pipeline.Stages{Tables: true, Failures: true}, nil)
	if err == nil {
		t.Fatal("no error")
	}
}
