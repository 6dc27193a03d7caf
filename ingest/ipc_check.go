package ingest

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	flatbuffers "github.com/google/flatbuffers/go"

	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// Arrow's IPC reader makes a Go slice of the length each vector of a
// schema's metadata claims before reading the vector, so a damaged length
// (up to 2^32) makes the process die of a huge allocation, which no
// recover catches. checkSchema checks the schema's vectors before the
// reader sees them: a vector of n offsets needs 4n bytes of the metadata.
// Offsets outside the metadata panic, as in Arrow's own reading, and are
// recovered by the caller.

// errMetadata is a damaged IPC metadata.
var errMetadata = errors.New("damaged metadata")

// Vtable slots (4 + 2 × the field's index) of the flatbuffer tables of
// Arrow's format (format/Schema.fbs, Message.fbs, File.fbs) read here.
const (
	slotMessageHeaderType = 6  // Message.header_type
	slotMessageHeader     = 8  // Message.header
	slotMessageBodyLength = 10 // Message.bodyLength
	slotSchemaFields      = 6  // Schema.fields
	slotSchemaMetadata    = 8  // Schema.custom_metadata
	slotFieldTypeType     = 8  // Field.type_type
	slotFieldType         = 10 // Field.type
	slotFieldChildren     = 14 // Field.children
	slotFieldMetadata     = 16 // Field.custom_metadata
	slotUnionTypeIDs      = 6  // Union.typeIds
	slotFooterSchema      = 6  // Footer.schema
	slotFooterDicts       = 8  // Footer.dictionaries (structs of 24 bytes)
	slotFooterBatches     = 10 // Footer.recordBatches (structs of 24 bytes)

	headerSchema = 1  // MessageHeader.Schema
	typeUnion    = 14 // Type.Union
	blockSize    = 24 // Block: offset, metaDataLength (padded), bodyLength
	maxDepth     = 64 // of nested fields
)

// vector returns the length and data start of the vector in slot of t, and
// checks that n elements of size bytes fit in the metadata.
func vector(t *flatbuffers.Table, slot flatbuffers.VOffsetT, size int) (int, flatbuffers.UOffsetT, error) {
	o := flatbuffers.UOffsetT(t.Offset(slot))
	if o == 0 {
		return 0, 0, nil
	}
	n := t.VectorLen(o)
	if n < 0 || n > len(t.Bytes)/size {
		return 0, 0, fmt.Errorf("%w: a vector of %d elements in %d bytes", errMetadata, n, len(t.Bytes))
	}
	return n, t.Vector(o), nil
}

// tables checks the vector of tables in slot of t, and each table with
// check.
func tables(t *flatbuffers.Table, slot flatbuffers.VOffsetT, check func(*flatbuffers.Table) error) error {
	n, start, err := vector(t, slot, 4)
	for j := 0; j < n && err == nil; j++ {
		e := flatbuffers.Table{Bytes: t.Bytes, Pos: t.Indirect(start + flatbuffers.UOffsetT(4*j))}
		err = check(&e)
	}
	return err
}

func noCheck(*flatbuffers.Table) error { return nil }

func checkSchemaTable(t *flatbuffers.Table) error {
	if err := tables(t, slotSchemaMetadata, noCheck); err != nil {
		return err
	}
	return tables(t, slotSchemaFields, func(f *flatbuffers.Table) error { return checkField(f, 1) })
}

func checkField(t *flatbuffers.Table, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("%w: fields nested over %d deep", errMetadata, maxDepth)
	}
	if err := tables(t, slotFieldMetadata, noCheck); err != nil {
		return err
	}
	if o := flatbuffers.UOffsetT(t.Offset(slotFieldTypeType)); o != 0 && t.GetByte(t.Pos+o) == typeUnion {
		if o := flatbuffers.UOffsetT(t.Offset(slotFieldType)); o != 0 {
			var u flatbuffers.Table
			t.Union(&u, o)
			if _, _, err := vector(&u, slotUnionTypeIDs, 4); err != nil {
				return err
			}
		}
	}
	return tables(t, slotFieldChildren, func(c *flatbuffers.Table) error { return checkField(c, depth+1) })
}

// root is the root table of the flatbuffer buf.
func root(buf []byte) *flatbuffers.Table {
	return &flatbuffers.Table{Bytes: buf, Pos: flatbuffers.GetUOffsetT(buf)}
}

// checkStreamSchema checks the schema message at the start of an IPC
// stream, peeked from br.
func checkStreamSchema(br *bufio.Reader) error {
	head, err := br.Peek(8)
	if err != nil {
		return nil // too short: Arrow's reader says so
	}
	start, n := 4, binary.LittleEndian.Uint32(head)
	if n == 0xffffffff { // the continuation marker
		start, n = 8, binary.LittleEndian.Uint32(head[4:])
	}
	if int64(n) > int64(br.Size()-start) {
		return fmt.Errorf("%w: a schema message of %d bytes", errMetadata, n)
	}
	b, err := br.Peek(start + int(n))
	if err != nil {
		return nil // truncated: Arrow's reader says so
	}
	m := root(b[start:])
	if o := flatbuffers.UOffsetT(m.Offset(slotMessageHeaderType)); o == 0 || m.GetByte(m.Pos+o) != headerSchema {
		return nil // not a schema: Arrow's reader says so
	}
	o := flatbuffers.UOffsetT(m.Offset(slotMessageHeader))
	if o == 0 {
		return nil
	}
	var s flatbuffers.Table
	m.Union(&s, o)
	return checkSchemaTable(&s)
}

// maxMessageMetadata bounds the metadata of an IPC stream's message: an
// ingest schema's, or a batch's of it, takes some hundred bytes.
const maxMessageMetadata = 16 << 20

// checkedMessages is Arrow's reader of the IPC stream messages in br,
// checking each message's metadata length before it reads the message:
// it makes a Go slice of what the length says (2 GB in a damaged stream),
// not from the stream's allocator.
type checkedMessages struct {
	ipc.MessageReader
	br *bufio.Reader
}

func (m checkedMessages) Message() (*ipc.Message, error) {
	if head, err := m.br.Peek(8); err == nil { // else Arrow's reader says what is wrong
		n := binary.LittleEndian.Uint32(head)
		if n == 0xffffffff { // the continuation marker
			n = binary.LittleEndian.Uint32(head[4:])
		}
		if int32(n) > maxMessageMetadata {
			return nil, fmt.Errorf("%w: a message of %d bytes", errMetadata, n)
		}
	}
	return m.MessageReader.Message()
}

// checkMessageBody checks that the body of the IPC message at the start of
// b, whole in memory (a Parquet file's stored schema), fits in b: Arrow's
// reader allocates what its length says, with an allocator not ours.
func checkMessageBody(b []byte) error {
	if len(b) < 8 {
		return nil // too short: Arrow's reader says so
	}
	start, n := 4, int64(binary.LittleEndian.Uint32(b))
	if n == 0xffffffff {
		start, n = 8, int64(binary.LittleEndian.Uint32(b[4:]))
	}
	if n > int64(len(b)-start) {
		return fmt.Errorf("%w: a message of %d bytes in %d", errMetadata, n, len(b))
	}
	m := root(b[start : start+int(n)])
	if o := flatbuffers.UOffsetT(m.Offset(slotMessageBodyLength)); o != 0 {
		if body := m.GetInt64(m.Pos + o); body < 0 || body > int64(len(b)-start)-n {
			return fmt.Errorf("%w: a message body of %d bytes in %d", errMetadata, body, len(b))
		}
	}
	return nil
}

// checkFileFooter checks the footer of the IPC file f: its schema and its
// lists of blocks.
func checkFileFooter(f *os.File) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	size := st.Size()
	var tail [10]byte // footer length, "ARROW1"
	if size < int64(len(tail)) {
		return nil
	}
	if _, err := f.ReadAt(tail[:], size-int64(len(tail))); err != nil {
		return err
	}
	n := int64(binary.LittleEndian.Uint32(tail[:4]))
	if n <= 0 || n > size-int64(len(tail)) {
		return nil // Arrow's reader says what is wrong
	}
	buf := make([]byte, n)
	if _, err := f.ReadAt(buf, size-int64(len(tail))-n); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	footer := root(buf)
	for _, slot := range []flatbuffers.VOffsetT{slotFooterDicts, slotFooterBatches} {
		if _, _, err := vector(footer, slot, blockSize); err != nil {
			return err
		}
	}
	if o := flatbuffers.UOffsetT(footer.Offset(slotFooterSchema)); o != 0 {
		s := flatbuffers.Table{Bytes: buf, Pos: footer.Indirect(o + footer.Pos)}
		return checkSchemaTable(&s)
	}
	return nil
}

// limitAllocator refuses allocations larger than a bound, by a panic that
// recovered turns into an error: Arrow's reader sizes buffers by lengths a
// damaged file may make up.
type limitAllocator struct {
	memory.Allocator
	limit int
}

// errAllocation is the panic of a refused allocation.
var errAllocation = errors.New("a buffer larger than the file could hold")

func (a limitAllocator) Allocate(size int) []byte {
	if size > a.limit {
		panic(errAllocation)
	}
	return a.Allocator.Allocate(size)
}

func (a limitAllocator) Reallocate(size int, b []byte) []byte {
	if size > a.limit {
		panic(errAllocation)
	}
	return a.Allocator.Reallocate(size, b)
}

// bufferLimit bounds the buffers an IPC input of size bytes may need:
// compressed bodies grow some times (afsel writes none), damaged lengths
// without bound, and zeroing a buffer of a gigabyte that a damaged length
// asked for takes a while.
func bufferLimit(size int64) int {
	return int(min(4<<20+256*size, 1<<62))
}
