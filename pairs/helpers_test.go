package pairs_test

import (
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/afsel/afsel/ingest"
)

// row is one paired test of the ingest schema.
type row struct {
	Probe, Anchor, Time int64
	V4, V6              float64
}

// memReader is an in-memory ingest.Reader over records.
type memReader struct {
	array.RecordReader
	rows int64
}

func (r *memReader) Stats() ingest.Stats {
	return ingest.Stats{RowsRead: r.rows, RowsKept: r.rows}
}

// checkedAlloc returns an allocator that fails t if anything allocated
// from it is still held when t ends.
func checkedAlloc(t testing.TB) memory.Allocator {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}

// record builds one ingest-schema record.
func record(mem memory.Allocator, rows []row) arrow.Record {
	b := array.NewRecordBuilder(mem, ingest.Schema)
	defer b.Release()
	for _, r := range rows {
		b.Field(ingest.IdxProbe).(*array.Int64Builder).Append(r.Probe)
		b.Field(ingest.IdxAnchor).(*array.Int64Builder).Append(r.Anchor)
		b.Field(ingest.IdxStartTime).(*array.TimestampBuilder).Append(arrow.Timestamp(r.Time))
		b.Field(ingest.IdxV4).(*array.Float64Builder).Append(r.V4)
		b.Field(ingest.IdxV6).(*array.Float64Builder).Append(r.V6)
	}
	return b.NewRecord()
}

// newReader returns a reader of one record per batch. Release it.
func newReader(t testing.TB, mem memory.Allocator, batches ...[]row) ingest.Reader {
	t.Helper()
	recs := make([]arrow.Record, len(batches))
	for i, b := range batches {
		recs[i] = record(mem, b)
	}
	r, err := newRecordReader(recs)
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs {
		rec.Release() // the reader holds them
	}
	return r
}

// newRecordReader returns a reader of recs, which it retains.
func newRecordReader(recs []arrow.Record) (ingest.Reader, error) {
	rr, err := array.NewRecordReader(ingest.Schema, recs)
	if err != nil {
		return nil, err
	}
	var n int64
	for _, rec := range recs {
		n += rec.NumRows()
	}
	return &memReader{RecordReader: rr, rows: n}, nil
}

// split cuts rows into batches of at most size rows.
func split(rows []row, size int) [][]row {
	var out [][]row
	for len(rows) > size {
		out = append(out, rows[:size])
		rows = rows[size:]
	}
	return append(out, rows)
}
