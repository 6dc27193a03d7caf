package ingest_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/afsel/afsel/ingest"
)

func TestOutputFormat(t *testing.T) {
	tests := []struct {
		path string
		want ingest.Format
		ok   bool
	}{
		{"x.arrow", ingest.FormatArrow, true},
		{"x.IPC", ingest.FormatArrow, true},
		{"x.arrows", ingest.FormatArrowStream, true},
		{"x.parquet", ingest.FormatParquet, true},
		{"x.csv", ingest.FormatCSV, true},
		{"x.csv.gz", ingest.FormatCSV, true},
		{"x.cbor", ingest.FormatCBOR, true},
		{"x.arrow.gz", "", false},
		{"x.csv.bz2", "", false},
		{"x.txt", "", false},
		{"x", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got, err := ingest.OutputFormat(tt.path)
			if (err == nil) != tt.ok || got != tt.want {
				t.Errorf("OutputFormat(%q) = %q, %v; want %q, ok %v", tt.path, got, err, tt.want, tt.ok)
			}
		})
	}
}

// TestWriteFileRoundTrip writes the golden tests in every format WriteFile
// takes and reads each back: the rows are the same.
func TestWriteFileRoundTrip(t *testing.T) {
	in := writeFile(t, "in.csv", goldenText(t))
	src, err := ingest.Open(in, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want, _, err := readAll(t, src)
	src.Release()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, name := range []string{"t.arrow", "t.arrows", "t.parquet", "t.csv", "t.csv.gz"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			src, err := ingest.Open(in, ingest.Options{})
			if err != nil {
				t.Fatal(err)
			}
			n, err := ingest.WriteFile(context.Background(), path, src)
			src.Release()
			if err != nil {
				t.Fatal(err)
			}
			if n != goldenRows {
				t.Errorf("wrote %d rows, want %d", n, goldenRows)
			}
			r, err := ingest.Open(path, ingest.Options{})
			if err != nil {
				t.Fatal(err)
			}
			got, _, err := readAll(t, r)
			r.Release()
			if err != nil {
				t.Fatal(err)
			}
			checkRows(t, got, want)
		})
	}
	src, err = ingest.Open(in, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Release()
	if _, err := ingest.WriteFile(context.Background(), filepath.Join(dir, "t.cbor"), src); err == nil || !strings.Contains(err.Error(), "CreateCBOR") {
		t.Errorf("WriteFile to CBOR: %v, want an error naming CreateCBOR", err)
	}
}

func TestDroppedText(t *testing.T) {
	st := ingest.Stats{RowsRead: 5, RowsKept: 2, Dropped: map[string]int64{"v4_duration: negative": 2, "blank line": 1}}
	if got, want := st.DroppedText(), "blank line 1, v4_duration: negative 2"; got != want {
		t.Errorf("DroppedText() = %q, want %q", got, want)
	}
	if got := (ingest.Stats{}).DroppedText(); got != "" {
		t.Errorf("no drops: %q", got)
	}
}
