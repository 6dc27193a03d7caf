package outdir

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/afsel/afsel/internal/testfs"
)

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCommitNew(t *testing.T) {
	parent := t.TempDir()
	target := filepath.Join(parent, "a", "out")
	d, err := Stage(target)
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(d.Path(), "x.csv"), "x")
	if _, err := os.Stat(target); err == nil {
		t.Error("the target exists before Commit")
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := testfs.Files(t, target); !reflect.DeepEqual(got, map[string]string{"x.csv": "x"}) {
		t.Errorf("target holds %v", got)
	}
	if got := testfs.Names(t, filepath.Dir(target)); !reflect.DeepEqual(got, []string{"out"}) {
		t.Errorf("parent holds %v", got)
	}
}

func TestCommitReplaces(t *testing.T) {
	parent := t.TempDir()
	target := filepath.Join(parent, "out")
	write(t, filepath.Join(target, "old.csv"), "old")
	write(t, filepath.Join(target, "keep.csv"), "keep")
	write(t, filepath.Join(target, "sub", "deep.txt"), "deep")
	d, err := Stage(target)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"keep.csv", "sub"} {
		if err := d.Keep(k); err != nil {
			t.Fatal(err)
		}
	}
	write(t, filepath.Join(d.Path(), "new.csv"), "new")
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"keep.csv": "keep", "new.csv": "new", filepath.Join("sub", "deep.txt"): "deep"}
	if got := testfs.Files(t, target); !reflect.DeepEqual(got, want) {
		t.Errorf("target holds %v, want %v", got, want)
	}
	if got := testfs.Names(t, parent); !reflect.DeepEqual(got, []string{"out"}) {
		t.Errorf("parent holds %v: the old contents or the staging directory are left", got)
	}
}

func TestAbortLeavesTarget(t *testing.T) {
	parent := t.TempDir()
	target := filepath.Join(parent, "out")
	write(t, filepath.Join(target, "old.csv"), "old")
	d, err := Stage(target)
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(d.Path(), "new.csv"), "new")
	d.Abort()
	d.Abort()
	if got := testfs.Files(t, target); !reflect.DeepEqual(got, map[string]string{"old.csv": "old"}) {
		t.Errorf("target holds %v", got)
	}
	if got := testfs.Names(t, parent); !reflect.DeepEqual(got, []string{"out"}) {
		t.Errorf("parent holds %v", got)
	}
	if err := d.Commit(); err == nil {
		t.Error("Commit after Abort succeeded")
	}
}

func TestRenameAside(t *testing.T) {
	parent := t.TempDir()
	a, b := filepath.Join(parent, "a"), filepath.Join(parent, "b")
	write(t, filepath.Join(a, "f"), "A")
	write(t, filepath.Join(b, "f"), "B")
	if err := renameAside(a, b); err != nil {
		t.Fatal(err)
	}
	if testfs.Files(t, a)["f"] != "B" || testfs.Files(t, b)["f"] != "A" {
		t.Error("not swapped")
	}
	if got := testfs.Names(t, parent); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("parent holds %v", got)
	}
}

func TestStageNotADirectory(t *testing.T) {
	target := filepath.Join(t.TempDir(), "file")
	write(t, target, "x")
	if _, err := Stage(target); err == nil {
		t.Error("Stage of a file succeeded")
	}
}

func TestRename(t *testing.T) {
	target := filepath.Join(t.TempDir(), "out")
	d, err := Stage(target)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Abort()
	_, cause := os.Open(filepath.Join(d.Path(), "x.csv"))
	err = d.Rename(cause)
	if want := "open " + filepath.Join(target, "x.csv") + ": no such file or directory"; err.Error() != want || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Rename gives %q (wrapping: %v), want %q", err, errors.Is(err, fs.ErrNotExist), want)
	}
	if d.Rename(nil) != nil {
		t.Error("Rename(nil) is not nil")
	}
}

// TestStageResolves: a link to a directory stands for it (the link stays);
// the current directory cannot be the target; a failed run removes the
// parents it made; an existing directory keeps its mode.
func TestStageResolves(t *testing.T) {
	parent := t.TempDir()
	real := filepath.Join(parent, "real")
	write(t, filepath.Join(real, "old.csv"), "old")
	os.Chmod(real, 0o700)
	link := filepath.Join(parent, "link")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	d, err := Stage(link)
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(d.Path(), "new.csv"), "new")
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link is gone: %v %v", fi, err)
	}
	if got := testfs.Files(t, real); !reflect.DeepEqual(got, map[string]string{"new.csv": "new"}) {
		t.Errorf("the linked directory holds %v", got)
	}
	if fi, _ := os.Stat(real); fi.Mode().Perm() != 0o700 {
		t.Errorf("mode %v, want 0700 kept", fi.Mode().Perm())
	}

	wd, _ := os.Getwd()
	defer os.Chdir(wd)
	os.Chdir(real)
	for _, target := range []string{".", "..", real} {
		if _, err := Stage(target); !errors.Is(err, errHoldsCwd) {
			t.Errorf("Stage(%q) from inside it: %v", target, err)
		}
	}
	os.Chdir(wd)

	deep := filepath.Join(parent, "a", "b", "out")
	d, err = Stage(deep)
	if err != nil {
		t.Fatal(err)
	}
	d.Abort()
	if _, err := os.Stat(filepath.Join(parent, "a")); err == nil {
		t.Error("an aborted stage left the parents it made")
	}
}
