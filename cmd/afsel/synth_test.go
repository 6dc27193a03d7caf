package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestSynth(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a.arrow", "a.csv.gz", "a.csv", "a.arrows", "a.parquet"} {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(dir, name)
			code, stdout, stderr := run(t, "synth", "--pairs", "40", "--seed", "3", "-o", out, "-q")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if stdout != out+"\n" {
				t.Errorf("stdout %q, want the output's name", stdout)
			}
			// The output is an input of the pipeline.
			code, _, stderr = run(t, "tables", "--input", out, "--out", filepath.Join(dir, name+".tables"), "-q")
			if code != 0 {
				t.Fatalf("tables: exit %d: %s", code, stderr)
			}
		})
	}
}

func TestSynthWorkers(t *testing.T) {
	dir := t.TempDir()
	var files [][]byte
	for _, w := range []string{"1", "3"} {
		out := filepath.Join(dir, "w"+w+".csv")
		if code, _, stderr := run(t, "synth", "--pairs", "60", "--workers", w, "--start", "2024-01-01", "--days", "2", "-o", out, "-q"); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, b)
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Error("output depends on --workers")
	}
	if !bytes.Contains(files[0], []byte("\n")) || !bytes.HasPrefix(files[0], []byte("prb_id,anchor_id,start_time,v4_duration,v6_duration,v4_v6_ratio\n")) {
		t.Errorf("unexpected CSV start: %.100q", files[0])
	}
	if !bytes.Contains(files[0], []byte(",2024-01-02 ")) || bytes.Contains(files[0], []byte(",2024-01-03 ")) {
		t.Error("--start/--days not honoured")
	}
}

func TestSynthUsage(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		args []string
	}{
		{"no output", []string{"synth"}},
		{"unknown format", []string{"synth", "-o", filepath.Join(dir, "x.txt")}},
		{"compressed arrow", []string{"synth", "-o", filepath.Join(dir, "x.arrow.gz")}},
		{"pairs and paper scale", []string{"synth", "--paper-scale", "--pairs", "5", "-o", filepath.Join(dir, "x.arrow")}},
		{"bad start", []string{"synth", "--start", "June", "-o", filepath.Join(dir, "x.arrow")}},
		{"no days", []string{"synth", "--days", "0", "-o", filepath.Join(dir, "x.arrow")}},
		{"negative pairs", []string{"synth", "--pairs", "-1", "-o", filepath.Join(dir, "x.arrow")}},
		{"no pairs", []string{"synth", "--pairs", "0", "-o", filepath.Join(dir, "x.arrow")}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if code, _, stderr := run(t, c.args...); code != exitUsage {
				t.Errorf("exit %d, want %d: %s", code, exitUsage, stderr)
			}
		})
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("usage errors left files: %v", entries)
	}
}
