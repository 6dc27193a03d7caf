package bigquery

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	bq "cloud.google.com/go/bigquery"
	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"google.golang.org/api/iterator"

	"github.com/afsel/afsel/ingest"
)

type arrowRecord = arrow.Record

// Schema returns the ingest schema, or ingest.FailuresSchema for a failures
// query.
func (r *reader) Schema() *arrow.Schema { return r.schema }

// Next moves to the next batch.
func (r *reader) Next() bool {
	r.releaseRec()
	if r.err != nil {
		return false
	}
	rec, n, ok, err := r.src.next()
	if err != nil {
		r.err = err
		return false
	}
	if !ok {
		if r.resultRows != r.total {
			r.err = fmt.Errorf("%w: read %d result rows, the job's destination table has %d", ErrIncomplete, r.resultRows, r.total)
		}
		return false
	}
	r.resultRows += n
	r.progress.Rows.Add(rec.NumRows())
	r.cur = rec
	return true
}

// Record returns the current batch, valid until Next or Release.
func (r *reader) Record() arrow.Record { return r.cur }

// Err returns the first error met.
func (r *reader) Err() error { return r.err }

// Retain increases the reference count.
func (r *reader) Retain() { r.refs.Add(1) }

// Release decreases the reference count and frees the batch at zero.
func (r *reader) Release() {
	if r.refs.Add(-1) != 0 {
		return
	}
	r.releaseRec()
	r.src.release()
}

func (r *reader) releaseRec() {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
}

// arrowSource decodes the Storage Read API's Arrow batches.
type arrowSource struct {
	it      bq.ArrowIterator
	schema  []byte // the serialized schema message
	conv    converter
	mem     memory.Allocator
	prog    *Progress
	streams map[string]bool
}

func newArrowSource(it bq.ArrowIterator, cfg *Config) (*arrowSource, error) {
	s := &arrowSource{it: it, schema: it.SerializedArrowSchema(), conv: newConverter(cfg), mem: cfg.Allocator, prog: cfg.Progress, streams: map[string]bool{}}
	r, err := ipc.NewReader(bytes.NewReader(s.schema), ipc.WithAllocator(s.mem))
	if err != nil {
		return nil, fmt.Errorf("bigquery: read session schema: %w", err)
	}
	defer r.Release()
	if _, err := s.conv.check(r.Schema()); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *arrowSource) next() (arrow.Record, int64, bool, error) {
	for {
		batch, err := s.it.Next()
		if errors.Is(err, iterator.Done) {
			return nil, 0, false, nil
		}
		if err != nil {
			return nil, 0, false, err
		}
		if batch == nil { // the client's channels closed under it: ask again
			time.Sleep(time.Millisecond)
			continue
		}
		if !s.streams[batch.PartitionID] {
			s.streams[batch.PartitionID] = true
			s.prog.Streams.Store(int64(len(s.streams)))
		}
		s.prog.Bytes.Add(int64(len(batch.Data)))
		rec, err := s.decode(batch.Data)
		if err != nil {
			return nil, 0, false, fmt.Errorf("bigquery: stream %s: %w", batch.PartitionID, err)
		}
		out, err := s.conv.convert(rec)
		n := rec.NumRows()
		rec.Release()
		if err != nil {
			return nil, 0, false, fmt.Errorf("bigquery: stream %s: %w", batch.PartitionID, err)
		}
		return out, n, true, nil
	}
}

func (s *arrowSource) decode(data []byte) (arrow.Record, error) {
	r, err := ipc.NewReader(io.MultiReader(bytes.NewReader(s.schema), bytes.NewReader(data)), ipc.WithAllocator(s.mem))
	if err != nil {
		return nil, fmt.Errorf("decode Arrow batch: %w", err)
	}
	defer r.Release()
	if !r.Next() {
		if err := r.Err(); err != nil {
			return nil, fmt.Errorf("decode Arrow batch: %w", err)
		}
		return nil, errors.New("decode Arrow batch: no record")
	}
	rec := r.Record()
	rec.Retain()
	return rec, nil
}

func (s *arrowSource) release() {}

// converter turns a result batch into an ingest-schema batch, or a
// FailuresSchema batch for a failures query.
type converter struct {
	series   bool
	failures bool
	mem      memory.Allocator
}

func newConverter(cfg *Config) converter {
	return converter{series: cfg.Series, failures: cfg.Failures, mem: cfg.Allocator}
}

// errOutcomeCols: a failures query's result read as the authors' query's,
// where the failed tests' durations would pass for those of tests that
// worked.
var errOutcomeCols = errors.New("bigquery: the result has the outcome columns of a failures query: set Config.Failures to read it")

var wantCols = []string{ingest.ColProbe, ingest.ColAnchor, ingest.ColStartTime, ingest.ColV4, ingest.ColV6}

// cols returns the names of the result columns c reads, in the order
// check returns their indices.
func (c converter) cols() []string {
	if c.failures {
		return failureResultCols
	}
	return wantCols
}

// check finds the columns c needs in s and checks their types; it returns
// their indices in the order of c.cols.
func (c converter) check(s *arrow.Schema) ([]int, error) {
	if !c.failures && s.HasField(failureResultCols[len(wantCols)]) {
		return nil, errOutcomeCols
	}
	names := c.cols()
	idx := make([]int, len(names))
	for i, name := range names {
		js := s.FieldIndices(name)
		if len(js) != 1 {
			return nil, fmt.Errorf("bigquery: result has no column %q (columns: %s)", name, s)
		}
		idx[i] = js[0]
		t := s.Field(js[0]).Type
		if c.series && i >= ingest.IdxStartTime {
			lt, ok := t.(*arrow.ListType)
			if !ok {
				return nil, fmt.Errorf("bigquery: column %s is %s, want a list (paired_series.sql)", name, t)
			}
			t = lt.Elem()
		}
		want := resultColType(i)
		ok := arrow.TypeEqual(t, want)
		if ts, isTS := t.(*arrow.TimestampType); isTS && i == ingest.IdxStartTime {
			ok = ts.Unit == arrow.Microsecond && (ts.TimeZone == "UTC" || ts.TimeZone == "Etc/UTC" || ts.TimeZone == "+00:00")
		}
		if !ok {
			return nil, fmt.Errorf("bigquery: column %s is %s, want %s", name, t, want)
		}
	}
	return idx, nil
}

func (c converter) convert(rec arrow.Record) (arrow.Record, error) {
	idx, err := c.check(rec.Schema())
	if err != nil {
		return nil, err
	}
	if c.failures {
		return c.convertFailures(rec, idx)
	}
	if !c.series {
		cols := make([]arrow.Array, len(idx))
		for i, j := range idx {
			col := rec.Column(j)
			if i == ingest.IdxStartTime { // retype to exactly ingest.TimestampType
				d := col.Data()
				nd := array.NewData(ingest.TimestampType, d.Len(), d.Buffers(), nil, d.NullN(), d.Offset())
				col = array.MakeFromData(nd)
				nd.Release()
			} else {
				col.Retain()
			}
			cols[i] = col
		}
		out := array.NewRecord(ingest.Schema, cols, rec.NumRows())
		for _, col := range cols {
			col.Release()
		}
		return out, nil
	}
	b := array.NewRecordBuilder(c.mem, ingest.Schema)
	defer b.Release()
	prb := rec.Column(idx[0]).(*array.Int64)
	anc := rec.Column(idx[1]).(*array.Int64)
	ts := rec.Column(idx[2]).(*array.List)
	v4 := rec.Column(idx[3]).(*array.List)
	v6 := rec.Column(idx[4]).(*array.List)
	tsv := ts.ListValues().(*array.Timestamp)
	v4v := v4.ListValues().(*array.Float64)
	v6v := v6.ListValues().(*array.Float64)
	bp, ba, bt, b4, b6 := ingest.Builders(b)
	for i := 0; i < int(rec.NumRows()); i++ {
		t0, t1 := ts.ValueOffsets(i)
		a0, a1 := v4.ValueOffsets(i)
		c0, c1 := v6.ValueOffsets(i)
		if t1-t0 != a1-a0 || t1-t0 != c1-c0 {
			return nil, fmt.Errorf("bigquery: row %d: arrays of %d times, %d v4 and %d v6 durations", i, t1-t0, a1-a0, c1-c0)
		}
		for k := int64(0); k < t1-t0; k++ {
			appendInt(bp, prb, i)
			appendInt(ba, anc, i)
			if tsv.IsNull(int(t0 + k)) {
				bt.AppendNull()
			} else {
				bt.Append(tsv.Value(int(t0 + k)))
			}
			appendFloat(b4, v4v, int(a0+k))
			appendFloat(b6, v6v, int(c0+k))
		}
	}
	return b.NewRecord(), nil
}

func appendInt(b *array.Int64Builder, a *array.Int64, i int) {
	if a.IsNull(i) {
		b.AppendNull()
		return
	}
	b.Append(a.Value(i))
}

func appendFloat(b *array.Float64Builder, a *array.Float64, i int) {
	if a.IsNull(i) {
		b.AppendNull()
		return
	}
	b.Append(a.Value(i))
}

// restSource pages rows over REST (jobs.getQueryResults) into batches.
type restSource struct {
	it     *bq.RowIterator
	conv   converter
	schema *arrow.Schema // of the batches made
	mem    memory.Allocator
	batch  int
	idx    []int
	done   bool
	first  []bq.Value // a row already read from it (restFallback), to return first
}

func newRESTSource(it *bq.RowIterator, cfg *Config) *restSource {
	return &restSource{it: it, conv: newConverter(cfg), schema: outputSchema(cfg), mem: cfg.Allocator, batch: cfg.BatchRows}
}

func (s *restSource) next() (arrow.Record, int64, bool, error) {
	if s.done {
		return nil, 0, false, nil
	}
	b := array.NewRecordBuilder(s.mem, s.schema)
	defer b.Release()
	var n int64
	for b.Field(0).Len() < s.batch {
		var row []bq.Value
		var err error
		if s.first != nil {
			row, s.first = s.first, nil
		} else {
			err = s.it.Next(&row)
		}
		if errors.Is(err, iterator.Done) {
			s.done = true
			break
		}
		if err != nil {
			return nil, 0, false, err
		}
		if s.idx == nil {
			if s.idx, err = s.conv.restColumns(s.it.Schema); err != nil {
				return nil, 0, false, err
			}
		}
		if err := s.appendRow(b, row); err != nil {
			return nil, 0, false, fmt.Errorf("bigquery: result row %d: %w", s.it.StartIndex+uint64(n), err)
		}
		n++
	}
	if n == 0 {
		return nil, 0, false, nil
	}
	return b.NewRecord(), n, true, nil
}

func (c converter) restColumns(schema bq.Schema) ([]int, error) {
	names := c.cols()
	if !c.failures {
		for _, f := range schema {
			if f.Name == failureResultCols[len(wantCols)] {
				return nil, errOutcomeCols
			}
		}
	}
	idx := make([]int, len(names))
	for i, name := range names {
		idx[i] = -1
		for j, f := range schema {
			if f.Name == name {
				idx[i] = j
			}
		}
		if idx[i] < 0 {
			return nil, fmt.Errorf("bigquery: result has no column %q", name)
		}
	}
	return idx, nil
}

func (s *restSource) appendRow(b *array.RecordBuilder, row []bq.Value) error {
	get := func(i int) bq.Value { return row[s.idx[i]] }
	if s.conv.failures {
		return s.conv.appendFailuresRow(b, row, s.idx)
	}
	if !s.conv.series {
		return appendValues(b, get(0), get(1), get(2), get(3), get(4))
	}
	ts, ok1 := get(2).([]bq.Value)
	v4, ok2 := get(3).([]bq.Value)
	v6, ok3 := get(4).([]bq.Value)
	if !ok1 || !ok2 || !ok3 || len(ts) != len(v4) || len(ts) != len(v6) {
		return errors.New("series arrays missing or of different lengths")
	}
	for k := range ts {
		if err := appendValues(b, get(0), get(1), ts[k], v4[k], v6[k]); err != nil {
			return err
		}
	}
	return nil
}

func appendValues(b *array.RecordBuilder, vals ...bq.Value) error {
	for i, v := range vals {
		if v == nil {
			b.Field(i).AppendNull()
			continue
		}
		var ok bool
		switch fb := b.Field(i).(type) {
		case *array.Int64Builder:
			var x int64
			if x, ok = v.(int64); ok {
				fb.Append(x)
			}
		case *array.Float64Builder:
			var x float64
			if x, ok = v.(float64); ok {
				fb.Append(x)
			}
		case *array.TimestampBuilder:
			var t time.Time
			if t, ok = v.(time.Time); ok {
				fb.Append(arrow.Timestamp(t.UnixMicro()))
			}
		}
		if !ok {
			return fmt.Errorf("column %s: unexpected %T", wantCols[i], v)
		}
	}
	return nil
}

func (s *restSource) release() {}

// budget counts transient Storage Read failures seen by the gRPC client and
// cancels the run when there are more than max.
type budget struct {
	max      int64
	cancel   context.CancelCauseFunc
	progress *Progress
	once     sync.Once
	mu       sync.Mutex
	lastErr  error
}
