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
	"time"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/internal/atomicfile"
	"github.com/afsel/afsel/pairs"
)

// inputFlags are the flags every command that reads paired tests shares.
type inputFlags struct {
	path        string
	skipBadRows bool
}

// check reports missing required flags as a usage error.
func (f *inputFlags) check(out string) error {
	switch {
	case f.path == "":
		return usagef("--input is required")
	case out == "":
		return usagef("--out is required")
	}
	return nil
}

func (f *inputFlags) opener() pairs.Opener {
	return func() (ingest.Reader, error) {
		return ingest.Open(f.path, ingest.Options{SkipBadRows: f.skipBadRows})
	}
}

// inputInfo identifies an input file in a summary.
type inputInfo struct {
	Path   string `json:"path"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

func describeInput(path string) (inputInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return inputInfo{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return inputInfo{}, fmt.Errorf("read %s: %w", path, err)
	}
	return inputInfo{Path: path, Bytes: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// mkdirOut creates the output directory.
func mkdirOut(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("output directory: %w", err)
	}
	return nil
}

// overPairs runs a stage that reads paired tests: it identifies the input,
// creates the output directory, and shows progress while run works. It
// returns the input's description for the summary.
func (e *env) overPairs(ctx context.Context, stage string, in inputFlags, out string, run func(context.Context, pairs.Opener, *pairs.Progress) (ingest.Stats, error)) (inputInfo, error) {
	info, err := describeInput(in.path)
	if err != nil {
		return info, err
	}
	if err := mkdirOut(out); err != nil {
		return info, err
	}
	var prog pairs.Progress
	bar := e.startProgress(func(el time.Duration) string {
		n := prog.Pairs.Load()
		return fmt.Sprintf("%s: %d probes, %d pairs, %.0f pairs/s", stage, prog.Probes.Load(), n, float64(n)/el.Seconds())
	})
	rows, err := run(ctx, in.opener(), &prog)
	bar.Stop()
	if err != nil {
		return info, err
	}
	if d := rows.DroppedTotal(); d > 0 {
		e.log.Warn("skipped malformed rows", "rows", d, "reasons", rows.Dropped)
	}
	return info, nil
}

// outFile is one output of a command.
type outFile struct {
	name  string
	write func(io.Writer) error
}

// writeFiles writes each file atomically into dir, in order.
func (e *env) writeFiles(dir string, files []outFile) error {
	for _, f := range files {
		path := filepath.Join(dir, f.name)
		if err := atomicfile.WriteFile(path, func(w *bufio.Writer) error { return f.write(w) }); err != nil {
			return err
		}
		e.log.Debug("wrote", "file", path)
	}
	return nil
}
