// Package outdir writes a directory of outputs as a whole: its new contents
// are made in a staging directory beside it, which takes its place at once
// on Commit. Until then, and after Abort, a failure or a kill, the directory
// is as it was (a kill may leave the staging directory, named after it,
// behind).
package outdir

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Dir is a directory being replaced.
type Dir struct {
	target  string
	staging string
	done    bool
}

// Stage starts replacing the directory target, which need not exist: the
// new contents go to Path, in target's parent directory (created if
// missing), so that Commit is a rename on one file system.
func Stage(target string) (*Dir, error) {
	target = filepath.Clean(target)
	parent := filepath.Dir(target)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("output directory: %w", err)
	}
	if fi, err := os.Stat(target); err == nil && !fi.IsDir() {
		return nil, fmt.Errorf("output directory %s: %w", target, errNotDir)
	}
	staging, err := os.MkdirTemp(parent, stagingPrefix(filepath.Base(target), os.Getpid())+"*")
	if err != nil {
		return nil, fmt.Errorf("output directory: %w", err)
	}
	if err := os.Chmod(staging, 0o755); err != nil {
		os.Remove(staging)
		return nil, fmt.Errorf("output directory: %w", err)
	}
	return &Dir{target: target, staging: staging}, nil
}

var errNotDir = errors.New("exists and is not a directory")

// stagingPrefix is the start of the name of the staging directories of
// base made by process pid.
func stagingPrefix(base string, pid int) string {
	return fmt.Sprintf(".%s.afsel-staging-%d-", base, pid)
}

// Leftovers are the staging directories this process has made in parent
// and not yet committed or aborted: what a process that must exit at once
// (interrupted while a step that cannot be cancelled runs) removes.
func Leftovers(parent string) []string {
	m, _ := filepath.Glob(filepath.Join(parent, ".*.afsel-staging-"+strconv.Itoa(os.Getpid())+"-*"))
	return m
}

// Path is the staging directory, where the new contents are written.
func (d *Dir) Path() string { return d.staging }

// Rename returns err with the staging directory's path, where it appears
// in its message, replaced by the target's, which is what the user named
// (it still wraps err).
func (d *Dir) Rename(err error) error {
	if err == nil || !strings.Contains(err.Error(), d.staging) {
		return err
	}
	return &renamed{strings.ReplaceAll(err.Error(), d.staging, d.target), err}
}

type renamed struct {
	msg string
	err error
}

func (e *renamed) Error() string { return e.msg }
func (e *renamed) Unwrap() error { return e.err }

// Target is the directory being replaced.
func (d *Dir) Target() string { return d.target }

// Keep carries the entry name (a file or a directory tree) of the current
// directory over into the new one, by hard links where the file system
// allows, else by copies.
func (d *Dir) Keep(name string) error {
	src, dst := filepath.Join(d.target, name), filepath.Join(d.staging, name)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return filepath.WalkDir(src, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		switch {
		case e.IsDir():
			return os.MkdirAll(to, 0o755)
		case e.Type().IsRegular():
			if os.Link(path, to) == nil {
				return nil
			}
			return copyFile(path, to)
		}
		return nil // sockets, devices, links: not outputs
	})
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// Commit puts the staging directory in the target's place and removes the
// target's old contents.
func (d *Dir) Commit() error {
	if d.done {
		return errors.New("outdir: commit after commit or abort")
	}
	d.done = true
	if err := syncDir(d.staging); err != nil {
		os.RemoveAll(d.staging)
		return fmt.Errorf("output directory %s: %w", d.target, err)
	}
	if _, err := os.Lstat(d.target); errors.Is(err, fs.ErrNotExist) {
		if err := os.Rename(d.staging, d.target); err != nil {
			os.RemoveAll(d.staging)
			return fmt.Errorf("output directory %s: %w", d.target, err)
		}
		return syncDir(filepath.Dir(d.target))
	}
	// The staging directory now holds the old contents.
	if err := exchange(d.staging, d.target); err != nil {
		os.RemoveAll(d.staging)
		return fmt.Errorf("output directory %s: %w", d.target, err)
	}
	syncDir(filepath.Dir(d.target))
	return os.RemoveAll(d.staging)
}

// Abort removes the staging directory; the target is left as it was. It
// does nothing after Commit, so `defer d.Abort()` is the usual pattern.
func (d *Dir) Abort() {
	if d.done {
		return
	}
	d.done = true
	os.RemoveAll(d.staging)
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}

// renameAside swaps a and b with two renames, through a third name: the
// fallback where the system cannot exchange two names at once. A crash
// between the renames leaves b's old contents under b's name plus a suffix.
func renameAside(a, b string) error {
	aside := b + ".afsel-old"
	os.RemoveAll(aside)
	if err := os.Rename(b, aside); err != nil {
		return err
	}
	if err := os.Rename(a, b); err != nil {
		os.Rename(aside, b)
		return err
	}
	return os.Rename(aside, a)
}
