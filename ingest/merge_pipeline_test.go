package ingest_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/pipeline"
)

// runOutputs runs the tables and replay stages on in, writes their files
// into a new directory and returns them by name, without the summary and
// manifest (which describe the input), and how often the input was opened
// and whether its first reading was a merge.
func runOutputs(t *testing.T, in pipeline.Input) (files map[string][]byte, opened int, merged bool) {
	t.Helper()
	open := in.Open
	in.Open = func() (ingest.Reader, error) {
		r, err := open()
		if opened++; opened == 1 {
			_, merged = r.(*ingest.Merge)
		}
		return r, err
	}
	cfg := pipeline.Artefacts()
	cfg.TempDir = t.TempDir()
	res, err := pipeline.Run(context.Background(), in, cfg, pipeline.Stages{Tables: true, Replay: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	dir := t.TempDir()
	if _, err := res.Write(context.Background(), pipeline.Output{Dir: dir, Command: "tables", Version: "test"}, nil); err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files = make(map[string][]byte)
	for _, e := range ents {
		if e.Name() == pipeline.SummaryFile || e.Name() == pipeline.ManifestFile || e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = b
	}
	if res.Rows.RowsKept != goldenRows || res.Group.Rows != goldenRows {
		t.Errorf("%d rows kept, %d grouped; want %d", res.Rows.RowsKept, res.Group.Rows, goldenRows)
	}
	return files, opened, merged
}

// TestMergePipeline: the tables and replay outputs of the golden rows
// split into files each sorted by probe are byte for byte those of the
// single file, from one streamed reading of their merge; with a file not
// sorted, from a second reading grouped in memory.
func TestMergePipeline(t *testing.T) {
	want, _, _ := runOutputs(t, pipeline.FileInput([]string{goldenCSV}, "", ingest.Options{}))
	if len(want) < 3 {
		t.Fatalf("the single file's run wrote only %d files", len(want))
	}
	rows := goldenRowsOf(t)
	check := func(t *testing.T, paths []string, sorted bool) {
		got, opened, merged := runOutputs(t, pipeline.FileInput(paths, "", ingest.Options{}))
		if sorted && (opened != 1 || !merged) {
			t.Errorf("sorted files opened %d times, first as a merge: %v; want one streamed merge", opened, merged)
		}
		if !sorted && opened != 2 {
			t.Errorf("input with an unsorted file opened %d times, want 2 (grouped in memory)", opened)
		}
		names := func(m map[string][]byte) []string {
			var s []string
			for k := range m {
				s = append(s, k)
			}
			slices.Sort(s)
			return s
		}
		if !slices.Equal(names(got), names(want)) {
			t.Fatalf("files %v, the single file's %v", names(got), names(want))
		}
		for name, b := range want {
			if !bytes.Equal(got[name], b) {
				t.Errorf("%s differs from the single file's", name)
			}
		}
	}
	for _, sp := range splits {
		t.Run(sp.name, func(t *testing.T) {
			paths, _ := splitGolden(t, t.TempDir(), rows, sp.files, sp.part, 8192)
			check(t, paths, true)
		})
	}
	t.Run("unsorted file", func(t *testing.T) {
		// The first probe's rows moved to the end of its file: each
		// pair's rows keep their order, the file is not sorted.
		dir := t.TempDir()
		paths, parts := splitGolden(t, dir, rows, splits[0].files, splits[0].part, 8192)
		p := parts[1]
		n := 0
		for n < len(p) && p[n].Probe == p[0].Probe {
			n++
		}
		writeRows(t, paths[1], slices.Concat(p[n:], p[:n]), 8192)
		check(t, paths, false)
	})
}

// TestMergeManyFiles: more than pipeline.MaxMergeFiles files are read one
// after another, not merged (a merge would hold them all open), and give
// the same outputs.
func TestMergeManyFiles(t *testing.T) {
	rows := goldenRowsOf(t)
	n := pipeline.MaxMergeFiles + 1
	dir := t.TempDir()
	paths := make([]string, n)
	for i := range paths {
		paths[i] = filepath.Join(dir, fmt.Sprintf("part-%03d.arrow", i))
		lo, hi := i*len(rows)/n, (i+1)*len(rows)/n
		writeRows(t, paths[i], rows[lo:hi], 8192)
	}
	want, _, _ := runOutputs(t, pipeline.FileInput([]string{goldenCSV}, "", ingest.Options{}))
	got, opened, merged := runOutputs(t, pipeline.FileInput(paths, "", ingest.Options{}))
	if merged {
		t.Errorf("%d files merged, want them read one after another", n)
	}
	// Cut in order, their concatenation is sorted: it streams.
	if opened != 1 {
		t.Errorf("opened %d times, want 1", opened)
	}
	for name, b := range want {
		if !bytes.Equal(got[name], b) {
			t.Errorf("%s differs from the single file's", name)
		}
	}
}
