package pairs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/afsel/afsel/ingest"
)

// DefaultMinTests is the artefacts' eligibility threshold: 150 paired tests
// (they test len(v4)+len(v6) < 300).
const DefaultMinTests = 150

// Series is one (probe, anchor) pair's paired tests in time order.
// V4 and V6 have the same length, and so has Time, unless the input has no
// start times (the simulator's paths.cbor, read with ingest.UntimedSchema):
// then Time is nil and the series is in input order, which such files keep
// in time order. Stages that need the times themselves (figures over time)
// must check HasTime and say they cannot run without them.
type Series struct {
	Probe  int64
	Anchor int64
	Time   []int64   // start_time, microseconds since the Unix epoch (UTC); nil if unknown
	V4     []float64 // IPv4 HTTP duration, ms
	V6     []float64 // IPv6 HTTP duration, ms
}

// HasTime reports whether the series has start times.
func (s *Series) HasTime() bool { return s.Time != nil }

// Len is the number of paired tests.
func (s *Series) Len() int { return len(s.V4) }

// Eligible reports whether the series has at least minTests paired tests.
func (s *Series) Eligible(minTests int) bool { return s.Len() >= minTests }

// Probe is all the series of one probe, sorted by anchor.
type Probe struct {
	ID     int64
	Series []Series
}

// ErrUnsorted is returned by Stream when the input is not sorted by probe.
// Group the input with InMemory instead.
var ErrUnsorted = errors.New("input is not sorted by prb_id")

// Stats counts what grouping produced.
type Stats struct {
	Rows   int64 `json:"rows"`
	Probes int   `json:"probes"`
	Pairs  int   `json:"pairs"`
}

// Stream reads batches from src and calls emit with each probe's series once
// all of them are read, in input order. The input must be sorted by prb_id
// (ascending); rows of a probe may interleave anchors and need not be in time
// order. When a probe id is lower than the previous one, Stream stops with
// ErrUnsorted. Memory holds one probe's rows plus what emit keeps.
func Stream(ctx context.Context, src array.RecordReader, emit func(Probe) error) (Stats, error) {
	var st Stats
	var cur *probeBuf
	for src.Next() {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		rec := src.Record()
		cols, err := columns(rec)
		if err != nil {
			return st, err
		}
		// Rows come in runs of one pair (all of them in grouped input): each
		// run is appended at once.
		for i, j := 0, 0; i < len(cols.probe); i = j {
			p, a := cols.probe[i], cols.anchor[i]
			for j = i + 1; j < len(cols.probe) && cols.probe[j] == p && cols.anchor[j] == a; j++ {
			}
			if cur == nil || p != cur.id {
				if cur != nil {
					if p < cur.id {
						return st, fmt.Errorf("%w: probe %d after probe %d (row %d)", ErrUnsorted, p, cur.id, st.Rows+1)
					}
					if err := flush(cur, &st, emit); err != nil {
						return st, err
					}
				}
				cur = newProbeBuf(p, streamCap)
			}
			cur.add(cols, i, j)
			st.Rows += int64(j - i)
		}
	}
	if err := src.Err(); err != nil {
		return st, err
	}
	if cur != nil {
		if err := flush(cur, &st, emit); err != nil {
			return st, err
		}
	}
	return st, nil
}

// InMemory reads all of src, in any order, and calls emit for every probe in
// ascending prb_id order. Memory holds the whole input.
func InMemory(ctx context.Context, src array.RecordReader, emit func(Probe) error) (Stats, error) {
	var st Stats
	probes := make(map[int64]*probeBuf)
	for src.Next() {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		cols, err := columns(src.Record())
		if err != nil {
			return st, err
		}
		for i, p := range cols.probe {
			b := probes[p]
			if b == nil {
				b = newProbeBuf(p, 0)
				probes[p] = b
			}
			b.add(cols, i, i+1)
			st.Rows++
		}
	}
	if err := src.Err(); err != nil {
		return st, err
	}
	ids := make([]int64, 0, len(probes))
	for id := range probes {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		b := probes[id]
		delete(probes, id)
		if err := flush(b, &st, emit); err != nil {
			return st, err
		}
	}
	return st, nil
}

func flush(b *probeBuf, st *Stats, emit func(Probe) error) error {
	p, err := b.probe()
	if err != nil {
		return err
	}
	st.Probes++
	st.Pairs += len(p.Series)
	return emit(p)
}

type cols struct {
	probe, anchor []int64
	ts            []arrow.Timestamp // nil when the batch has no start times
	v4, v6        []float64
}

// columns returns the batch's values. Nulls are errors, except in
// start_time when every start_time of the batch is null (input without
// times, see ingest.UntimedSchema).
func columns(rec arrow.Record) (cols, error) {
	if err := ingest.CheckSchema(rec.Schema()); err != nil {
		return cols{}, err
	}
	untimed := false
	for i := 0; i < int(rec.NumCols()); i++ {
		n := rec.Column(i).NullN()
		if n > 0 && i == ingest.IdxStartTime && int64(n) == rec.NumRows() {
			untimed = true
			continue
		}
		if n > 0 {
			return cols{}, fmt.Errorf("column %s has %d nulls: %w", rec.ColumnName(i), n, ingest.ErrBadRow)
		}
	}
	c := cols{
		probe:  rec.Column(ingest.IdxProbe).(*array.Int64).Int64Values(),
		anchor: rec.Column(ingest.IdxAnchor).(*array.Int64).Int64Values(),
		v4:     rec.Column(ingest.IdxV4).(*array.Float64).Float64Values(),
		v6:     rec.Column(ingest.IdxV6).(*array.Float64).Float64Values(),
	}
	if !untimed {
		c.ts = rec.Column(ingest.IdxStartTime).(*array.Timestamp).TimestampValues()
	}
	return c, nil
}

// probeBuf collects one probe's rows by anchor.
type probeBuf struct {
	id      int64
	anchors map[int64]*Series
	last    *Series // most rows of a probe come in runs of one anchor
	cap     int     // initial capacity of a series
}

// streamCap is the initial capacity of a series in Stream, which holds one
// probe at a time: a week of tests every 30 minutes is 336, so most series
// grow once or twice instead of nine times from nothing. InMemory, which
// holds every series, lets them grow from nothing.
const streamCap = 256

func newProbeBuf(id int64, capacity int) *probeBuf {
	return &probeBuf{id: id, anchors: make(map[int64]*Series), cap: capacity}
}

// add appends rows i to j-1, all of one anchor.
func (b *probeBuf) add(c cols, i, j int) {
	a := c.anchor[i]
	s := b.last
	if s == nil || s.Anchor != a {
		s = b.anchors[a]
		if s == nil {
			s = &Series{Probe: b.id, Anchor: a}
			if b.cap > 0 {
				s.V4, s.V6 = make([]float64, 0, b.cap), make([]float64, 0, b.cap)
				if c.ts != nil {
					s.Time = make([]int64, 0, b.cap)
				}
			}
			b.anchors[a] = s
		}
		b.last = s
	}
	if j == i+1 { // interleaved anchors: rows one by one
		if c.ts != nil {
			s.Time = append(s.Time, int64(c.ts[i]))
		}
		s.V4 = append(s.V4, c.v4[i])
		s.V6 = append(s.V6, c.v6[i])
		return
	}
	if c.ts != nil {
		s.Time = slices.Grow(s.Time, j-i)
		for _, t := range c.ts[i:j] {
			s.Time = append(s.Time, int64(t))
		}
	}
	s.V4 = append(s.V4, c.v4[i:j]...)
	s.V6 = append(s.V6, c.v6[i:j]...)
}

func (b *probeBuf) probe() (Probe, error) {
	p := Probe{ID: b.id, Series: make([]Series, 0, len(b.anchors))}
	for _, s := range b.anchors {
		switch len(s.Time) {
		case len(s.V4):
			sortByTime(s)
		case 0: // no times: input order
		default:
			return Probe{}, fmt.Errorf("pair %d-%d: %d of %d rows have a start_time; want all or none (a pair's tests cannot come from both inputs with times, CSV, Parquet or Arrow, and inputs without, CBOR): %w", s.Probe, s.Anchor, len(s.Time), len(s.V4), ingest.ErrBadRow)
		}
		p.Series = append(p.Series, *s)
	}
	sort.Slice(p.Series, func(i, j int) bool { return p.Series[i].Anchor < p.Series[j].Anchor })
	return p, nil
}

// sortByTime orders a series by start time, keeping input order among equal
// times (the artefacts' quicksort leaves those in arbitrary order; REFERENCE
// §2 fixes input order).
func sortByTime(s *Series) {
	if slices.IsSorted(s.Time) {
		return
	}
	idx := make([]int, len(s.Time))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return s.Time[idx[a]] < s.Time[idx[b]] })
	t := make([]int64, len(idx))
	v4 := make([]float64, len(idx))
	v6 := make([]float64, len(idx))
	for k, i := range idx {
		t[k], v4[k], v6[k] = s.Time[i], s.V4[i], s.V6[i]
	}
	s.Time, s.V4, s.V6 = t, v4, v6
}
