package ingest

import (
	"io"
	"os"
	"sync/atomic"
)

// input is an input file as the format readers read it: sequentially
// (CSV, CBOR, Arrow IPC streams) or at offsets (Arrow IPC files, Parquet).
type input interface {
	io.Reader
	io.ReaderAt
	io.Seeker
}

// counted returns f, its reads added to n (Options.BytesRead) if n is set.
func counted(f *os.File, n *atomic.Int64) input {
	if n == nil {
		return f
	}
	return countedFile{f, n}
}

// countedFile is a file whose reads are counted, for a progress meter.
type countedFile struct {
	f *os.File
	n *atomic.Int64
}

func (c countedFile) Read(p []byte) (int, error) {
	k, err := c.f.Read(p)
	c.n.Add(int64(k))
	return k, err
}

func (c countedFile) ReadAt(p []byte, off int64) (int, error) {
	k, err := c.f.ReadAt(p, off)
	c.n.Add(int64(k))
	return k, err
}

func (c countedFile) Seek(off int64, whence int) (int64, error) { return c.f.Seek(off, whence) }
