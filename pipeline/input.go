package pipeline

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/internal/outdir"
	"github.com/afsel/afsel/pairs"
)

// Input is a run's paired tests: how to open them and how to describe
// them in the summary.
type Input struct {
	// Open opens the input from its start; Run may call it twice (see
	// pairs.Each).
	Open pairs.Opener
	// Describe identifies the input (size, digest); Run calls it while the
	// input is analysed, since digesting a large input takes a core for a
	// while.
	Describe func() (InputInfo, error)
	// prepare, when set, is called by Run before anything else, with
	// Config.TempDir; cleanup after the run.
	prepare func(dir string) error
	cleanup func()
}

// InputInfo identifies the input in a summary: one file by its path, size
// and digest; several files by their total size, the digest of their bytes
// concatenated in reading order, and each file's description.
type InputInfo struct {
	Path   string      `json:"path,omitempty"`
	Format string      `json:"format,omitempty"` // the format given, when not detected from the name
	Bytes  int64       `json:"bytes"`
	SHA256 string      `json:"sha256"`
	Files  []InputInfo `json:"files,omitempty"`
}

// Stdin is the path that names standard input.
const Stdin = "-"

// stdinName names standard input in messages and summaries.
const stdinName = "standard input"

// FileInput reads paths one after another as one stream, in format (empty:
// each detected from its name). The path Stdin ("-") is standard input.
//
// A path that is not a regular file (standard input, a pipe, a process
// substitution such as <(zcat f.gz)) can be read only once, but a run may
// read its input twice (an input not sorted by probe is grouped in
// memory on a second reading) and digests it besides: its bytes are copied
// once into a file in Config.TempDir, which is then read, digested, and
// removed at the end of the run. Messages and the summary name the path
// given.
func FileInput(paths []string, format ingest.Format, opt ingest.Options) Input {
	srcs := make([]ingest.Source, len(paths))
	for i, p := range paths {
		srcs[i] = ingest.Source{Path: p, Format: format}
		if p == Stdin {
			srcs[i].Name = stdinName
		}
	}
	var spooled []string
	in := Input{
		Open: func() (ingest.Reader, error) {
			r, err := ingest.OpenSources(srcs, opt)
			if err != nil {
				return nil, err
			}
			return r, nil
		},
		Describe: func() (InputInfo, error) { return describeSources(srcs, string(format)) },
		prepare: func(dir string) error {
			for i, s := range srcs {
				if s.Path != Stdin {
					if fi, err := os.Stat(s.Path); err != nil || fi.Mode().IsRegular() {
						continue // a missing file is reported when it is opened
					}
				}
				tmp, err := spool(s.Path, dir)
				if tmp != "" {
					spooled = append(spooled, tmp)
				}
				if err != nil {
					return err
				}
				srcs[i].Path, srcs[i].Name = tmp, sourceName(s)
			}
			return nil
		},
		cleanup: func() {
			for _, p := range spooled {
				os.Remove(p)
			}
		},
	}
	return in
}

// spool copies the input at path (Stdin: standard input) into a new file
// in dir and returns that file's path, also on error if it made one.
func spool(path, dir string) (string, error) {
	var src io.Reader = os.Stdin
	name := stdinName
	if path != Stdin {
		f, err := os.Open(path)
		if err != nil {
			return "", err
		}
		defer f.Close()
		src, name = f, path
	}
	if dir == "" {
		dir = os.TempDir()
	}
	tmp, err := os.CreateTemp(dir, inputCopyPrefix(os.Getpid())+"*.tmp")
	if err != nil {
		return "", fmt.Errorf("copy %s: %w", name, err)
	}
	if _, err := io.Copy(tmp, src); err != nil {
		tmp.Close()
		return tmp.Name(), fmt.Errorf("copy %s to %s: %w", name, tmp.Name(), err)
	}
	return tmp.Name(), tmp.Close()
}

// describeSources identifies the sources, by the names they were given.
func describeSources(srcs []ingest.Source, format string) (InputInfo, error) {
	paths := make([]string, len(srcs))
	for i, s := range srcs {
		paths[i] = s.Path
	}
	info, err := DescribeFiles(paths, format)
	if err != nil {
		return info, err
	}
	if len(srcs) == 1 {
		info.Path = sourceName(srcs[0])
	}
	for i := range info.Files {
		info.Files[i].Path = sourceName(srcs[i])
	}
	return info, nil
}

func sourceName(s ingest.Source) string {
	if s.Name != "" {
		return s.Name
	}
	return s.Path
}

// GzipCSVInput reads data, a gzip-compressed CSV file held in memory, named
// name in errors and in the summary.
func GzipCSVInput(name string, data []byte) Input {
	h := sha256.Sum256(data)
	info := InputInfo{Path: name, Bytes: int64(len(data)), SHA256: hex.EncodeToString(h[:])}
	return Input{
		Open: func() (ingest.Reader, error) {
			zr, err := gzip.NewReader(bytes.NewReader(data))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			return ingest.NewCSVReader(zr, ingest.Options{Name: name})
		},
		Describe: func() (InputInfo, error) { return info, nil },
	}
}

// DescribeFiles identifies the files at paths, read in that order.
func DescribeFiles(paths []string, format string) (InputInfo, error) {
	if len(paths) == 1 {
		info, err := DescribeFile(paths[0], nil)
		info.Format = format
		return info, err
	}
	all := sha256.New()
	info := InputInfo{Format: format}
	for _, p := range paths {
		fi, err := DescribeFile(p, all)
		if err != nil {
			return info, err
		}
		info.Bytes += fi.Bytes
		info.Files = append(info.Files, fi)
	}
	info.SHA256 = hex.EncodeToString(all.Sum(nil))
	return info, nil
}

// DescribeFile identifies the file at path, also copying its bytes to also
// if not nil.
func DescribeFile(path string, also io.Writer) (InputInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return InputInfo{}, err
	}
	defer f.Close()
	h := sha256.New()
	var w io.Writer = h
	if also != nil {
		w = io.MultiWriter(h, also)
	}
	n, err := io.Copy(w, f)
	if err != nil {
		return InputInfo{}, fmt.Errorf("read %s: %w", path, err)
	}
	return InputInfo{Path: path, Bytes: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// inputCopyPrefix starts the names of the copies of inputs that process pid
// makes.
func inputCopyPrefix(pid int) string { return fmt.Sprintf(".afsel-input-%d-", pid) }

// RemoveTemp removes what this process's runs have left in dir, the parent
// of their output directory, if they have not finished: staging
// directories and copies of inputs. It is for a process that exits at once
// on an interrupt, while a step that cannot be cancelled runs; the output
// directory itself is never touched.
func RemoveTemp(dir string) {
	for _, d := range outdir.Leftovers(dir) {
		os.RemoveAll(d)
	}
	m, _ := filepath.Glob(filepath.Join(dir, inputCopyPrefix(os.Getpid())+"*.tmp"))
	for _, f := range m {
		os.Remove(f)
	}
}
