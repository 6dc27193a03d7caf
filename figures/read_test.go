package figures_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/afsel/afsel/figures"
	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/pairs"
)

// batch is a record of ingest.Schema (schema) with the rows given; a nil
// time is a null start_time.
func batch(t *testing.T, mem memory.Allocator, schema *arrow.Schema, rows [][5]any) arrow.Record {
	t.Helper()
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	probe, anchor, tm, v4, v6 := ingest.Builders(b)
	for _, r := range rows {
		probe.Append(r[0].(int64))
		anchor.Append(r[1].(int64))
		if r[2] == nil {
			tm.AppendNull()
		} else {
			tm.Append(arrow.Timestamp(r[2].(int64)))
		}
		v4.Append(r[3].(float64))
		v6.Append(r[4].(float64))
	}
	return b.NewRecord()
}

// TestReadPairTimes: a pair's series is in time order with its times from
// an input with times, and in input order without times (Time nil, not
// the zeros the null start_times hold) from one without (CBOR); a pair in
// both kinds of batch is an error.
func TestReadPairTimes(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	k := pairs.Key{Probe: 1, Anchor: 2}
	timed := batch(t, mem, ingest.Schema, [][5]any{
		{int64(1), int64(2), int64(3_000_000), 3.0, 30.0},
		{int64(9), int64(2), int64(1_000_000), 9.0, 90.0},
		{int64(1), int64(2), int64(1_000_000), 1.0, 10.0},
		{int64(1), int64(2), int64(2_000_000), 2.0, 20.0},
	})
	defer timed.Release()
	untimed := batch(t, mem, ingest.UntimedSchema, [][5]any{
		{int64(1), int64(2), nil, 3.0, 30.0},
		{int64(1), int64(2), nil, 1.0, 10.0},
		{int64(9), int64(2), nil, 9.0, 90.0},
	})
	defer untimed.Release()
	read := func(recs ...arrow.Record) (figures.PairSeries, error) {
		rr, err := array.NewRecordReader(recs[0].Schema(), recs)
		if err != nil {
			t.Fatal(err)
		}
		defer rr.Release()
		return figures.ReadPair(context.Background(), rr, k)
	}

	s, err := read(timed)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Time, []int64{1_000_000, 2_000_000, 3_000_000}) || !slices.Equal(s.V4, []float64{1, 2, 3}) {
		t.Errorf("timed: times %v, v4 %v; want in time order", s.Time, s.V4)
	}

	s, err = read(untimed)
	if err != nil {
		t.Fatal(err)
	}
	if s.Time != nil || !slices.Equal(s.V4, []float64{3, 1}) || !slices.Equal(s.V6, []float64{30, 10}) {
		t.Errorf("untimed: times %v, v4 %v, v6 %v; want no times, input order", s.Time, s.V4, s.V6)
	}

	// A batch with times and one without, of one schema.
	withTimes := batch(t, mem, ingest.UntimedSchema, [][5]any{{int64(1), int64(2), int64(5), 4.0, 40.0}})
	defer withTimes.Release()
	if _, err := read(withTimes, untimed); !errors.Is(err, ingest.ErrBadRow) {
		t.Errorf("a pair with and without times: err %v, want ErrBadRow", err)
	}
}

// TestReadPairCBOR: a pair read from a paths.cbor file has no times.
func TestReadPairCBOR(t *testing.T) {
	path := filepath.Join(t.TempDir(), "paths.cbor")
	w, err := ingest.CreateCBOR(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(1, 2, []float64{5, 6, 7}, []float64{50, 60, 70}); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := ingest.NewCBORReader(bytes.NewReader(b), ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	s, err := figures.ReadPair(context.Background(), r, pairs.Key{Probe: 1, Anchor: 2})
	if err != nil {
		t.Fatal(err)
	}
	if s.Time != nil || !slices.Equal(s.V4, []float64{5, 6, 7}) {
		t.Errorf("times %v, v4 %v; want no times, the file's order", s.Time, s.V4)
	}
}
