package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"

	"github.com/afsel/afsel/ingest"
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
