package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/internal/atomicfile"
	"github.com/afsel/afsel/pairs"
)

// inputFlags are the flags every command that reads paired tests shares.
type inputFlags struct {
	patterns    []string // --input values: paths or glob patterns
	format      string   // --format: overrides detection by name
	skipBadRows bool
	files       []string // the patterns expanded, set by check
}

// inputHelp describes --input in every command's help.
const inputHelp = "paired tests: CSV (.csv[.gz|.bz2]), Parquet (.parquet), Arrow IPC file or stream (.arrow, .arrows), simulator CBOR (.cbor); repeat or use a glob (quoted) for several files, read one after another; - is standard input"

// addFlags binds --input, --format and --skip-bad-rows.
func (f *inputFlags) addFlags(fs interface {
	StringArrayVarP(p *[]string, name, shorthand string, value []string, usage string)
	StringVar(p *string, name string, value string, usage string)
	BoolVar(p *bool, name string, value bool, usage string)
}) {
	fs.StringArrayVarP(&f.patterns, "input", "i", nil, inputHelp)
	fs.StringVar(&f.format, "format", "", "input format, overriding the file names: "+formatNames())
	fs.BoolVar(&f.skipBadRows, "skip-bad-rows", false, "skip malformed rows, counting them by reason, instead of failing")
}

func formatNames() string {
	names := make([]string, len(ingest.Formats))
	for i, k := range ingest.Formats {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// check reports missing required flags as a usage error and expands the
// input patterns.
func (f *inputFlags) check(out string) error {
	switch {
	case len(f.patterns) == 0:
		return usagef("--input is required")
	case out == "":
		return usagef("--out is required")
	}
	return f.expand("--input")
}

// expand sets f.files: each pattern in order, a glob replaced by its
// matches in sorted order (a glob that matches nothing is a usage error), a
// file listed twice read once. A plain path is kept as is, so that a
// missing file is reported when it is opened.
func (f *inputFlags) expand(flag string) error {
	if f.format != "" {
		if _, err := ingest.ParseFormat(f.format); err != nil {
			return usagef("--format: %v", err)
		}
	}
	f.files = f.files[:0]
	seen := make(map[string]bool)
	for _, p := range f.patterns {
		if p == "" {
			return usagef("%s: empty path", flag)
		}
		matches := []string{p}
		if strings.ContainsAny(p, "*?[") {
			m, err := filepath.Glob(p)
			if err != nil {
				return usagef("%s %q: %v", flag, p, err)
			}
			if len(m) == 0 {
				return usagef("%s %q matches no file", flag, p)
			}
			sort.Strings(m)
			matches = m
		}
		for _, m := range matches {
			if !seen[filepath.Clean(m)] {
				seen[filepath.Clean(m)] = true
				f.files = append(f.files, m)
			}
		}
	}
	return nil
}

// open opens the input files as one stream.
func (f *inputFlags) open() (ingest.Reader, error) {
	tuneGC(inputBytes(f.files))
	return ingest.OpenFiles(f.files, ingest.Format(f.format), ingest.Options{SkipBadRows: f.skipBadRows})
}

func (f *inputFlags) opener() pairs.Opener { return f.open }

// inputInfo identifies the input in a summary: one file by its path, size
// and digest; several files by their total size, the digest of their
// bytes concatenated in reading order, and each file's description.
type inputInfo struct {
	Path   string      `json:"path,omitempty"`
	Format string      `json:"format,omitempty"` // --format, when given
	Bytes  int64       `json:"bytes"`
	SHA256 string      `json:"sha256"`
	Files  []inputInfo `json:"files,omitempty"`
}

func describeInputs(paths []string, format string) (inputInfo, error) {
	if len(paths) == 1 {
		info, err := describeInput(paths[0])
		info.Format = format
		return info, err
	}
	all := sha256.New()
	info := inputInfo{Format: format}
	for _, p := range paths {
		fi, err := digestFile(p, all)
		if err != nil {
			return info, err
		}
		info.Bytes += fi.Bytes
		info.Files = append(info.Files, fi)
	}
	info.SHA256 = hex.EncodeToString(all.Sum(nil))
	return info, nil
}

// describeInputsAsync is describeInputs in the background: digesting a large
// input takes a core for a while (about 4 s per GB), so it runs while the
// input is analysed. The returned function waits for the result.
func describeInputsAsync(paths []string, format string) func() (inputInfo, error) {
	type result struct {
		info inputInfo
		err  error
	}
	done := make(chan result, 1)
	go func() {
		info, err := describeInputs(paths, format)
		done <- result{info, err}
	}()
	return sync.OnceValues(func() (inputInfo, error) {
		r := <-done
		return r.info, r.err
	})
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// describeInput identifies one input file.
func describeInput(path string) (inputInfo, error) { return digestFile(path, nil) }

// digestFile digests the file at path, also into also if not nil.
func digestFile(path string, also io.Writer) (inputInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return inputInfo{}, err
	}
	defer f.Close()
	h := sha256.New()
	var w io.Writer = h
	if also != nil {
		w = io.MultiWriter(h, also)
	}
	n, err := io.Copy(w, f)
	if err != nil {
		return inputInfo{}, fmt.Errorf("read %s: %w", path, err)
	}
	return inputInfo{Path: path, Bytes: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// writeTests copies the input to the file out in format (an output format
// of ingest file), atomically. CBOR output groups the tests into pairs
// (streaming when the input is sorted by probe, else in memory), one entry
// per pair in probe and anchor order. It returns the rows written and the
// reader's counts.
func writeTests(ctx context.Context, out string, format ingest.Format, in *inputFlags) (int64, ingest.Stats, error) {
	if format == ingest.FormatCBOR {
		return writeCBOR(ctx, out, in)
	}
	src, err := in.open()
	if err != nil {
		return 0, ingest.Stats{}, err
	}
	defer src.Release()
	rows, err := ingest.WriteFile(ctx, out, src)
	return rows, src.Stats(), err
}

func writeCBOR(ctx context.Context, out string, in *inputFlags) (int64, ingest.Stats, error) {
	w, err := ingest.CreateCBOR(out)
	if err != nil {
		return 0, ingest.Stats{}, err
	}
	defer w.Abort()
	var mu sync.Mutex // one worker, but Each's contract asks for it
	var resetErr error
	cfg := pairs.EachConfig{Workers: 1, Restart: func() { resetErr = w.Reset() }}
	_, st, err := pairs.Each(ctx, in.opener(), cfg, func() func(pairs.Probe) error {
		return func(p pairs.Probe) error {
			mu.Lock()
			defer mu.Unlock()
			for _, s := range p.Series {
				if err := w.Write(s.Probe, s.Anchor, s.V4, s.V6); err != nil {
					return err
				}
			}
			return nil
		}
	})
	if err == nil {
		err = resetErr
	}
	if err != nil {
		return 0, st, err
	}
	return st.RowsKept, st, w.Commit()
}

// mkdirOut creates the output directory.
func mkdirOut(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("output directory: %w", err)
	}
	return nil
}

// outFile is one output of a command.
type outFile struct {
	name  string
	write func(io.Writer) error
}

// writeFiles writes each file atomically into dir, several at a time (a
// figure's PNG takes a core for a while), starting them in order; each
// file's bytes do not depend on the others.
func (e *env) writeFiles(dir string, files []outFile) error {
	return e.writeFilesAfter(dir, files, nil, nil)
}

// writeFilesAfter is writeFiles of now and later, where writing a file of
// later waits for work still under way, done when ready is closed. A writer
// takes the next file of later once ready is closed, else the next of now:
// none waits while a file of now is left, and the files of later start as
// soon as they can.
func (e *env) writeFilesAfter(dir string, now, later []outFile, ready <-chan struct{}) error {
	var mu sync.Mutex
	next := func() (outFile, bool) {
		mu.Lock()
		defer mu.Unlock()
		isReady := false
		select {
		case <-ready:
			isReady = true
		default:
		}
		var f outFile
		switch {
		case len(later) > 0 && (isReady || len(now) == 0):
			f, later = later[0], later[1:]
		case len(now) > 0:
			f, now = now[0], now[1:]
		default:
			return f, false
		}
		return f, true
	}
	var g errgroup.Group
	for range runtime.GOMAXPROCS(0) {
		g.Go(func() error {
			for f, ok := next(); ok; f, ok = next() {
				start := time.Now()
				path := filepath.Join(dir, f.name)
				if err := atomicfile.WriteFile(path, func(w *bufio.Writer) error { return f.write(w) }); err != nil {
					return err
				}
				e.log.Debug("wrote", "file", path, "elapsed", time.Since(start).Round(time.Millisecond))
			}
			return nil
		})
	}
	return g.Wait()
}
