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
	"strings"

	"github.com/apache/arrow/go/v15/arrow/array"
)

// Format is an input file format.
type Format string

// Formats afsel reads.
const (
	FormatCSV   Format = "csv"
	FormatArrow Format = "arrow" // Arrow IPC file format
)

// Reader is a stream of ingest-schema batches with the counts of what was
// read and dropped.
type Reader interface {
	array.RecordReader
	// Stats returns the row counts so far; final once Next has returned false.
	Stats() Stats
}

var (
	magicGzip  = []byte{0x1f, 0x8b}
	magicBzip2 = []byte("BZh")
	magicArrow = []byte("ARROW1")
)

// DetectFormat chooses the format of a file by its name: .arrow, .ipc and
// .feather are Arrow IPC files, anything else is CSV (optionally .gz or .bz2).
func DetectFormat(path string) Format {
	base := strings.ToLower(path)
	for _, ext := range []string{".gz", ".bz2"} {
		base = strings.TrimSuffix(base, ext)
	}
	switch {
	case strings.HasSuffix(base, ".arrow"), strings.HasSuffix(base, ".ipc"), strings.HasSuffix(base, ".feather"):
		return FormatArrow
	}
	return FormatCSV
}

// Open opens the file at path and returns a reader of its batches. The format
// comes from the name (DetectFormat) and is checked against the content:
// compression is recognised by magic bytes, and an Arrow file by its magic.
// Release the reader to close the file.
func Open(path string, opts Options) (Reader, error) {
	if opts.Name == "" {
		opts.Name = path
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	r, err := open(f, DetectFormat(path), opts)
	if err != nil {
		f.Close()
		return nil, err
	}
	return r, nil
}

func open(f *os.File, format Format, opts Options) (Reader, error) {
	br := bufio.NewReaderSize(f, 1<<20)
	head, err := br.Peek(8)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read %s: %w", opts.Name, err)
	}
	if bytes.HasPrefix(head, magicArrow) {
		if format != FormatArrow {
			return nil, fmt.Errorf("%s: content is an Arrow IPC file but the name says %s", opts.Name, format)
		}
		return openIPC(f, opts)
	}
	if format == FormatArrow {
		return nil, fmt.Errorf("%s: not an Arrow IPC file (no ARROW1 magic)", opts.Name)
	}
	var text io.Reader = br
	switch {
	case bytes.HasPrefix(head, magicGzip):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("read %s: gzip: %w", opts.Name, err)
		}
		text = bufio.NewReaderSize(zr, 1<<20)
	case bytes.HasPrefix(head, magicBzip2):
		text = bufio.NewReaderSize(bzip2.NewReader(br), 1<<20)
	}
	cr, err := NewCSVReader(text, opts)
	if err != nil {
		return nil, err
	}
	cr.closer = f
	return cr, nil
}
