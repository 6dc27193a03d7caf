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
	shown   string // the target as the caller named it, for messages
	target  string // the directory replaced: absolute, links resolved
	staging string
	made    []string // the target's parents Stage created, deepest first
	done    bool
}

// Stage starts replacing the directory target, which need not exist: the
// new contents go to Path, in target's parent directory (created if
// missing, and removed again on Abort), so that Commit is a rename on one
// file system. A target that is a symbolic link to a directory stands for
// that directory. The current directory, or one holding it, cannot be
// replaced.
func Stage(target string) (*Dir, error) {
	abs, err := filepath.Abs(target)
	if err != nil {
		return nil, fmt.Errorf("output directory %s: %w", target, err)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(abs, wd); err == nil && (rel == "." || !strings.HasPrefix(rel, "..")) {
			return nil, fmt.Errorf("output directory %s: %w", target, errHoldsCwd)
		}
	}
	mode := fs.FileMode(0o755)
	if fi, err := os.Stat(abs); err == nil {
		if !fi.IsDir() {
			return nil, fmt.Errorf("output directory %s: %w", target, errNotDir)
		}
		mode = fi.Mode().Perm()
	}
	d := &Dir{shown: target, target: abs}
	for p := filepath.Dir(abs); ; p = filepath.Dir(p) {
		if _, err := os.Stat(p); err == nil || p == filepath.Dir(p) {
			break
		}
		d.made = append(d.made, p)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		d.removeMade()
		return nil, fmt.Errorf("output directory: %w", err)
	}
	staging, err := os.MkdirTemp(filepath.Dir(abs), stagingPrefix(filepath.Base(abs), os.Getpid())+"*")
	if err == nil {
		err = os.Chmod(staging, mode) // MkdirTemp makes it 0700
	}
	if err != nil {
		if staging != "" {
			os.Remove(staging)
		}
		d.removeMade()
		return nil, fmt.Errorf("output directory: %w", err)
	}
	d.staging = staging
	return d, nil
}

var errHoldsCwd = errors.New("is, or holds, the current directory: give a directory below it")

// removeMade removes the parents Stage created, if still empty.
func (d *Dir) removeMade() {
	for _, p := range d.made {
		os.Remove(p)
	}
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
	es, _ := os.ReadDir(parent)
	var m []string
	mark := ".afsel-staging-" + strconv.Itoa(os.Getpid()) + "-"
	for _, e := range es {
		if strings.HasPrefix(e.Name(), ".") && strings.Contains(e.Name(), mark) {
			m = append(m, filepath.Join(parent, e.Name()))
		}
	}
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
	return &renamed{strings.ReplaceAll(err.Error(), d.staging, d.shown), err}
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
		d.removeMade()
		return fmt.Errorf("output directory %s: %w", d.shown, err)
	}
	if _, err := os.Lstat(d.target); errors.Is(err, fs.ErrNotExist) {
		if err := os.Rename(d.staging, d.target); err != nil {
			os.RemoveAll(d.staging)
			d.removeMade()
			return fmt.Errorf("output directory %s: %w", d.shown, err)
		}
		return syncDir(filepath.Dir(d.target))
	}
	// The staging directory now holds the old contents; the new ones are
	// in place whether or not they can all be removed.
	if err := exchange(d.staging, d.target); err != nil {
		os.RemoveAll(d.staging)
		return fmt.Errorf("output directory %s: %w", d.shown, err)
	}
	syncDir(filepath.Dir(d.target))
	os.RemoveAll(d.staging)
	return nil
}

// Abort removes the staging directory; the target is left as it was. It
// does nothing after Commit, so `defer d.Abort()` is the usual pattern.
func (d *Dir) Abort() {
	if d.done {
		return
	}
	d.done = true
	os.RemoveAll(d.staging)
	d.removeMade()
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
