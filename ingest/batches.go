package ingest

import (
	"io"
	"maps"
	"sync/atomic"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/afsel/afsel/outcome"
)

// batches is the state every reader shares and the arrow RecordReader
// methods over it: the current batch, the first error, the row counts, a
// reference count, and what to free when it reaches zero. A reader embeds
// it, calls start in its constructor and implements Schema and Next.
type batches struct {
	refs   atomic.Int64
	rec    arrow.Record
	err    error
	stats  Stats
	bld    *array.RecordBuilder // released at zero, if set
	codes  [2][]outcome.Code    // the outcomes of a batch being checked
	closer io.Closer            // closed at zero, if set (the reader's file)
	free   func()               // run at zero before closer, if set
}

func (b *batches) start() { b.refs.Store(1) }

// Stats returns a copy of the row counts so far; final once Next has
// returned false.
func (b *batches) Stats() Stats {
	st := b.stats
	st.Dropped = maps.Clone(st.Dropped)
	return st
}

// Record returns the current batch, valid until the next call to Next or
// Release. Retain it to keep it longer.
func (b *batches) Record() arrow.Record { return b.rec }

// Err returns the first error met, or nil at a clean end of input.
func (b *batches) Err() error { return b.err }

// Retain increases the reference count.
func (b *batches) Retain() { b.refs.Add(1) }

// Release decreases the reference count and, at zero, frees the reader's
// buffers and closes its file.
func (b *batches) Release() {
	if b.refs.Add(-1) != 0 {
		return
	}
	b.dropRecord()
	if b.bld != nil {
		b.bld.Release()
		b.bld = nil
	}
	if b.free != nil {
		b.free()
		b.free = nil
	}
	if b.closer != nil {
		b.closer.Close()
		b.closer = nil
	}
}

// dropRecord releases the current batch, as Next does before reading the
// next one.
func (b *batches) dropRecord() {
	if b.rec != nil {
		b.rec.Release()
		b.rec = nil
	}
}
