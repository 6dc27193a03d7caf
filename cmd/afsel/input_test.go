package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// goldenText returns the golden CSV decompressed.
func goldenText(t *testing.T) []byte {
	t.Helper()
	f, err := os.Open(goldenData)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// splitGolden writes the golden CSV as two CSV files (each with the header)
// named a and b in dir, cut in the middle of a probe's rows.
func splitGolden(t *testing.T, dir, a, b string) (string, string) {
	t.Helper()
	text := goldenText(t)
	head := text[:bytes.IndexByte(text, '\n')+1]
	mid := len(text) / 2
	mid += bytes.IndexByte(text[mid:], '\n') + 1
	pa, pb := filepath.Join(dir, a), filepath.Join(dir, b)
	if err := os.WriteFile(pa, text[:mid], 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pb, append(append([]byte{}, head...), text[mid:]...), 0o644); err != nil {
		t.Fatal(err)
	}
	return pa, pb
}

// checkTables runs afsel tables with args and compares its tables with the
// golden CLI outputs.
func checkTables(t *testing.T, args ...string) string {
	t.Helper()
	out := t.TempDir()
	code, _, stderr := run(t, append([]string{"tables", "--out", out, "-q"}, args...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, name := range []string{"table1.csv", "table2.csv", "flows.csv", "change_points.csv"} {
		got, _ := os.ReadFile(filepath.Join(out, name))
		want, err := os.ReadFile(filepath.Join("testdata", "cli", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the golden CSV's", name)
		}
	}
	return out
}

func TestMultipleInputs(t *testing.T) {
	dir := t.TempDir()
	a, b := splitGolden(t, dir, "part-1.csv", "part-2.csv")
	t.Run("two flags", func(t *testing.T) {
		out := checkTables(t, "--input", a, "--input", b)
		sum, _ := os.ReadFile(filepath.Join(out, "summary.json"))
		for _, want := range []string{`"files": [`, "part-1.csv", "part-2.csv", `"rows_read": 207099`} {
			if !bytes.Contains(sum, []byte(want)) {
				t.Errorf("summary.json lacks %s:\n%s", want, sum)
			}
		}
	})
	t.Run("reversed order", func(t *testing.T) {
		// The files in the other order: merged by probe all the same (each
		// is sorted), same tables.
		checkTables(t, "--input", b, "--input", a)
	})
	t.Run("glob", func(t *testing.T) {
		checkTables(t, "--input", filepath.Join(dir, "part-*.csv"))
	})
	t.Run("glob and duplicate", func(t *testing.T) {
		checkTables(t, "-i", filepath.Join(dir, "part-?.csv"), "-i", a)
	})
	t.Run("replay", func(t *testing.T) {
		out := t.TempDir()
		code, _, stderr := run(t, "replay", "--input", filepath.Join(dir, "part-*.csv"), "--out", out, "-q")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		compareGolden(t, filepath.Join(out, "simulation.csv"), filepath.Join("testdata", "cli", "simulation.csv"))
	})
}

func TestInputErrors(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "a.csv")
	os.WriteFile(csv, []byte("prb_id,anchor_id,start_time,v4_duration,v6_duration\n1,2,2023-06-01 00:00:00 UTC,1,1\n"), 0o644)
	pq := filepath.Join(dir, "a.parquet")
	if code, _, stderr := run(t, "ingest", "file", csv, "-o", pq, "-q"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	tests := []struct {
		name     string
		args     []string
		code     int
		contains []string
	}{
		{"no match", []string{"tables", "--input", filepath.Join(dir, "day-*.parquet"), "--out", dir}, exitUsage, []string{"matches no file", "day-*.parquet"}},
		{"bad pattern", []string{"tables", "--input", filepath.Join(dir, "[x"), "--out", dir}, exitUsage, []string{"[x"}},
		{"one missing of two", []string{"tables", "--input", csv, "--input", filepath.Join(dir, "nope.csv"), "--out", dir}, exitError, []string{"nope.csv"}},
		{"unknown format", []string{"tables", "--input", csv, "--format", "xlsx", "--out", dir}, exitUsage, []string{"--format", "xlsx"}},
		{"format mismatch", []string{"tables", "--input", pq, "--format", "csv", "--out", dir}, exitError, []string{"a.parquet: content is a Parquet file but the format asked for is csv"}},
		{"name mismatch", []string{"replay", "--input", csv, "--format", "arrow", "--out", dir}, exitError, []string{"a.csv: not an Arrow IPC file or stream"}},
		{"directory", []string{"tables", "--input", dir, "--out", filepath.Join(dir, "o")}, exitUsage, []string{"is a directory: give its files, e.g. --input '" + filepath.Join(dir, "*.csv.gz") + "'"}},
		{"ingest directory", []string{"ingest", "file", dir, "-o", filepath.Join(dir, "x.arrow")}, exitUsage, []string{"INPUT " + dir + " is a directory: give its files, e.g. '" + filepath.Join(dir, "*.csv.gz") + "'"}},
		{"atlas directory", []string{"ingest", "atlas", "--anchors", atlasAnchors, dir, "-o", filepath.Join(dir, "x.arrow")}, exitUsage, []string{"RESULTS " + dir + " is a directory: give its files, e.g. '" + filepath.Join(dir, "*.bz2") + "'"}},
		{"figures data directory", []string{"figures", "--dir", dir, "--data", dir}, exitUsage, []string{"--data " + dir + " is a directory: give the one file"}},
		{"ingest no match", []string{"ingest", "file", filepath.Join(dir, "x*.csv"), "-o", filepath.Join(dir, "x.arrow")}, exitUsage, []string{"matches no file"}},
		// CSV is an output too (TestIngestOutputs); an unknown name is not.
		{"ingest unknown output", []string{"ingest", "file", csv, "-o", filepath.Join(dir, "x.txt")}, exitUsage, []string{"x.txt: unknown output format", ".csv.gz or .cbor"}},
		{"ingest gz output", []string{"ingest", "file", csv, "-o", filepath.Join(dir, "x.cbor.gz")}, exitUsage, []string{"x.cbor.gz"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := run(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr %s", code, tc.code, stderr)
			}
			for _, c := range tc.contains {
				if !strings.Contains(stderr, c) {
					t.Errorf("stderr %q lacks %q", stderr, c)
				}
			}
			if strings.Count(stderr, "is a directory") > 1 {
				t.Errorf("stderr says it twice: %q", stderr)
			}
		})
	}
}

// TestIngestOutputs converts the golden CSV to every output format (and
// the Parquet on to the others) and checks the tables from each.
func TestIngestOutputs(t *testing.T) {
	dir := t.TempDir()
	steps := []struct{ in, out string }{
		{goldenData, "g.parquet"},
		{"g.parquet", "g.arrows"},
		{"g.arrows", "g.arrow"},
		{"g.arrow", "g.csv.gz"}, // CSV out, as synth writes it
		{"g.csv.gz", "g2.csv"},
		{goldenData, "g.cbor"},
		{"g.cbor", "c.parquet"}, // no times from here on
		{"c.parquet", "c.arrow"},
		{"c.arrow", "c.cbor"},
	}
	for _, s := range steps {
		t.Run(s.out, func(t *testing.T) {
			in := s.in
			if in != goldenData {
				in = filepath.Join(dir, in)
			}
			out := filepath.Join(dir, s.out)
			code, stdout, stderr := run(t, "ingest", "file", in, "-o", out, "-q")
			if code != 0 || strings.TrimSpace(stdout) != out {
				t.Fatalf("exit %d, stdout %q: %s", code, stdout, stderr)
			}
			checkTables(t, "--input", out)
		})
	}
	t.Run("cbor round trip is stable", func(t *testing.T) {
		a, _ := os.ReadFile(filepath.Join(dir, "g.cbor"))
		b, _ := os.ReadFile(filepath.Join(dir, "c.cbor"))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Error("CBOR → Parquet → Arrow → CBOR changed the bytes")
		}
	})
	t.Run("several inputs", func(t *testing.T) {
		a, b := splitGolden(t, t.TempDir(), "a.csv", "b.csv")
		out := filepath.Join(t.TempDir(), "all.parquet")
		if code, _, stderr := run(t, "ingest", "file", a, b, "-o", out, "-q"); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		checkTables(t, "--input", out)
		// Not sorted by probe: CBOR output restarts and groups in memory.
		cb := filepath.Join(t.TempDir(), "all.cbor")
		if code, _, stderr := run(t, "ingest", "file", b, a, "-o", cb, "-q"); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		checkTables(t, "--input", cb)
		want, _ := os.ReadFile(filepath.Join(dir, "g.cbor"))
		if got, _ := os.ReadFile(cb); !bytes.Equal(got, want) {
			t.Error("CBOR from the unsorted halves differs from the CBOR of the whole")
		}
	})
	t.Run("format override", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "x.arrow")
		if code, _, stderr := run(t, "ingest", "file", filepath.Join(dir, "g.parquet"), "--format", "parquet", "-o", out, "-q"); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		// A Parquet file under a CSV name, read with --format.
		odd := filepath.Join(t.TempDir(), "tests.csv")
		data, _ := os.ReadFile(filepath.Join(dir, "g.parquet"))
		os.WriteFile(odd, data, 0o644)
		checkTables(t, "--input", odd, "--format", "parquet")
	})
}

// TestStdinInput: --input - reads standard input, whole (its digest was
// once taken by a second reader of the same stream, which split the rows
// between the two), and the summary names it.
func TestStdinInput(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(goldenData)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		w.Write(data)
		w.Close()
	}()
	stdin := os.Stdin
	os.Stdin = r
	defer func() { os.Stdin = stdin; r.Close() }()
	out := checkTables(t, "--input", "-", "--skip-bad-rows")
	sum, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"path": "standard input"`, `"rows_read": 207099`, `"sha256": "85229f371b156607299713fdf3f086416ccaee180bb8b9e6e694483a1d733564"`} {
		if !bytes.Contains(sum, []byte(want)) {
			t.Errorf("summary.json lacks %s", want)
		}
	}
}
