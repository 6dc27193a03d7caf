package pipeline

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/pairs"
)

// Input is a run's paired tests: how to open them and how to describe
// them in the summary.
type Input struct {
	Open pairs.Opener
	// Describe identifies the input (size, digest); Run calls it while the
	// input is analysed, since digesting a large input takes a core for a
	// while.
	Describe func() (InputInfo, error)
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

// FileInput reads paths one after another as one stream, in format (empty:
// each detected from its name).
func FileInput(paths []string, format ingest.Format, opt ingest.Options) Input {
	return Input{
		Open: func() (ingest.Reader, error) {
			r, err := ingest.OpenFiles(paths, format, opt)
			if err != nil {
				return nil, err
			}
			return r, nil
		},
		Describe: func() (InputInfo, error) { return DescribeFiles(paths, string(format)) },
	}
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
