// Package goldentest gives tests the golden data set: the authors' CSV
// export of a synthetic week (testdata/golden/data.csv.gz, 800 pairs,
// 207,099 paired tests) and their pipeline's outputs on it, from any
// package's directory. Test code only.
package goldentest

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/pairs"
)

// Rows is the number of paired tests in the golden data.
const Rows = 207099

// dir is testdata/golden at the module's root, found from this file.
var dir = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "golden")
}()

// Path returns the path of the golden file name, e.g. "ripe_simulation.csv".
func Path(name string) string { return filepath.Join(dir, name) }

// Data is the path of the golden paired tests.
func Data() string { return Path("data.csv.gz") }

// Open opens the golden paired tests; it is a pairs.Opener.
func Open() (ingest.Reader, error) { return ingest.Open(Data(), ingest.Options{}) }

var text struct {
	once sync.Once
	b    []byte
	err  error
}

// Text returns the golden paired tests as CSV text, decompressed once per
// process; callers must not modify it.
func Text(t testing.TB) []byte {
	t.Helper()
	text.once.Do(func() {
		f, err := os.Open(Data())
		if err != nil {
			text.err = err
			return
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			text.err = err
			return
		}
		text.b, text.err = io.ReadAll(zr)
	})
	if text.err != nil {
		t.Fatal(text.err)
	}
	return text.b
}

// Reversed returns the golden CSV with its rows in reverse order, so not
// sorted by probe: readers must group it in memory.
func Reversed(t testing.TB) []byte {
	t.Helper()
	b := Text(t)
	nl := bytes.IndexByte(b, '\n') + 1
	lines := bytes.SplitAfter(b[nl:], []byte("\n"))
	out := append([]byte{}, b[:nl]...)
	for i := len(lines) - 1; i >= 0; i-- {
		if len(lines[i]) > 0 {
			out = append(out, lines[i]...)
		}
	}
	return out
}

var probes struct {
	once sync.Once
	ps   []pairs.Probe
	err  error
}

// Probes returns the golden tests grouped into probes, in probe order,
// read once per process; callers must not modify them.
func Probes(t testing.TB) []pairs.Probe {
	t.Helper()
	probes.once.Do(func() {
		src, err := Open()
		if err != nil {
			probes.err = err
			return
		}
		defer src.Release()
		_, probes.err = pairs.Stream(context.Background(), src, func(p pairs.Probe) error {
			probes.ps = append(probes.ps, p)
			return nil
		})
	})
	if probes.err != nil {
		t.Fatal(probes.err)
	}
	return probes.ps
}
