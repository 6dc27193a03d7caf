package ingest

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"

	"github.com/afsel/afsel/internal/atomicfile"
)

// IPCReader streams the batches of an Arrow IPC file of the ingest schema.
type IPCReader struct {
	f     *os.File
	r     *ipc.FileReader
	name  string
	i     int
	refs  atomic.Int64
	rec   arrow.Record
	err   error
	stats Stats
}

func openIPC(f *os.File, opts Options) (*IPCReader, error) {
	opts = opts.withDefaults()
	r, err := ipc.NewFileReader(f, ipc.WithAllocator(opts.Allocator))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", opts.Name, err)
	}
	if err := CheckSchema(r.Schema()); err != nil {
		r.Close()
		return nil, fmt.Errorf("read %s: %w", opts.Name, err)
	}
	ir := &IPCReader{f: f, r: r, name: opts.Name}
	ir.refs.Store(1)
	return ir, nil
}

// Schema returns the ingest schema.
func (r *IPCReader) Schema() *arrow.Schema { return Schema }

// Stats counts the rows read; an Arrow file has no malformed rows to drop.
func (r *IPCReader) Stats() Stats { return r.stats }

// Next moves to the next batch.
func (r *IPCReader) Next() bool {
	if r.rec != nil {
		r.rec.Release()
		r.rec = nil
	}
	if r.err != nil || r.i >= r.r.NumRecords() {
		return false
	}
	rec, err := r.r.RecordAt(r.i)
	if err != nil {
		r.err = fmt.Errorf("read %s batch %d: %w", r.name, r.i, err)
		return false
	}
	r.i++
	r.rec = rec
	r.stats.RowsRead += rec.NumRows()
	r.stats.RowsKept += rec.NumRows()
	return true
}

// Record returns the current batch, valid until Next or Release.
func (r *IPCReader) Record() arrow.Record { return r.rec }

// Err returns the first error met.
func (r *IPCReader) Err() error { return r.err }

// Retain increases the reference count.
func (r *IPCReader) Retain() { r.refs.Add(1) }

// Release decreases the reference count and closes the file at zero.
func (r *IPCReader) Release() {
	if r.refs.Add(-1) != 0 {
		return
	}
	if r.rec != nil {
		r.rec.Release()
		r.rec = nil
	}
	r.r.Close()
	r.f.Close()
}

// WriteIPC copies every batch of src to an Arrow IPC file at path, written
// atomically: on error or cancellation nothing is left at path. It returns
// the number of rows written.
func WriteIPC(ctx context.Context, path string, src array.RecordReader) (int64, error) {
	out, err := atomicfile.Create(path)
	if err != nil {
		return 0, err
	}
	defer out.Abort()
	// The IPC file writer seeks, so it writes to the file itself, unbuffered.
	w, err := ipc.NewFileWriter(out.OS(), ipc.WithSchema(src.Schema()))
	if err != nil {
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	var rows int64
	for src.Next() {
		if err := ctx.Err(); err != nil {
			return rows, err
		}
		rec := src.Record()
		if err := w.Write(rec); err != nil {
			return rows, fmt.Errorf("write %s: %w", path, err)
		}
		rows += rec.NumRows()
	}
	if err := src.Err(); err != nil {
		return rows, err
	}
	// Cancelled after the last batch, or before an empty input's first.
	if err := ctx.Err(); err != nil {
		return rows, err
	}
	if err := w.Close(); err != nil {
		return rows, fmt.Errorf("write %s: %w", path, err)
	}
	return rows, out.Commit()
}

var _ Reader = (*IPCReader)(nil)
var _ Reader = (*CSVReader)(nil)
