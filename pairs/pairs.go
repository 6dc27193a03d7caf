package pairs

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/outcome"
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
	V4     []float64 // IPv4 HTTP duration, ms; NaN where the test failed
	V6     []float64 // IPv6 HTTP duration, ms; NaN where the test failed
	// Out4 and Out6 are the tests' outcomes when the input has outcome
	// columns (ingest.FailuresSchema), else nil: every test worked.
	Out4, Out6 []outcome.Code
}

// HasOutcomes reports whether the series carries outcomes (and so may hold
// failed tests).
func (s *Series) HasOutcomes() bool { return s.Out4 != nil }

// Failed reports whether either test of row i failed.
func (s *Series) Failed(i int) bool {
	return s.Out4 != nil && (s.Out4[i].Failed() || s.Out6[i].Failed())
}

// Succeeded returns the rows whose two tests both worked, without
// outcomes: the series the authors' query would have given. It returns s's
// own slices when no row failed.
func (s *Series) Succeeded() Series {
	out := Series{Probe: s.Probe, Anchor: s.Anchor, Time: s.Time, V4: s.V4, V6: s.V6}
	if s.Out4 == nil {
		return out
	}
	n := 0
	for i := range s.V4 {
		if !s.Failed(i) {
			n++
		}
	}
	if n == len(s.V4) {
		return out
	}
	out.V4, out.V6 = make([]float64, 0, n), make([]float64, 0, n)
	if s.Time != nil {
		out.Time = make([]int64, 0, n)
	}
	for i := range s.V4 {
		if s.Failed(i) {
			continue
		}
		if s.Time != nil {
			out.Time = append(out.Time, s.Time[i])
		}
		out.V4 = append(out.V4, s.V4[i])
		out.V6 = append(out.V6, s.V6[i])
	}
	return out
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
// Group the input with InMemory instead. It is ingest.ErrUnsorted, which a
// merge of files one of which is not sorted returns (ingest.Merge).
var ErrUnsorted = ingest.ErrUnsorted

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
	o4, o6        []outcome.Code // nil when the batch has no outcome columns
}

// columns returns the batch's values. Nulls are errors, except in
// start_time when every start_time of the batch is null (input without
// times, see ingest.UntimedSchema), and in a duration whose test failed
// (ingest.FailuresSchema), which reads as NaN.
func columns(rec arrow.Record) (cols, error) {
	withOutcomes := ingest.HasOutcomes(rec.Schema())
	if !withOutcomes {
		if err := ingest.CheckSchema(rec.Schema()); err != nil {
			return cols{}, err
		}
	}
	untimed := false
	for i := 0; i < int(rec.NumCols()); i++ {
		n := rec.Column(i).NullN()
		if n > 0 && i == ingest.IdxStartTime && int64(n) == rec.NumRows() {
			untimed = true
			continue
		}
		if n > 0 && !(withOutcomes && (i == ingest.IdxV4 || i == ingest.IdxV6)) {
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
	if withOutcomes {
		if err := c.outcomes(rec); err != nil {
			return cols{}, err
		}
	}
	return c, nil
}

// outcomes reads the outcome columns of rec and sets the durations of
// failed tests to NaN (in copies: the batch's values are not ours).
func (c *cols) outcomes(rec arrow.Record) error {
	n := int(rec.NumRows())
	o4 := rec.Column(ingest.IdxV4Outcome).(*array.String)
	o6 := rec.Column(ingest.IdxV6Outcome).(*array.String)
	c.o4, c.o6 = make([]outcome.Code, n), make([]outcome.Code, n)
	v4, v6 := slices.Clone(c.v4), slices.Clone(c.v6)
	d4, d6 := rec.Column(ingest.IdxV4), rec.Column(ingest.IdxV6)
	for i := range n {
		c4, c6, e := ingest.RowOutcomes(o4, o6, i)
		if e != nil {
			return fmt.Errorf("prb_id %d, anchor_id %d: %w", c.probe[i], c.anchor[i], e)
		}
		c.o4[i], c.o6[i] = c4, c6
		for _, f := range []struct {
			c outcome.Code
			d arrow.Array
			v []float64
			n string
		}{{c4, d4, v4, ingest.ColV4}, {c6, d6, v6, ingest.ColV6}} {
			switch {
			case f.c.Failed():
				f.v[i] = math.NaN()
			case f.d.IsNull(i):
				return fmt.Errorf("prb_id %d, anchor_id %d: %s null for a test that worked: %w", c.probe[i], c.anchor[i], f.n, ingest.ErrBadRow)
			}
		}
	}
	c.v4, c.v6 = v4, v6
	return nil
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
	if c.o4 != nil || s.Out4 != nil {
		s.addOutcomes(c, i, j)
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

// addOutcomes appends the outcomes of rows i to j-1 (OK for a batch
// without outcome columns), first giving the rows already in s outcome OK
// if they have none: inputs with and without outcome columns mix.
func (s *Series) addOutcomes(c cols, i, j int) {
	if s.Out4 == nil {
		s.Out4, s.Out6 = make([]outcome.Code, len(s.V4), len(s.V4)+j-i), make([]outcome.Code, len(s.V4), len(s.V4)+j-i)
	}
	if c.o4 == nil {
		s.Out4 = append(s.Out4, make([]outcome.Code, j-i)...)
		s.Out6 = append(s.Out6, make([]outcome.Code, j-i)...)
		return
	}
	s.Out4 = append(s.Out4, c.o4[i:j]...)
	s.Out6 = append(s.Out6, c.o6[i:j]...)
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
	if s.Out4 != nil {
		o4 := make([]outcome.Code, len(idx))
		o6 := make([]outcome.Code, len(idx))
		for k, i := range idx {
			o4[k], o6[k] = s.Out4[i], s.Out6[i]
		}
		s.Out4, s.Out6 = o4, o6
	}
}
