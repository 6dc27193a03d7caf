package ingest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/afsel/afsel/internal/atomicfile"
)

// IPCReader streams the batches of an Arrow IPC file of the ingest schema:
// Schema's five fields, or FailuresSchema's seven, whose outcome columns
// may also be large_utf8 or dictionary-encoded (see checkInputSchema).
// Its rows are checked as every format's are (a null, a NaN, an infinite
// or a negative duration is a bad row, whose RowError names the 1-based row
// of the file), and bad rows counted and skipped with Options.SkipBadRows.
// A file with outcome columns is read as FailuresSchema with
// Options.KeepFailures, else without its rows with a failed test.
type IPCReader struct {
	r        *ipc.FileReader
	opts     Options
	outcomes bool // the file has outcome columns
	i        int
	row      int64 // rows of the file consumed
	batches
}

// openIPC opens the Arrow IPC file f, read through in (f, or f's reads
// counted).
func openIPC(f *os.File, in input, opts Options) (*IPCReader, error) {
	opts = opts.withDefaults()
	r, outcomes, err := openArrow(opts.Name, func() (*ipc.FileReader, error) {
		if err := checkFileFooter(f); err != nil {
			return nil, err
		}
		return ipc.NewFileReader(in, ipc.WithAllocator(fileAllocator(f, opts.Allocator)))
	}, func(r *ipc.FileReader) { r.Close() })
	if err != nil {
		return nil, err
	}
	ir := &IPCReader{r: r, opts: opts, outcomes: outcomes}
	ir.start()
	ir.free = func() { r.Close() }
	ir.closer = f
	return ir, nil
}

// Schema returns FailuresSchema for a file with outcome columns read with
// Options.KeepFailures, else Schema.
func (r *IPCReader) Schema() *arrow.Schema {
	return batchSchema(r.outcomes && r.opts.KeepFailures, false)
}

// Next moves to the next batch; batches whose rows were all skipped are
// passed over.
func (r *IPCReader) Next() bool {
	return r.nextChecked(func() (in arrow.Record, err error) {
		if r.i == r.r.NumRecords() {
			return nil, nil
		}
		if err := recovered(func() (err error) { in, err = r.r.RecordAt(r.i); return err }); err != nil {
			return nil, batchError(r.opts.Name, r.i, err)
		}
		r.i++
		return in, nil
	}, arrowColumns, r.opts, &r.row)
}

// openArrow opens an Arrow IPC reader with open, turning its panics into
// errors, and checks its schema (release closes it if wrong), reporting
// whether it has outcome columns.
func openArrow[R interface{ Schema() *arrow.Schema }](name string, open func() (R, error), release func(R)) (R, bool, error) {
	var (
		r        R
		outcomes bool
	)
	err := recovered(func() (err error) { r, err = open(); return err })
	if err == nil {
		if outcomes, err = checkInputSchema(r.Schema()); err != nil {
			release(r)
		}
	}
	if err != nil {
		return r, false, fmt.Errorf("read %s: %w", name, err)
	}
	return r, outcomes, nil
}

// batchError is the error of an unreadable batch i of the Arrow file name.
// The IPC reader turns some corruptions into recovered panics, whose text
// ("makeslice: len out of range") says nothing to a user.
func batchError(name string, i int, err error) error {
	return fmt.Errorf("read %s: batch %d is corrupt or truncated (not a valid Arrow IPC batch): %w", name, i, err)
}

// IPCStreamReader streams the batches of an Arrow IPC stream (the format
// pyarrow's RecordBatchStreamWriter and `afsel ingest file -o x.arrows`
// write) of the ingest schema.
//
// Its schema and rows are checked as IPCReader's are.
type IPCStreamReader struct {
	r        *ipc.Reader
	opts     Options
	outcomes bool  // the stream has outcome columns
	n        int   // batches read
	row      int64 // rows consumed
	batches
}

func openIPCStream(r io.Reader, f io.Closer, opts Options) (*IPCStreamReader, error) {
	opts = opts.withDefaults()
	ir, outcomes, err := openArrow(opts.Name, func() (*ipc.Reader, error) {
		if br, ok := r.(*bufio.Reader); ok {
			if err := checkStreamSchema(br); err != nil {
				return nil, err
			}
		}
		alloc := opts.Allocator
		if f, ok := f.(*os.File); ok {
			alloc = fileAllocator(f, alloc)
		}
		msgs := ipc.NewMessageReader(r, ipc.WithAllocator(alloc))
		if br, ok := r.(*bufio.Reader); ok {
			msgs = checkedMessages{msgs, br}
		}
		return ipc.NewReaderFromMessageReader(msgs, ipc.WithAllocator(alloc))
	}, (*ipc.Reader).Release)
	if err != nil {
		return nil, err
	}
	sr := &IPCStreamReader{r: ir, opts: opts, outcomes: outcomes}
	sr.start()
	sr.free = ir.Release
	sr.closer = f
	return sr, nil
}

// Schema returns FailuresSchema for a stream with outcome columns read
// with Options.KeepFailures, else Schema.
func (r *IPCStreamReader) Schema() *arrow.Schema {
	return batchSchema(r.outcomes && r.opts.KeepFailures, false)
}

// Next moves to the next batch; batches whose rows were all skipped are
// passed over.
func (r *IPCStreamReader) Next() bool {
	return r.nextChecked(func() (arrow.Record, error) {
		var more bool
		if err := recovered(func() error { more = r.r.Next(); return r.r.Err() }); err != nil {
			return nil, batchError(r.opts.Name, r.n, err)
		}
		if !more {
			return nil, nil
		}
		r.n++
		in := r.r.Record()
		in.Retain()
		return in, nil
	}, arrowColumns, r.opts, &r.row)
}

// WriteIPC copies every batch of src to an Arrow IPC file at path, written
// atomically: on error or cancellation nothing is left at path. It returns
// the number of rows written.
func WriteIPC(ctx context.Context, path string, src array.RecordReader) (int64, error) {
	return writeIPC(ctx, path, src, false)
}

// WriteIPCStream is WriteIPC for the Arrow IPC stream format, which readers
// can consume without seeking (e.g. from a pipe).
func WriteIPCStream(ctx context.Context, path string, src array.RecordReader) (int64, error) {
	return writeIPC(ctx, path, src, true)
}

type recordWriter interface {
	Write(arrow.Record) error
	Close() error
}

func writeIPC(ctx context.Context, path string, src array.RecordReader, stream bool) (int64, error) {
	out, err := atomicfile.Create(path)
	if err != nil {
		return 0, err
	}
	defer out.Abort()
	rows, w, err := copyRecords(ctx, path, src, func(schema *arrow.Schema) (recordWriter, error) {
		if stream {
			return ipc.NewWriter(out, ipc.WithSchema(schema)), nil
		}
		// The IPC file writer seeks, so it writes to the file itself, unbuffered.
		return ipc.NewFileWriter(out.OS(), ipc.WithSchema(schema))
	})
	if err != nil {
		return rows, err
	}
	if err := w.Close(); err != nil {
		return rows, fmt.Errorf("write %s: %w", path, err)
	}
	return rows, out.Commit()
}

// copyRecords creates a writer with newWriter and hands it every batch of
// src, checking ctx between batches and after the last. The output schema
// is Schema, or FailuresSchema when src.Schema() has outcome columns, their
// untimed variants (UntimedSchema) when the first batch has no start
// times, or src.Schema() when that is not an ingest schema; batches are
// conformed to it. The caller closes the writer.
func copyRecords(ctx context.Context, path string, src array.RecordReader, newWriter func(*arrow.Schema) (recordWriter, error)) (int64, recordWriter, error) {
	var (
		rows   int64
		w      recordWriter
		schema *arrow.Schema
	)
	start := func(rec arrow.Record) error {
		schema = src.Schema()
		untimed := rec != nil && rec.NumRows() > 0 && int64(rec.Column(IdxStartTime).NullN()) == rec.NumRows()
		switch {
		case CheckSchema(schema) == nil:
			schema = batchSchema(false, untimed)
		case HasOutcomes(schema):
			schema = batchSchema(true, untimed)
		}
		var err error
		w, err = newWriter(schema)
		return err
	}
	for src.Next() {
		if err := ctx.Err(); err != nil {
			return rows, nil, err
		}
		n := src.Record().NumRows()
		var err error
		if w == nil {
			err = start(src.Record())
		}
		if err == nil {
			var rec arrow.Record
			if rec, err = conform(src.Record(), schema); err == nil {
				err = w.Write(rec)
				rec.Release()
			}
		}
		if err != nil {
			return rows, nil, fmt.Errorf("write %s: %w", path, err)
		}
		rows += n
	}
	if err := src.Err(); err != nil {
		return rows, nil, err
	}
	// Cancelled after the last batch, or before an empty input's first.
	if err := ctx.Err(); err != nil {
		return rows, nil, err
	}
	if w == nil {
		if err := start(nil); err != nil {
			return rows, nil, fmt.Errorf("write %s: %w", path, err)
		}
	}
	return rows, w, nil
}

// conform returns rec with schema when the two differ only in field
// nullability or metadata (an IPC file from pyarrow has nullable fields; a
// concatenation may mix Schema and UntimedSchema batches), and rec itself
// when they are equal. It fails when a non-nullable field would hold nulls.
// Release the result.
func conform(rec arrow.Record, schema *arrow.Schema) (arrow.Record, error) {
	if rec.Schema().Equal(schema) {
		rec.Retain()
		return rec, nil
	}
	if rec.NumCols() != int64(schema.NumFields()) {
		return nil, fmt.Errorf("batch has %d columns, want %d", rec.NumCols(), schema.NumFields())
	}
	for i, f := range schema.Fields() {
		got := rec.Schema().Field(i)
		if got.Name != f.Name || !arrow.TypeEqual(got.Type, f.Type) {
			return nil, fmt.Errorf("batch field %d is %s %s, want %s %s", i, got.Name, got.Type, f.Name, f.Type)
		}
		if n := rec.Column(i).NullN(); n > 0 && !f.Nullable {
			return nil, fmt.Errorf("batch column %s has %d nulls but the output's first batch had none (inputs with and without start times mixed?)", f.Name, n)
		}
	}
	return array.NewRecord(schema, rec.Columns(), rec.NumRows()), nil
}

var (
	_ Reader = (*IPCReader)(nil)
	_ Reader = (*IPCStreamReader)(nil)
	_ Reader = (*CSVReader)(nil)
)

// recovered runs f, turning a panic into an error: Arrow's IPC reader
// indexes a damaged file's metadata without checking it, and panics.
func recovered(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			if e, ok := p.(error); ok && errors.Is(e, errAllocation) {
				err = e
				return
			}
			err = fmt.Errorf("%w (%v)", errMetadata, p)
		}
	}()
	return f()
}

// fileAllocator is a, refusing buffers larger than the file f could need.
func fileAllocator(f *os.File, a memory.Allocator) memory.Allocator {
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return a
	}
	return limitAllocator{a, bufferLimit(st.Size())}
}
