package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/outcome"
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

// TestSynthBatchRows: --batch-rows changes the Arrow file's batches, not
// its rows.
func TestSynthBatchRows(t *testing.T) {
	dir := t.TempDir()
	var csvs [][]byte
	for _, rows := range []string{"65536", "1000"} {
		arrow, csv := filepath.Join(dir, rows+".arrow"), filepath.Join(dir, rows+".csv")
		if code, _, stderr := run(t, "synth", "--pairs", "60", "--batch-rows", rows, "-o", arrow, "-q"); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		f, err := os.Open(arrow)
		if err != nil {
			t.Fatal(err)
		}
		r, err := ipc.NewFileReader(f)
		if err != nil {
			t.Fatal(err)
		}
		if n := r.NumRecords(); (rows == "1000") != (n > 1) {
			t.Errorf("--batch-rows %s: %d batches", rows, n)
		}
		r.Close()
		f.Close()
		if code, _, stderr := run(t, "ingest", "file", arrow, "-o", csv, "-q"); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		b, err := os.ReadFile(csv)
		if err != nil {
			t.Fatal(err)
		}
		csvs = append(csvs, b)
	}
	if !bytes.Equal(csvs[0], csvs[1]) {
		t.Error("the rows depend on --batch-rows")
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
		{"no batch rows", []string{"synth", "--batch-rows", "0", "-o", filepath.Join(dir, "x.arrow")}},
		{"probes-out is the output", []string{"synth", "-o", filepath.Join(dir, "x.arrow"), "--probes-out", filepath.Join(dir, ".", "x.arrow")}},
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

// TestSynthFailures: --failures writes ingest.FailuresSchema, the rows of
// the run without it with some tests failed. Arrow IPC only for now: the
// Arrow writers take any schema, while the CSV writer (and the readers)
// are being extended to FailuresSchema elsewhere.
func TestSynthFailures(t *testing.T) {
	dir := t.TempDir()
	plainPath, failPath := filepath.Join(dir, "plain.arrow"), filepath.Join(dir, "failures.arrow")
	for _, args := range [][]string{
		{"synth", "--pairs", "120", "--seed", "5", "-o", plainPath, "-q"},
		{"synth", "--pairs", "120", "--seed", "5", "--failures", "-o", failPath, "-q"},
	} {
		if code, _, stderr := run(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	plain, plainSchema := readArrowRows(t, plainPath)
	failed, failSchema := readArrowRows(t, failPath)
	if !plainSchema.Equal(ingest.Schema) || !failSchema.Equal(ingest.FailuresSchema) {
		t.Fatalf("schemas %s and %s", plainSchema, failSchema)
	}
	if len(plain) != len(failed) {
		t.Fatalf("%d rows with --failures, %d without", len(failed), len(plain))
	}
	n := map[string]int{}
	for i, p := range plain {
		f := failed[i]
		if f.key != p.key {
			t.Fatalf("row %d: %v with --failures, %v without", i, f.key, p.key)
		}
		for k := range 2 {
			switch {
			case f.out[k] == "ok" && (f.null[k] || f.d[k] != p.d[k]):
				t.Fatalf("row %d: family %d worked but its duration is %v (null %v), %v without --failures", i, k, f.d[k], f.null[k], p.d[k])
			case f.out[k] != "ok" && !f.null[k]:
				t.Fatalf("row %d: family %d %s but its duration is %v", i, k, f.out[k], f.d[k])
			case f.out[k] != "ok":
				if _, err := outcome.Parse(f.out[k]); err != nil {
					t.Fatalf("row %d: %v", i, err)
				}
				n[[]string{"v4 ", "v6 "}[k]+f.out[k]]++
			}
		}
	}
	t.Logf("failures in %d rows: %v", len(failed), n)
	if len(n) == 0 {
		t.Error("no test failed")
	}
}

type arrowRow struct {
	key  [3]int64 // prb_id, anchor_id, start_time
	d    [2]float64
	null [2]bool
	out  [2]string // "ok" without outcome columns
}

func readArrowRows(t *testing.T, path string) ([]arrowRow, *arrow.Schema) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := ipc.NewFileReader(f)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out []arrowRow
	for k := range r.NumRecords() {
		rec, err := r.Record(k)
		if err != nil {
			t.Fatal(err)
		}
		p := rec.Column(ingest.IdxProbe).(*array.Int64)
		a := rec.Column(ingest.IdxAnchor).(*array.Int64)
		ts := rec.Column(ingest.IdxStartTime).(*array.Timestamp)
		d := [2]*array.Float64{rec.Column(ingest.IdxV4).(*array.Float64), rec.Column(ingest.IdxV6).(*array.Float64)}
		var o [2]*array.String
		if rec.NumCols() > ingest.IdxV4Outcome {
			o = [2]*array.String{rec.Column(ingest.IdxV4Outcome).(*array.String), rec.Column(ingest.IdxV6Outcome).(*array.String)}
		}
		for i := range int(rec.NumRows()) {
			x := arrowRow{key: [3]int64{p.Value(i), a.Value(i), int64(ts.Value(i))}, out: [2]string{"ok", "ok"}}
			for k := range 2 {
				x.d[k], x.null[k] = d[k].Value(i), d[k].IsNull(i)
				if o[k] != nil {
					x.out[k] = o[k].Value(i)
				}
			}
			out = append(out, x)
		}
	}
	return out, r.Schema()
}
