package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/pipeline"
)

// inputFlags are the flags every command that reads paired tests shares.
type inputFlags struct {
	patterns    []string // --input values: paths or glob patterns
	format      string   // --format: overrides detection by name
	skipBadRows bool
	files       []string // the patterns expanded, set by check
	// keepFailures keeps rows with a failed test (ingest.Options).
	keepFailures bool
	// stdinCopy is where standard input ("-" among files) was copied, to
	// be read from there (copyStdin).
	stdinCopy string
	// read, when set, counts the bytes of the files read since the last
	// open (ingest.Options.BytesRead).
	read *atomic.Int64
}

// inputHelp describes --input in every command's help.
const inputHelp = "paired tests: CSV (.csv[.gz|.bz2]), Parquet (.parquet), Arrow IPC file or stream (.arrow, .arrows), simulator CBOR (.cbor); repeat or use a glob (quoted) for several files: each sorted by prb_id, they are merged by probe as they are read, else read one after another and grouped in memory; - is standard input"

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
			if err := notDir(flag, m, "*.csv.gz"); err != nil {
				return err
			}
			if !seen[filepath.Clean(m)] {
				seen[filepath.Clean(m)] = true
				f.files = append(f.files, m)
			}
		}
	}
	return nil
}

// notDir is a usage error if path, given as flag (a flag's name, or the
// name of an argument in capitals), is a directory: it suggests a glob of
// its files, their names matching pattern.
func notDir(flag, path, pattern string) error {
	fi, err := os.Stat(path)
	if err != nil || !fi.IsDir() {
		return nil
	}
	glob := "'" + filepath.Join(path, pattern) + "'"
	if strings.HasPrefix(flag, "-") {
		glob = flag + " " + glob
	}
	return usagef("%s %s is a directory: give its files, e.g. %s", flag, path, glob)
}

// open opens the input files as one stream.
func (f *inputFlags) open() (ingest.Reader, error) {
	srcs := make([]ingest.Source, len(f.files))
	for i, p := range f.files {
		srcs[i] = ingest.Source{Path: p, Format: ingest.Format(f.format)}
		if p == pipeline.Stdin {
			srcs[i].Path, srcs[i].Name = f.stdinCopy, "standard input"
		}
	}
	if f.read != nil {
		f.read.Store(0)
	}
	tuneGC(inputBytes(f.paths()))
	return ingest.OpenSources(srcs, ingest.Options{SkipBadRows: f.skipBadRows, KeepFailures: f.keepFailures, BytesRead: f.read})
}

// copyStdin copies standard input, when it is among the files, into a
// new file in dir (beside the output, on its file system), which open then
// reads: a format read at offsets (Parquet, an Arrow IPC file) cannot be
// read from a pipe. The copy is removed by the returned function, or by e
// on an interrupt.
func (f *inputFlags) copyStdin(e *env, dir string) (remove func(), err error) {
	if !slices.Contains(f.files, pipeline.Stdin) {
		return func() {}, nil
	}
	tmp, err := os.CreateTemp(dir, ".afsel-stdin-*.tmp")
	if err != nil {
		return nil, fmt.Errorf("copy standard input: %w", err)
	}
	e.addTempFile(tmp.Name())
	remove = func() { os.Remove(tmp.Name()) }
	_, err = io.Copy(tmp, os.Stdin)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		remove()
		return nil, fmt.Errorf("copy standard input to %s: %w", tmp.Name(), err)
	}
	f.stdinCopy = tmp.Name()
	return remove, nil
}

func (f *inputFlags) opener() pairs.Opener { return f.open }

// paths are the files the input is read from: the files, standard input's
// copy in place of "-" once made.
func (f *inputFlags) paths() []string {
	p := slices.Clone(f.files)
	for i := range p {
		if p[i] == pipeline.Stdin && f.stdinCopy != "" {
			p[i] = f.stdinCopy
		}
	}
	return p
}

// writeTests copies the input to the file out in format (an output format
// of ingest file), atomically, counting the rows written so far into
// written. CBOR output groups the tests into pairs (streaming when the
// input is sorted by probe, else in memory), one entry per pair in probe
// and anchor order. It returns the rows written and the reader's counts.
func writeTests(ctx context.Context, out string, format ingest.Format, in *inputFlags, written *atomic.Int64) (int64, ingest.Stats, error) {
	if format == ingest.FormatCBOR {
		return writeCBOR(ctx, out, in, written)
	}
	src, err := in.open()
	if err != nil {
		return 0, ingest.Stats{}, err
	}
	defer src.Release()
	rows, err := ingest.WriteFile(ctx, out, rowCounter{src, written})
	return rows, src.Stats(), err
}

func writeCBOR(ctx context.Context, out string, in *inputFlags, written *atomic.Int64) (int64, ingest.Stats, error) {
	w, err := ingest.CreateCBOR(out)
	if err != nil {
		return 0, ingest.Stats{}, err
	}
	defer w.Abort()
	var mu sync.Mutex // one worker, but Each's contract asks for it
	var resetErr error
	cfg := pairs.EachConfig{Workers: 1, Restart: func() { resetErr = w.Reset(); written.Store(0) }}
	_, st, err := pairs.Each(ctx, in.opener(), cfg, func() func(pairs.Probe) error {
		return func(p pairs.Probe) error {
			mu.Lock()
			defer mu.Unlock()
			for _, s := range p.Series {
				if err := w.Write(s.Probe, s.Anchor, s.V4, s.V6); err != nil {
					return err
				}
				written.Add(int64(len(s.V4)))
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
