package ingest

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/fxamacker/cbor/v2"

	"github.com/afsel/afsel/internal/atomicfile"
)

// UntimedSchema is Schema with a nullable start_time: the schema of batches
// read from inputs without times (the simulator's paths.cbor), in which
// every start_time is null. CheckSchema accepts it (it ignores
// nullability). Package pairs groups such batches in input order; stages
// that need times must check pairs.Series.HasTime and say they cannot run.
var UntimedSchema = arrow.NewSchema([]arrow.Field{
	{Name: ColProbe, Type: arrow.PrimitiveTypes.Int64},
	{Name: ColAnchor, Type: arrow.PrimitiveTypes.Int64},
	{Name: ColStartTime, Type: TimestampType, Nullable: true},
	{Name: ColV4, Type: arrow.PrimitiveTypes.Float64},
	{Name: ColV6, Type: arrow.PrimitiveTypes.Float64},
}, nil)

// CBORPair is one entry of the simulator's paths.cbor: a pair's paired
// tests in time order, as the CBOR array [prb_id, anchor_id, [v4 ms...],
// [v6 ms...]]. The file is a CBOR array of entries and holds no times.
type CBORPair struct {
	_      struct{} `cbor:",toarray"`
	Probe  int64
	Anchor int64
	V4     []float64
	V6     []float64
}

var (
	cborEnc cbor.EncMode
	cborDec cbor.DecMode
)

func init() {
	var err error
	// Python's cbor package writes floats as float64 and lists as
	// definite-length arrays; so do we, also for empty lists.
	cborEnc, err = cbor.EncOptions{
		ShortestFloat: cbor.ShortestFloatNone,
		NaNConvert:    cbor.NaNConvertNone,
		InfConvert:    cbor.InfConvertNone,
		NilContainers: cbor.NilContainerAsEmpty,
	}.EncMode()
	if err != nil {
		panic("ingest: " + err.Error())
	}
	cborDec, err = cbor.DecOptions{MaxArrayElements: math.MaxInt32}.DecMode()
	if err != nil {
		panic("ingest: " + err.Error())
	}
}

// CBORReader streams a paths.cbor file as batches of UntimedSchema, one row
// per paired test, entries in file order. Only a definite-length outer
// array is accepted (what Python's cbor.dump writes). Durations may be
// CBOR floats or integers. Malformed input is a RowError whose Line is the
// 1-based entry (pair) of the outer array; an entry whose v4 and v6 lists
// differ in length, or a NaN, infinite or negative duration, may be skipped
// with Options.SkipBadRows (a bad entry counts its longer list's length as
// dropped rows); CBOR that cannot be decoded always stops the reader.
//
// paths.cbor has no place for outcomes: its tests are those that worked,
// and its batches never have outcome columns, whatever
// Options.KeepFailures says.
type CBORReader struct {
	batches
	opts  Options
	src   *ioErrReader
	dec   *cbor.Decoder
	count uint64 // entries in the outer array
	entry uint64 // entries decoded
	cur   *CBORPair
	k     int // next test of cur
	done  bool
}

// ioErrReader remembers the read error of the underlying reader, to tell
// I/O errors from malformed CBOR.
type ioErrReader struct {
	r   io.Reader
	err error
}

func (r *ioErrReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		r.err = err
	}
	return n, err
}

// NewCBORReader reads the outer array header from r and returns a reader of
// its entries.
func NewCBORReader(r io.Reader, opts Options) (*CBORReader, error) {
	opts = opts.withDefaults()
	c := &CBORReader{opts: opts, src: &ioErrReader{r: r}}
	br := bufio.NewReader(c.src)
	n, err := readArrayHeader(br)
	if err != nil {
		if c.src.err != nil {
			return nil, fmt.Errorf("read %s: %w", opts.Name, c.src.err)
		}
		return nil, &RowError{File: opts.Name, Line: 0, Reason: err.Error()}
	}
	c.count = n
	c.dec = cborDec.NewDecoder(br)
	c.start()
	c.bld = array.NewRecordBuilder(opts.Allocator, UntimedSchema)
	return c, nil
}

var errIndefinite = errors.New("indefinite-length outer array not supported")

// readArrayHeader reads the head of a CBOR array and returns its length.
func readArrayHeader(r *bufio.Reader) (uint64, error) {
	b, err := r.ReadByte()
	if err == io.EOF {
		return 0, errors.New("empty input, want a CBOR array of pairs")
	}
	if err != nil {
		return 0, err
	}
	if b>>5 != 4 {
		return 0, fmt.Errorf("first item has CBOR major type %d, want an array (4)", b>>5)
	}
	info := b & 0x1f
	var size int
	switch {
	case info < 24:
		return uint64(info), nil
	case info == 31:
		return 0, errIndefinite
	case info > 27:
		return 0, fmt.Errorf("malformed array head 0x%02x", b)
	default:
		size = 1 << (info - 24)
	}
	buf := make([]byte, 8)
	if _, err := io.ReadFull(r, buf[8-size:]); err != nil {
		return 0, fmt.Errorf("truncated array head: %w", err)
	}
	return binary.BigEndian.Uint64(buf), nil
}

// Schema returns UntimedSchema.
func (c *CBORReader) Schema() *arrow.Schema { return UntimedSchema }

func (c *CBORReader) fail(err error) bool {
	c.err = err
	c.done = true
	return false
}

func (c *CBORReader) rowErr(field, reason, value string) *RowError {
	return &RowError{File: c.opts.Name, Line: int64(c.entry), Unit: UnitEntry, Field: field, Reason: reason, Value: value}
}

// bad handles a malformed entry or test of rows rows.
func (c *CBORReader) bad(e *RowError, rows int) bool {
	if !c.opts.SkipBadRows {
		return c.fail(e)
	}
	c.stats.RowsRead += int64(rows)
	c.stats.drop(e.key(), int64(rows))
	return true
}

// decode reads the next entry into c.cur, which stays nil on error (see
// c.done) or when the entry is skipped.
func (c *CBORReader) decode() bool {
	var pp *CBORPair
	c.entry++
	if err := c.dec.Decode(&pp); err != nil {
		if c.src.err != nil {
			return c.fail(fmt.Errorf("read %s: %w", c.opts.Name, c.src.err))
		}
		reason := "malformed CBOR: " + err.Error()
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			reason = fmt.Sprintf("truncated: %d of %d entries", c.entry-1, c.count)
		}
		return c.fail(c.rowErr("", reason, ""))
	}
	if pp == nil {
		// A null entry holds no pair: one malformed row, not none.
		return c.bad(c.rowErr("", "null entry", ""), 1)
	}
	p := *pp
	if len(p.V4) != len(p.V6) {
		e := c.rowErr("", "v4 and v6 lists differ in length", fmt.Sprintf("%d and %d", len(p.V4), len(p.V6)))
		return c.bad(e, max(len(p.V4), len(p.V6)))
	}
	c.cur, c.k = &p, 0
	return true
}

// Next reads the next batch. It returns false at the end of input or on
// error.
func (c *CBORReader) Next() bool {
	c.dropRecord()
	if c.done {
		return false
	}
	probe, anchor, ts, v4, v6 := Builders(c.bld)
	n := 0
	for n < c.opts.BatchSize {
		if c.cur == nil {
			if c.entry == c.count {
				if c.trailing() {
					return false
				}
				c.done = true
				break
			}
			c.decode()
			if c.cur == nil { // failed, or a bad entry skipped
				if c.done {
					return false
				}
				continue
			}
		}
		p := c.cur
		m := min(len(p.V4)-c.k, c.opts.BatchSize-n)
		for _, b := range []array.Builder{probe, anchor, ts, v4, v6} {
			b.Reserve(m)
		}
		for ; m > 0; m-- {
			a, b := p.V4[c.k], p.V6[c.k]
			c.k++
			if e := c.checkDuration(a, ColV4); e != nil {
				if !c.bad(e, 1) {
					return false
				}
				continue
			}
			if e := c.checkDuration(b, ColV6); e != nil {
				if !c.bad(e, 1) {
					return false
				}
				continue
			}
			probe.UnsafeAppend(p.Probe)
			anchor.UnsafeAppend(p.Anchor)
			ts.UnsafeAppendBoolToBitmap(false)
			v4.UnsafeAppend(a)
			v6.UnsafeAppend(b)
			n++
		}
		if c.k == len(p.V4) {
			c.cur = nil
		}
	}
	c.stats.RowsRead += int64(n)
	c.stats.RowsKept += int64(n)
	if n == 0 {
		return false
	}
	c.rec = c.bld.NewRecord()
	return true
}

// trailing fails the reader if anything follows the outer array.
func (c *CBORReader) trailing() bool {
	var b [1]byte
	k, _ := io.ReadFull(io.MultiReader(c.dec.Buffered(), c.src), b[:])
	if c.src.err != nil {
		return !c.fail(fmt.Errorf("read %s: %w", c.opts.Name, c.src.err))
	}
	if k > 0 {
		c.entry++
		return !c.fail(c.rowErr("", "data after the outer array", ""))
	}
	return false
}

// checkDuration checks a duration of the current entry by every format's
// rules.
func (c *CBORReader) checkDuration(v float64, name string) *RowError {
	e := checkDuration(v, name)
	if e != nil {
		e.File, e.Line, e.Unit = c.opts.Name, int64(c.entry), UnitEntry
	}
	return e
}

// CBORWriter writes a paths.cbor file the way the authors' simulator reads
// it with Python's cbor.load: a definite-length CBOR array of CBORPair
// entries, ids as CBOR integers, durations as float64. It has no place for
// outcomes: write only tests that worked. Entries go to a
// spool file beside path until Commit, which writes the array head (its
// length known only then) and the entries to path atomically.
type CBORWriter struct {
	path  string
	spool *os.File
	bw    *bufio.Writer
	enc   *cbor.Encoder
	n     uint64
}

// CreateCBOR starts writing a paths.cbor file at path. The directory must
// exist. Call Commit to write it, or Abort.
func CreateCBOR(path string) (*CBORWriter, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".spool-*")
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	os.Remove(f.Name()) // unlinked: gone when closed, whatever happens
	w := &CBORWriter{path: path, spool: f, bw: bufio.NewWriterSize(f, 1<<20)}
	w.enc = cborEnc.NewEncoder(w.bw)
	return w, nil
}

// Write appends one pair's tests, in time order. v4 and v6 must have the
// same length.
func (w *CBORWriter) Write(probe, anchor int64, v4, v6 []float64) error {
	if len(v4) != len(v6) {
		return fmt.Errorf("write %s: pair %d-%d: %d v4 and %d v6 durations", w.path, probe, anchor, len(v4), len(v6))
	}
	if err := w.enc.Encode(CBORPair{Probe: probe, Anchor: anchor, V4: v4, V6: v6}); err != nil {
		return fmt.Errorf("write %s: %w", w.path, err)
	}
	w.n++
	return nil
}

// Pairs is the number of entries written so far.
func (w *CBORWriter) Pairs() int { return int(w.n) }

// Reset discards the entries written so far.
func (w *CBORWriter) Reset() error {
	w.bw.Reset(w.spool)
	w.n = 0
	if err := w.spool.Truncate(0); err != nil {
		return fmt.Errorf("write %s: %w", w.path, err)
	}
	if _, err := w.spool.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("write %s: %w", w.path, err)
	}
	return nil
}

// Commit writes the file at path atomically and releases the spool.
func (w *CBORWriter) Commit() error {
	defer w.Abort()
	if err := w.bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", w.path, err)
	}
	if _, err := w.spool.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("write %s: %w", w.path, err)
	}
	out, err := atomicfile.Create(w.path)
	if err != nil {
		return err
	}
	defer out.Abort()
	if _, err := out.Write(arrayHeader(w.n)); err != nil {
		return fmt.Errorf("write %s: %w", w.path, err)
	}
	if _, err := io.Copy(out, w.spool); err != nil {
		return fmt.Errorf("write %s: %w", w.path, err)
	}
	return out.Commit()
}

// Abort discards the spool; path is left untouched. It is safe after
// Commit.
func (w *CBORWriter) Abort() {
	if w.spool != nil {
		w.spool.Close()
		w.spool = nil
	}
}

// arrayHeader is the shortest head of a definite-length CBOR array of n
// items.
func arrayHeader(n uint64) []byte {
	const major = 4 << 5
	switch {
	case n < 24:
		return []byte{major | byte(n)}
	case n <= math.MaxUint8:
		return []byte{major | 24, byte(n)}
	case n <= math.MaxUint16:
		return binary.BigEndian.AppendUint16([]byte{major | 25}, uint16(n))
	case n <= math.MaxUint32:
		return binary.BigEndian.AppendUint32([]byte{major | 26}, uint32(n))
	}
	return binary.BigEndian.AppendUint64([]byte{major | 27}, n)
}

var _ Reader = (*CBORReader)(nil)
