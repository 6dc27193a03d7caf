package ingest

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/afsel/afsel/outcome"
)

// Format is an input file format.
type Format string

// Formats afsel reads. Open chooses one by the file name (DetectFormat),
// OpenFormat takes it from the caller; both check it against the content.
const (
	FormatCSV         Format = "csv"     // the authors' CSV export, plain, gzip or bzip2
	FormatArrow       Format = "arrow"   // Arrow IPC, file or stream format (told apart by content)
	FormatArrowStream Format = "arrows"  // Arrow IPC stream format only
	FormatParquet     Format = "parquet" // Parquet (afsel's or a BigQuery export)
	FormatCBOR        Format = "cbor"    // the authors' simulator paths.cbor, plain, gzip or bzip2
)

// Formats lists the formats in the order help texts show them.
var Formats = []Format{FormatCSV, FormatArrow, FormatArrowStream, FormatParquet, FormatCBOR}

// ParseFormat returns the Format named s (case-insensitive), or an error
// listing the formats.
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	for _, k := range Formats {
		if f == k {
			return f, nil
		}
	}
	names := make([]string, len(Formats))
	for i, k := range Formats {
		names[i] = string(k)
	}
	return "", fmt.Errorf("unknown format %q: want one of %s", s, strings.Join(names, ", "))
}

// Reader is a stream of ingest-schema batches (Schema, or FailuresSchema
// for input with outcome columns read with Options.KeepFailures) with the
// counts of what was read and dropped.
type Reader interface {
	array.RecordReader
	// Stats returns the row counts so far; final once Next has returned false.
	Stats() Stats
}

var (
	magicGzip        = []byte{0x1f, 0x8b}
	magicBzip2       = []byte("BZh")
	magicArrow       = []byte("ARROW1")
	magicArrowStream = []byte{0xff, 0xff, 0xff, 0xff} // IPC continuation marker
	magicParquet     = []byte("PAR1")
)

// DetectFormat chooses the format of a file by its name, after removing a
// .gz or .bz2 suffix: .parquet is Parquet; .arrow, .ipc and .feather are
// Arrow IPC (file or stream, by content); .arrows is an Arrow IPC stream;
// .cbor is the simulator's CBOR; anything else is CSV.
func DetectFormat(path string) Format {
	base := strings.ToLower(path)
	for _, ext := range []string{".gz", ".bz2"} {
		base = strings.TrimSuffix(base, ext)
	}
	switch {
	case strings.HasSuffix(base, ".arrow"), strings.HasSuffix(base, ".ipc"), strings.HasSuffix(base, ".feather"):
		return FormatArrow
	case strings.HasSuffix(base, ".arrows"):
		return FormatArrowStream
	case strings.HasSuffix(base, ".parquet"):
		return FormatParquet
	case strings.HasSuffix(base, ".cbor"):
		return FormatCBOR
	}
	return FormatCSV
}

// Open opens the file at path and returns a reader of its batches, in the
// format its name says (DetectFormat). See OpenFormat. Release the reader to
// close the file.
func Open(path string, opts Options) (Reader, error) {
	return OpenFormat(path, "", opts)
}

// OpenFormat is Open with the format given: format, if not "", overrides
// the name. Either way the format is checked against the content: Arrow IPC
// files by their ARROW1 magic, IPC streams by the 0xFFFFFFFF continuation
// marker, Parquet by PAR1, CBOR by an array as first item; gzip and bzip2
// compression (of CSV and CBOR) is recognised by magic. A mismatch is an
// error naming the file and both formats. Release the reader to close the
// file.
func OpenFormat(path string, format Format, opts Options) (Reader, error) {
	return openSource(Source{Path: path, Format: format}, path, opts)
}

// Source is one input file: where its bytes are, the name that messages
// and the format's detection use (Path when empty: Name differs for a copy
// of a pipe's bytes), and its format ("": by the name).
type Source struct {
	Path   string
	Name   string
	Format Format
}

// DisplayName is the name messages and summaries give the source.
func (s Source) DisplayName() string {
	if s.Name != "" {
		return s.Name
	}
	return s.Path
}

// openSource opens s, detecting its format from detect.
func openSource(s Source, detect string, opts Options) (Reader, error) {
	path, format := s.Path, s.Format
	if opts.Name == "" {
		opts.Name = s.DisplayName()
	}
	by := "the format asked for is"
	if format == "" {
		format, by = DetectFormat(detect), "the name says"
	} else {
		f, err := ParseFormat(string(format))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", opts.Name, err)
		}
		format = f
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	r, err := open(f, format, by, opts)
	if err != nil {
		f.Close()
		return nil, err
	}
	return r, nil
}

// content is what the first bytes of a file say it is.
type content int

const (
	contentOther content = iota
	contentArrowFile
	contentArrowStream
	contentParquet
	contentGzip
	contentBzip2
	contentCBOR
)

func (c content) String() string {
	return [...]string{"text", "an Arrow IPC file", "an Arrow IPC stream", "a Parquet file", "gzip", "bzip2", "CBOR"}[c]
}

func sniff(head []byte) content {
	switch {
	case bytes.HasPrefix(head, magicArrow):
		return contentArrowFile
	case bytes.HasPrefix(head, magicArrowStream):
		return contentArrowStream
	case bytes.HasPrefix(head, magicParquet):
		return contentParquet
	case bytes.HasPrefix(head, magicGzip):
		return contentGzip
	case bytes.HasPrefix(head, magicBzip2):
		return contentBzip2
	case len(head) > 0 && head[0]>>5 == 4: // CBOR major type 4: array
		return contentCBOR
	}
	return contentOther
}

func open(f *os.File, format Format, by string, opts Options) (Reader, error) {
	in := counted(f, opts.BytesRead)
	br := bufio.NewReaderSize(in, 1<<20)
	// The readers at offsets read the file from its start again.
	uncount := func() {
		if opts.BytesRead != nil {
			opts.BytesRead.Add(-int64(br.Buffered()))
		}
	}
	head, err := br.Peek(8)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read %s: %w", opts.Name, err)
	}
	kind := sniff(head)
	packed := "" // compression around the content, for messages
	mismatch := func() error {
		return fmt.Errorf("%s: content is %s%s but %s %s", opts.Name, packed, kind, by, format)
	}
	switch format {
	case FormatArrow, FormatArrowStream:
		switch {
		case kind == contentArrowFile && format == FormatArrow:
			uncount()
			return openIPC(f, in, opts)
		case kind == contentArrowStream:
			return openIPCStream(br, f, opts)
		case kind == contentArrowFile:
			return nil, fmt.Errorf("%s: content is an Arrow IPC file, not a stream, but %s %s (name it .arrow)", opts.Name, by, format)
		}
		return nil, fmt.Errorf("%s: not an Arrow IPC file or stream (no ARROW1 magic or 0xFFFFFFFF marker; content is %s)", opts.Name, kind)
	case FormatParquet:
		if kind != contentParquet {
			return nil, fmt.Errorf("%s: not a Parquet file (no PAR1 magic; content is %s)", opts.Name, kind)
		}
		uncount()
		return openParquet(f, in, opts)
	case FormatCSV, FormatCBOR:
	default:
		return nil, fmt.Errorf("%s: unknown format %q", opts.Name, format)
	}
	var text *bufio.Reader = br
	switch kind {
	case contentArrowFile, contentArrowStream, contentParquet:
		return nil, mismatch()
	case contentGzip:
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("read %s: gzip: %w", opts.Name, err)
		}
		text = bufio.NewReaderSize(zr, 1<<20)
	case contentBzip2:
		text = bufio.NewReaderSize(bzip2.NewReader(br), 1<<20)
	}
	if text != br {
		// Check what the compressed stream holds. A read error here is
		// left for the reader to report with its context.
		packed = kind.String() + " holding "
		h, _ := text.Peek(8)
		kind = sniff(h)
	}
	switch {
	case format == FormatCBOR && kind != contentCBOR:
		return nil, fmt.Errorf("%s: content is %s%s, not a CBOR array of pairs, but %s cbor", opts.Name, packed, kind, by)
	case format == FormatCBOR:
		cr, err := NewCBORReader(text, opts)
		if err != nil {
			return nil, err
		}
		cr.closer = f
		return cr, nil
	case kind != contentOther:
		return nil, mismatch()
	}
	cr, err := NewCSVReader(text, opts)
	if err != nil {
		return nil, err
	}
	cr.closer = f
	return cr, nil
}

// Concat reads several files one after another as one stream: each is
// opened (with OpenFormat, format "" meaning by name) when the previous one
// is exhausted and released then, so one file is open at a time. Stats add
// up over the files. The first file is opened by OpenFiles, so an error in
// it is reported at once; errors in later files come from Next/Err and name
// the file.
//
// Files may mix the five-column schema and the one with outcome columns.
// Without Options.KeepFailures every batch is of Schema (files with
// outcomes lose their rows with a failed test). With it, when some file
// has outcome columns, every batch is of FailuresSchema: the rows of the
// files without them get outcome ok, as the authors' query kept only tests
// that worked; to know it, OpenFiles opens each file's header or schema
// once beforehand.
type Concat struct {
	srcs []Source
	opts Options
	i    int // index of cur in paths
	cur  Reader
	done Stats // of the files before cur
	refs atomic.Int64
	err  error
	// outcomes: every batch has outcome columns (FailuresSchema); rec is
	// cur's batch given them, if it had none.
	outcomes bool
	rec      arrow.Record
}

// OpenFiles opens paths, in the order given, as one Concat reader. opts.Name
// is ignored: errors name each file by its path.
func OpenFiles(paths []string, format Format, opts Options) (*Concat, error) {
	srcs := make([]Source, len(paths))
	for i, p := range paths {
		srcs[i] = Source{Path: p, Format: format}
	}
	return OpenSources(srcs, opts)
}

// OpenSources is OpenFiles of sources: each named, and its format detected,
// by its Name.
func OpenSources(srcs []Source, opts Options) (*Concat, error) {
	if len(srcs) == 0 {
		return nil, errors.New("no input files")
	}
	opts.Name = ""
	first, err := openSource(srcs[0], srcs[0].DisplayName(), opts)
	if err != nil {
		return nil, err
	}
	c := &Concat{srcs: srcs, opts: opts, cur: first}
	c.outcomes = opts.KeepFailures && anyOutcomes(first, srcs[1:], opts)
	c.refs.Store(1)
	return c, nil
}

// anyOutcomes reports whether the reader first or a file of rest is read
// with outcome columns. A file that does not open is left for Next to
// report in its turn.
func anyOutcomes(first Reader, rest []Source, opts Options) bool {
	if HasOutcomes(first.Schema()) {
		return true
	}
	opts.BytesRead = nil // the files are read again
	for _, s := range rest {
		r, err := openSource(s, s.DisplayName(), opts)
		if err != nil {
			continue
		}
		has := HasOutcomes(r.Schema())
		r.Release()
		if has {
			return true
		}
	}
	return false
}

// Schema returns FailuresSchema when every batch has outcome columns (see
// Concat), else the first file's schema: Schema, or UntimedSchema for
// CBOR. Each batch carries its own schema, which may differ from this one
// in its start_time's nullability: a batch of input without times (CBOR)
// is of UntimedSchema, or its variant with outcome columns.
func (c *Concat) Schema() *arrow.Schema {
	switch {
	case c.outcomes:
		return FailuresSchema
	case c.cur != nil:
		return c.cur.Schema()
	}
	return Schema
}

// Next moves to the next batch, opening the next file when one ends.
func (c *Concat) Next() bool {
	c.dropRecord()
	for c.err == nil && c.cur != nil {
		if c.cur.Next() {
			if rec := c.cur.Record(); c.outcomes && !HasOutcomes(rec.Schema()) {
				c.rec = withOKOutcomes(c.opts.Allocator, rec)
			}
			return true
		}
		if err := c.cur.Err(); err != nil {
			c.err = err
			return false
		}
		c.done.Add(c.cur.Stats())
		c.cur.Release()
		c.cur = nil
		c.i++
		if c.i == len(c.srcs) {
			return false
		}
		r, err := openSource(c.srcs[c.i], c.srcs[c.i].DisplayName(), c.opts)
		if err != nil {
			c.err = err
			return false
		}
		c.cur = r
	}
	return false
}

// Record returns the current batch, valid until Next or Release.
func (c *Concat) Record() arrow.Record {
	switch {
	case c.rec != nil:
		return c.rec
	case c.cur == nil:
		return nil
	}
	return c.cur.Record()
}

func (c *Concat) dropRecord() {
	if c.rec != nil {
		c.rec.Release()
		c.rec = nil
	}
}

// withOKOutcomes returns rec, a batch without outcome columns, with them:
// every test worked.
func withOKOutcomes(mem memory.Allocator, rec arrow.Record) arrow.Record {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	n := int(rec.NumRows())
	b := array.NewStringBuilder(mem)
	defer b.Release()
	b.Reserve(n)
	for range n {
		b.Append(outcome.OK.String())
	}
	ok := b.NewStringArray()
	defer ok.Release()
	untimed := n > 0 && rec.Column(IdxStartTime).NullN() == n
	cols := append(slices.Clone(rec.Columns()), ok, ok)
	return array.NewRecord(batchSchema(true, untimed), cols, int64(n))
}

// Err returns the first error met.
func (c *Concat) Err() error { return c.err }

// Stats returns the row counts of all files so far.
func (c *Concat) Stats() Stats {
	var st Stats
	st.Add(c.done)
	if c.cur != nil {
		st.Add(c.cur.Stats())
	}
	return st
}

// Retain increases the reference count.
func (c *Concat) Retain() { c.refs.Add(1) }

// Release decreases the reference count and releases the open file's
// reader at zero.
func (c *Concat) Release() {
	if c.refs.Add(-1) != 0 {
		return
	}
	c.dropRecord()
	if c.cur != nil {
		c.cur.Release()
		c.cur = nil
	}
}

var _ Reader = (*Concat)(nil)
