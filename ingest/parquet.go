package ingest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/metadata"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
	"github.com/apache/thrift/lib/go/thrift"

	"github.com/afsel/afsel/internal/atomicfile"
)

// ParquetRowGroupRows is the number of rows per row group WriteParquet
// writes: about 40 MB of uncompressed ingest-schema data, the order of
// pyarrow's and BigQuery's row groups.
const ParquetRowGroupRows = 1 << 20

// ParquetReader streams the rows of a Parquet file as batches of Schema,
// Options.BatchSize rows at a time, reading row group after row group, so
// memory holds one batch of each column and a page, not the file.
//
// The file's columns are found by name, so their order may vary and other
// columns (v4_v6_ratio) are neither read nor checked. It accepts afsel's
// own files and BigQuery exports: prb_id and anchor_id int64; start_time a
// timestamp in s, ms, µs or ns, with any time zone or none (values are read
// as UTC instants), converted to µs by flooring; durations float64. Columns
// may be optional (nullable). A null, a NaN, an infinite or a negative
// duration is a bad row (a RowError whose Line is the 1-based row in the
// file), counted and skipped with Options.SkipBadRows, as in CSV. A batch in
// which every start_time is null is passed on without times, with
// UntimedSchema (files written from CBOR input); any other null start_time
// is a bad row.
//
// A file with the outcome columns v4_outcome and v6_outcome (strings:
// utf8, large_utf8 or dictionary-encoded) is read as FailuresSchema with
// Options.KeepFailures, else without its rows with a failed test; a failed
// test's duration may be null. A file with one of the two is an error.
type ParquetReader struct {
	f        *os.File
	pf       *file.Reader
	rr       pqarrow.RecordReader
	opts     Options
	cols     [7]int // column of the file's record batches for each schema column
	outcomes bool   // the file has outcome columns
	unit     arrow.TimeUnit
	row      int64 // rows of the file consumed
	batches
}

// OpenParquet opens the Parquet file at path. Open does the same when the
// name ends in .parquet.
func OpenParquet(path string, opts Options) (*ParquetReader, error) {
	if opts.Name == "" {
		opts.Name = path
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	r, err := openParquet(f, counted(f, opts.BytesRead), opts)
	if err != nil {
		f.Close()
		return nil, err
	}
	return r, nil
}

// openParquet opens the Parquet file f, read through in (f, or f's reads
// counted).
func openParquet(f *os.File, in input, opts Options) (*ParquetReader, error) {
	opts = opts.withDefaults()
	// Buffers are bounded by the file's size and panics are errors, as in
	// Arrow IPC input (recovered): a damaged file makes Arrow's Parquet
	// reader panic or allocate what the damage says.
	opts.Allocator = fileAllocator(f, opts.Allocator)
	var pf *file.Reader
	err := recovered(func() (err error) {
		pf, err = file.NewParquetReader(in, file.WithReadProps(parquet.NewReaderProperties(opts.Allocator)))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", opts.Name, err)
	}
	r := &ParquetReader{f: f, pf: pf, opts: opts}
	if err := recovered(r.init); err != nil {
		pf.Close()
		return nil, fmt.Errorf("read %s: %w", opts.Name, err)
	}
	r.start()
	r.free = func() {
		if r.rr != nil {
			r.rr.Release()
			r.rr = nil
		}
		r.pf.Close()
	}
	r.closer = f
	return r, nil
}

func (r *ParquetReader) init() error {
	if err := checkStoredSchema(r.pf); err != nil {
		return err
	}
	fr, err := pqarrow.NewFileReader(r.pf, pqarrow.ArrowReadProperties{BatchSize: int64(r.opts.BatchSize)}, r.opts.Allocator)
	if err != nil {
		return err
	}
	sc, err := fr.Schema()
	if err != nil {
		return err
	}
	schema := Schema
	if len(sc.FieldIndices(ColV4Outcome)) > 0 || len(sc.FieldIndices(ColV6Outcome)) > 0 {
		schema, r.outcomes = FailuresSchema, true
	}
	leaves := make([]int, 0, len(r.cols))
	for i, want := range schema.Fields() {
		idx := sc.FieldIndices(want.Name)
		if len(idx) != 1 {
			return fmt.Errorf("want one column %s, found %d (columns: %s)", want.Name, len(idx), fieldNames(sc))
		}
		got := sc.Field(idx[0]).Type
		ok := arrow.TypeEqual(got, want.Type)
		switch {
		case i == IdxStartTime:
			if ts, isTS := got.(*arrow.TimestampType); isTS {
				ok, r.unit = true, ts.Unit
			}
		case i >= IdxV4Outcome:
			ok = outcomeType(got)
		}
		if !ok {
			return fmt.Errorf("column %s is %s, want %s", want.Name, got, want.Type)
		}
		leaf := r.pf.MetaData().Schema.ColumnIndexByName(want.Name)
		if leaf < 0 {
			return fmt.Errorf("column %s is not a leaf column", want.Name)
		}
		leaves = append(leaves, leaf)
	}
	if err := checkColumnChunks(r.f, r.pf, leaves); err != nil {
		return err
	}
	rr, err := fr.GetRecordReader(context.Background(), leaves, nil)
	if err != nil {
		return err
	}
	for i, f := range schema.Fields() {
		idx := rr.Schema().FieldIndices(f.Name)
		if len(idx) != 1 {
			rr.Release()
			return fmt.Errorf("column %s missing from the batches", f.Name)
		}
		r.cols[i] = idx[0]
	}
	r.rr = rr
	return nil
}

// checkStoredSchema checks the Arrow schema a Parquet file may store (an
// IPC schema message in base64 under ARROW:schema), decoded as pqarrow
// decodes it, before pqarrow reads it: Arrow's IPC reader would allocate
// what a damaged one says (checkStreamSchema).
func checkStoredSchema(pf *file.Reader) error {
	kv := pf.MetaData().KeyValueMetadata()
	if kv == nil {
		return nil
	}
	s := kv.FindValue("ARROW:schema")
	if s == nil {
		return nil
	}
	var (
		b   []byte
		err error
	)
	if len(*s)%4 == 0 {
		b, err = base64.StdEncoding.DecodeString(*s)
	}
	if len(b) == 0 || err != nil {
		b, err = base64.RawStdEncoding.DecodeString(*s)
	}
	if err != nil {
		return nil // pqarrow says so
	}
	if err := checkStreamSchema(bufio.NewReaderSize(bytes.NewReader(b), len(b)+16)); err != nil {
		return err
	}
	return checkMessageBody(b)
}

// checkColumnChunks checks the chunks of the columns leaves of every row
// group before pqarrow reads them: each must lie within the file f (it
// reads the first row group's in goroutines of its own, where a damaged
// length makes a panic no recover catches), and so must each page, whose
// compressed size pqarrow allocates before reading it.
func checkColumnChunks(f *os.File, pf *file.Reader, leaves []int) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	size := st.Size()
	// Old parquet-mr writers left the dictionary page's header out of a
	// chunk's size (PARQUET-816): pqarrow reads that much more.
	old := pf.MetaData().WriterVersion().LessThan(metadata.Parquet816FixedVersion)
	for g := 0; g < pf.NumRowGroups(); g++ {
		rg := pf.MetaData().RowGroup(g)
		for _, leaf := range leaves {
			col, err := rg.ColumnChunk(leaf)
			if err != nil {
				return err
			}
			// Where pqarrow starts reading (RowGroupReader.GetColumnPageReader).
			start := col.DataPageOffset()
			if col.HasDictionaryPage() && col.DictionaryPageOffset() > 0 && start > col.DictionaryPageOffset() {
				start = col.DictionaryPageOffset()
			}
			n := col.TotalCompressedSize()
			if start < 0 || n < 0 || start > size || n > size-start {
				return fmt.Errorf("%w: row group %d's column %d is %d bytes at %d, in a file of %d", errMetadata, g, leaf, n, start, size)
			}
			if old {
				n += min(parquet816Padding, size-start-n)
			}
			if err := checkPages(f, start, start+n); err != nil {
				return fmt.Errorf("row group %d's column %d: %w", g, leaf, err)
			}
		}
	}
	return nil
}

// maxPageHeader bounds a page header, as pqarrow's reader does;
// parquet816Padding is pqarrow's allowance for a dictionary page's header.
const (
	maxPageHeader     = 16 << 20
	parquet816Padding = 100
)

// checkPages checks that every page of the column chunk from start to end
// of f, its header and its compressed bytes, lies within the chunk.
func checkPages(f *os.File, start, end int64) error {
	buf := make([]byte, 4<<10)
	for off := start; off < end; {
		window := min(int64(len(buf)), end-off)
		k, err := f.ReadAt(buf[:window], off)
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		head, body, err := pageHeader(buf[:k])
		if err != nil {
			if int64(k) == end-off || len(buf) >= maxPageHeader {
				return nil // no whole header: pqarrow says what is wrong
			}
			buf = make([]byte, 2*len(buf)) // a header larger than the window
			continue
		}
		if body < 0 || int64(body) > end-off-int64(head) {
			return fmt.Errorf("%w: a page of %d bytes at %d, past the column's end at %d", errMetadata, body, off, end)
		}
		off += int64(head) + int64(body)
	}
	return nil
}

// pageHeader reads the page header at the start of b (Parquet's thrift
// PageHeader, compact protocol) and returns its length and the page's
// compressed size (field 3), or an error if b holds no whole header.
func pageHeader(b []byte) (head int, body int32, err error) {
	const compressedPageSize = 3
	ctx := context.Background()
	buf := &thrift.TMemoryBuffer{Buffer: bytes.NewBuffer(b)}
	p := thrift.NewTCompactProtocolConf(buf, nil)
	if _, err := p.ReadStructBegin(ctx); err != nil {
		return 0, 0, err
	}
	for {
		_, typ, id, err := p.ReadFieldBegin(ctx)
		switch {
		case err != nil:
			return 0, 0, err
		case typ == thrift.STOP:
			return len(b) - buf.Len(), body, p.ReadStructEnd(ctx)
		case id == compressedPageSize && typ == thrift.I32:
			body, err = p.ReadI32(ctx)
		default:
			err = thrift.SkipDefaultDepth(ctx, p, typ)
		}
		if err != nil {
			return 0, 0, err
		}
		if err := p.ReadFieldEnd(ctx); err != nil {
			return 0, 0, err
		}
	}
}

// Schema returns FailuresSchema for a file with outcome columns read with
// Options.KeepFailures, else Schema.
func (r *ParquetReader) Schema() *arrow.Schema {
	return batchSchema(r.outcomes && r.opts.KeepFailures, false)
}

// Next reads the next batch; batches whose rows were all skipped are
// passed over.
func (r *ParquetReader) Next() bool {
	return r.nextChecked(func() (arrow.Record, error) {
		var more bool
		if err := recovered(func() error { more = r.rr.Next(); return nil }); err != nil {
			return nil, fmt.Errorf("read %s: %w", r.opts.Name, err)
		}
		if !more {
			if err := r.rr.Err(); err != nil && !errors.Is(err, io.EOF) {
				return nil, fmt.Errorf("read %s: %w", r.opts.Name, err)
			}
			return nil, nil
		}
		in := r.rr.Record()
		in.Retain()
		return in, nil
	}, r.columns, r.opts, &r.row)
}

// columns are the schema's columns of in, a batch of the file.
func (r *ParquetReader) columns(in arrow.Record) columns {
	c := columns{
		probe:  in.Column(r.cols[IdxProbe]).(*array.Int64),
		anchor: in.Column(r.cols[IdxAnchor]).(*array.Int64),
		ts:     in.Column(r.cols[IdxStartTime]).(*array.Timestamp),
		v4:     in.Column(r.cols[IdxV4]).(*array.Float64),
		v6:     in.Column(r.cols[IdxV6]).(*array.Float64),
		unit:   r.unit,
	}
	if r.outcomes {
		c.o4, c.o6 = in.Column(r.cols[IdxV4Outcome]), in.Column(r.cols[IdxV6Outcome])
	}
	return c
}

// toMicros converts a timestamp in unit to microseconds, flooring.
func toMicros(v int64, unit arrow.TimeUnit) int64 {
	switch unit {
	case arrow.Second:
		return v * 1_000_000
	case arrow.Millisecond:
		return v * 1000
	case arrow.Nanosecond:
		q := v / 1000
		if v%1000 < 0 {
			q--
		}
		return q
	}
	return v
}

// WriteParquet copies every batch of src to a Parquet file at path, written
// atomically: on error or cancellation nothing is left at path. Row groups
// hold ParquetRowGroupRows rows (the last fewer), columns are zstd
// compressed (the ids and any outcome columns dictionary-encoded too), and
// the Arrow schema is stored so start_time reads back as timestamp[us,
// UTC]. It returns the number of rows written. A row group is buffered in
// memory before it is written.
func WriteParquet(ctx context.Context, path string, src array.RecordReader) (int64, error) {
	out, err := atomicfile.Create(path)
	if err != nil {
		return 0, err
	}
	defer out.Abort()
	props := parquet.NewWriterProperties(
		parquet.WithCompression(compress.Codecs.Zstd),
		parquet.WithMaxRowGroupLength(ParquetRowGroupRows),
		// Ids repeat (dictionary-encoded); times and durations hardly do.
		parquet.WithDictionaryDefault(true),
		parquet.WithDictionaryFor(ColStartTime, false),
		parquet.WithDictionaryFor(ColV4, false),
		parquet.WithDictionaryFor(ColV6, false),
		parquet.WithCreatedBy("afsel"),
	)
	rows, w, err := copyRecords(ctx, path, src, func(schema *arrow.Schema) (recordWriter, error) {
		w, err := pqarrow.NewFileWriter(schema, out, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
		if err != nil {
			return nil, err
		}
		return bufferedParquet{w}, nil
	})
	if err != nil {
		return rows, err
	}
	if err := w.Close(); err != nil {
		return rows, fmt.Errorf("write %s: %w", path, err)
	}
	return rows, out.Commit()
}

// bufferedParquet writes batches into row groups of the maximum length.
type bufferedParquet struct{ *pqarrow.FileWriter }

func (w bufferedParquet) Write(rec arrow.Record) error { return w.WriteBuffered(rec) }

var _ Reader = (*ParquetReader)(nil)
