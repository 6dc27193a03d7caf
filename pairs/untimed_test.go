package pairs_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/pairs"
)

// untimedRecord builds a record of ingest.UntimedSchema: every start_time
// null, as the CBOR reader emits.
func untimedRecord(mem memory.Allocator, rows []row) arrow.Record {
	b := array.NewRecordBuilder(mem, ingest.UntimedSchema)
	defer b.Release()
	for _, r := range rows {
		b.Field(ingest.IdxProbe).(*array.Int64Builder).Append(r.Probe)
		b.Field(ingest.IdxAnchor).(*array.Int64Builder).Append(r.Anchor)
		b.Field(ingest.IdxStartTime).AppendNull()
		b.Field(ingest.IdxV4).(*array.Float64Builder).Append(r.V4)
		b.Field(ingest.IdxV6).(*array.Float64Builder).Append(r.V6)
	}
	return b.NewRecord()
}

// sliceReader reads recs, whose schemas may differ.
type sliceReader struct {
	recs []arrow.Record
	i    int
}

func (r *sliceReader) Schema() *arrow.Schema { return ingest.Schema }
func (r *sliceReader) Next() bool            { r.i++; return r.i <= len(r.recs) }
func (r *sliceReader) Record() arrow.Record  { return r.recs[r.i-1] }
func (r *sliceReader) Err() error            { return nil }
func (r *sliceReader) Retain()               {}
func (r *sliceReader) Release() {
	for _, rec := range r.recs {
		rec.Release()
	}
	r.recs = nil
}

func TestUntimed(t *testing.T) {
	group := map[string]func(context.Context, array.RecordReader, func(pairs.Probe) error) (pairs.Stats, error){
		"Stream": pairs.Stream, "InMemory": pairs.InMemory,
	}
	for name, g := range group {
		t.Run(name, func(t *testing.T) {
			mem := checkedAlloc(t)
			r := &sliceReader{recs: []arrow.Record{
				untimedRecord(mem, []row{{1, 7, 0, 3, 30}, {1, 5, 0, 1, 10}, {1, 7, 0, 2, 20}}),
				untimedRecord(mem, []row{{1, 7, 0, 1, 10}, {2, 5, 0, 9, 90}}),
			}}
			defer r.Release()
			var got []pairs.Series
			st, err := g(context.Background(), r, func(p pairs.Probe) error {
				got = append(got, p.Series...)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			want := []pairs.Series{
				{Probe: 1, Anchor: 5, V4: []float64{1}, V6: []float64{10}},
				{Probe: 1, Anchor: 7, V4: []float64{3, 2, 1}, V6: []float64{30, 20, 10}}, // input order
				{Probe: 2, Anchor: 5, V4: []float64{9}, V6: []float64{90}},
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("series\n%+v\nwant\n%+v", got, want)
			}
			for _, s := range got {
				if s.HasTime() {
					t.Errorf("%d-%d has times", s.Probe, s.Anchor)
				}
			}
			if st.Rows != 5 || st.Pairs != 3 {
				t.Errorf("stats %+v", st)
			}
		})
	}
	t.Run("mixed within a pair", func(t *testing.T) {
		mem := checkedAlloc(t)
		r := &sliceReader{recs: []arrow.Record{
			record(mem, []row{{1, 7, 100, 3, 30}}),
			untimedRecord(mem, []row{{1, 7, 0, 1, 10}}),
		}}
		defer r.Release()
		_, err := pairs.Stream(context.Background(), r, func(pairs.Probe) error { return nil })
		if !errors.Is(err, ingest.ErrBadRow) || !strings.Contains(err.Error(), "1-7: 1 of 2 rows have a start_time") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("timed and untimed pairs", func(t *testing.T) {
		mem := checkedAlloc(t)
		r := &sliceReader{recs: []arrow.Record{
			record(mem, []row{{1, 7, 200, 3, 30}, {1, 7, 100, 2, 20}}),
			untimedRecord(mem, []row{{1, 8, 0, 1, 10}}),
		}}
		defer r.Release()
		var got []pairs.Series
		_, err := pairs.Stream(context.Background(), r, func(p pairs.Probe) error {
			got = append(got, p.Series...)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || !got[0].HasTime() || !reflect.DeepEqual(got[0].V4, []float64{2, 3}) || got[1].HasTime() {
			t.Errorf("series %+v", got)
		}
	})
}
