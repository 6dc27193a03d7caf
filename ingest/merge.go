package ingest

import (
	"errors"
	"fmt"
	"math"
	"sync/atomic"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
)

// ErrUnsorted is wrapped by the error of a Merge one of whose files is not
// sorted by prb_id (an UnsortedError). pairs.ErrUnsorted is the same value.
var ErrUnsorted = errors.New("input is not sorted by prb_id")

// UnsortedError says where a file given to a Merge stops being sorted by
// prb_id, and how to sort it.
type UnsortedError struct {
	File  string // the file's name, as messages give it
	Probe int64  // the prb_id out of order
	After int64  // the prb_id of the row before it
	Row   int64  // 1-based, among the rows read from the file (after any skipped)
}

// SortHint is what UnsortedError says to do about an unsorted file.
// `afsel ingest file` keeps its input's order, so it is not the fix.
const SortHint = "write each file sorted by prb_id, as `afsel synth`, `afsel ingest atlas` and `afsel ingest bigquery --ordered` do (`afsel ingest file` keeps its input's order); until then the files are grouped in memory"

func (e *UnsortedError) Error() string {
	return fmt.Sprintf("file %s is not sorted by prb_id (probe %d after %d at row %d): %s", e.File, e.Probe, e.After, e.Row, SortHint)
}

// Unwrap makes errors.Is(err, ErrUnsorted) true.
func (e *UnsortedError) Unwrap() error { return ErrUnsorted }

// Merge reads several files, each sorted by prb_id, as one stream sorted by
// prb_id: a k-way merge of their batches. The rows of one probe come from
// every file in the order the files were given, each file's in its own
// order. Every file is open at once and holds one batch, so memory is
// bounded by one batch per file, whatever the files' lengths. A file whose
// prb_id goes down ends the merge with an UnsortedError (wrapping
// ErrUnsorted); read such files with OpenSources (one after another) and
// group them in memory instead. Stats add up over the files.
//
// Files may mix the five-column schema and the one with outcome columns,
// as in Concat: with Options.KeepFailures, when some file has outcome
// columns, every batch is of FailuresSchema.
//
// Each batch of a Merge is a slice of one file's batch: the rows of the
// probes that no other file has before them.
type Merge struct {
	opts     Options
	in       []*mergeInput
	schema   *arrow.Schema
	outcomes bool         // every batch has outcome columns (FailuresSchema)
	rec      arrow.Record // the current batch, owned
	done     Stats        // of the files read to their end
	refs     atomic.Int64
	err      error
}

// mergeInput is one file of a Merge and its current batch.
type mergeInput struct {
	name  string
	r     Reader       // nil once read to its end
	rec   arrow.Record // current batch, retained; nil when the file is done
	probe []int64      // rec's prb_id values
	pos   int          // first row of rec not yet merged
	rows  int64        // rows of the file before rec
	last  int64        // prb_id of the last row checked
	any   bool         // a row has been checked
}

// OpenMerge opens every source of srcs (see OpenSources for names and
// formats) and returns their merge. An error in any file's opening, its
// first batch, or its order within that batch is returned at once.
func OpenMerge(srcs []Source, opts Options) (*Merge, error) {
	if len(srcs) == 0 {
		return nil, errors.New("no input files")
	}
	opts.Name = ""
	m := &Merge{opts: opts}
	m.refs.Store(1)
	for _, s := range srcs {
		r, err := openSource(s, s.DisplayName(), opts)
		if err != nil {
			m.Release()
			return nil, err
		}
		m.in = append(m.in, &mergeInput{name: s.DisplayName(), r: r})
		if HasOutcomes(r.Schema()) {
			m.outcomes = opts.KeepFailures
		}
	}
	m.schema = m.in[0].r.Schema()
	if m.outcomes {
		m.schema = FailuresSchema
	}
	for _, in := range m.in {
		if m.advance(in); m.err != nil {
			err := m.err
			m.Release()
			return nil, err
		}
	}
	return m, nil
}

// advance moves in to its next non-empty batch, checking its order, or
// ends it. Errors go to m.err.
func (m *Merge) advance(in *mergeInput) {
	if in.rec != nil {
		in.rows += in.rec.NumRows()
		in.rec.Release()
		in.rec, in.probe, in.pos = nil, nil, 0
	}
	for in.r != nil {
		if !in.r.Next() {
			if err := in.r.Err(); err != nil {
				m.err = err
				return
			}
			m.done.Add(in.r.Stats())
			in.r.Release()
			in.r = nil
			return
		}
		rec := in.r.Record()
		if rec.NumRows() == 0 {
			continue
		}
		col, ok := rec.Column(IdxProbe).(*array.Int64)
		if !ok || col.NullN() > 0 {
			m.err = fmt.Errorf("%s: column %s is not non-null int64: %w", in.name, ColProbe, ErrBadRow)
			return
		}
		probe := col.Int64Values()
		for k, p := range probe {
			if in.any && p < in.last {
				m.err = &UnsortedError{File: in.name, Probe: p, After: in.last, Row: in.rows + int64(k) + 1}
				return
			}
			in.last, in.any = p, true
		}
		rec.Retain()
		in.rec, in.probe = rec, probe
		return
	}
}

// Schema returns FailuresSchema when every batch has outcome columns (see
// Merge), else the first file's schema; each batch carries its own, as in
// Concat.
func (m *Merge) Schema() *arrow.Schema { return m.schema }

// Next moves to the next batch: the rows, from the file given first among
// those whose next prb_id is the lowest, up to the first row of a prb_id
// that another file must give first.
func (m *Merge) Next() bool {
	m.dropRecord()
	if m.err != nil {
		return false
	}
	best := -1
	for i, in := range m.in {
		if in.rec != nil && (best < 0 || in.probe[in.pos] < m.in[best].probe[m.in[best].pos]) {
			best = i
		}
	}
	if best < 0 {
		return false
	}
	// The lowest next prb_id of the other files, and the first of them
	// that has it: b's rows before it, and its own rows of it if b comes
	// first, are next.
	bound, boundIdx := int64(math.MaxInt64), len(m.in)
	for i, in := range m.in {
		if i != best && in.rec != nil && in.probe[in.pos] < bound {
			bound, boundIdx = in.probe[in.pos], i
		}
	}
	b := m.in[best]
	end := b.pos + 1
	for end < len(b.probe) && (b.probe[end] < bound || b.probe[end] == bound && best < boundIdx) {
		end++
	}
	var rec arrow.Record
	if b.pos == 0 && end == len(b.probe) {
		rec = b.rec
		rec.Retain()
	} else {
		rec = b.rec.NewSlice(int64(b.pos), int64(end))
	}
	if m.outcomes && !HasOutcomes(rec.Schema()) {
		with := withOKOutcomes(m.opts.Allocator, rec)
		rec.Release()
		rec = with
	}
	m.rec = rec
	b.pos = end
	if end == len(b.probe) {
		m.advance(b) // an error is Err's after this batch
	}
	return true
}

// Record returns the current batch, valid until Next or Release.
func (m *Merge) Record() arrow.Record { return m.rec }

func (m *Merge) dropRecord() {
	if m.rec != nil {
		m.rec.Release()
		m.rec = nil
	}
}

// Err returns the first error met; an *UnsortedError when a file is not
// sorted by prb_id. It stays set after Release.
func (m *Merge) Err() error { return m.err }

// Stats returns the row counts of all files so far.
func (m *Merge) Stats() Stats {
	var st Stats
	st.Add(m.done)
	for _, in := range m.in {
		if in.r != nil {
			st.Add(in.r.Stats())
		}
	}
	return st
}

// HeldRows is the number of rows of the files' batches the merge holds
// now: at most one batch per file.
func (m *Merge) HeldRows() int64 {
	var n int64
	for _, in := range m.in {
		if in.rec != nil {
			n += in.rec.NumRows()
		}
	}
	return n
}

// Retain increases the reference count.
func (m *Merge) Retain() { m.refs.Add(1) }

// Release decreases the reference count and releases the files' readers
// and batches at zero.
func (m *Merge) Release() {
	if m.refs.Add(-1) != 0 {
		return
	}
	m.dropRecord()
	for _, in := range m.in {
		if in.rec != nil {
			in.rec.Release()
			in.rec, in.probe = nil, nil
		}
		if in.r != nil {
			in.r.Release()
			in.r = nil
		}
	}
}

var _ Reader = (*Merge)(nil)
