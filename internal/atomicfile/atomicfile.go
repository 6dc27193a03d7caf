// Package atomicfile writes output files so that readers never see a partial
// one: data goes to a temporary file in the target's directory, which is
// synced and renamed over the target only when the writer commits.
package atomicfile

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
)

// File is an output file being written. Write to it, then Commit; Abort (or a
// failed Commit) removes the temporary file and leaves the target untouched.
type File struct {
	*bufio.Writer
	f    *os.File
	path string
	done bool
}

// Create starts writing path. The directory must exist.
func Create(path string) (*File, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return &File{Writer: bufio.NewWriterSize(f, 1<<20), f: f, path: path}, nil
}

// OS returns the underlying temporary file, for writers that need to seek.
// Flush the buffered writer before writing to it directly.
func (w *File) OS() *os.File { return w.f }

// Commit flushes, syncs and renames the file into place.
func (w *File) Commit() error {
	if w.done {
		return fmt.Errorf("commit %s: already closed", w.path)
	}
	w.done = true
	err := w.Flush()
	if err == nil {
		err = w.f.Chmod(0o644)
	}
	if err == nil {
		err = w.f.Sync()
	}
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(w.f.Name(), w.path)
	}
	if err != nil {
		os.Remove(w.f.Name())
		return fmt.Errorf("write %s: %w", w.path, err)
	}
	return nil
}

// Abort discards the file. It is safe to call after Commit (it does nothing),
// so `defer f.Abort()` is the usual pattern.
func (w *File) Abort() {
	if w.done {
		return
	}
	w.done = true
	w.f.Close()
	os.Remove(w.f.Name())
}

// WriteFile writes path atomically with the bytes produced by fill.
func WriteFile(path string, fill func(w *bufio.Writer) error) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := fill(f.Writer); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Commit()
}
