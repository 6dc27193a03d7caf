package outdir

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
)

// tree lists dir's files with their contents.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, p)
		m[rel] = string(b)
		return nil
	})
	return m
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
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
	if got := tree(t, target); !reflect.DeepEqual(got, map[string]string{"x.csv": "x"}) {
		t.Errorf("target holds %v", got)
	}
	if got := entries(t, filepath.Dir(target)); !reflect.DeepEqual(got, []string{"out"}) {
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
	if got := tree(t, target); !reflect.DeepEqual(got, want) {
		t.Errorf("target holds %v, want %v", got, want)
	}
	if got := entries(t, parent); !reflect.DeepEqual(got, []string{"out"}) {
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
	if got := tree(t, target); !reflect.DeepEqual(got, map[string]string{"old.csv": "old"}) {
		t.Errorf("target holds %v", got)
	}
	if got := entries(t, parent); !reflect.DeepEqual(got, []string{"out"}) {
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
	if tree(t, a)["f"] != "B" || tree(t, b)["f"] != "A" {
		t.Error("not swapped")
	}
	if got := entries(t, parent); !reflect.DeepEqual(got, []string{"a", "b"}) {
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
