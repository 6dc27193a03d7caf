package ingest_test

import (
	"sync/atomic"
	"testing"

	"github.com/afsel/afsel/ingest"
)

// TestBytesRead: a file read whole through Options.BytesRead counts its
// size: exactly for the formats read in sequence, about it for those read
// at offsets (Arrow IPC files and Parquet read their footers more than
// once), never counting the bytes read to tell the format.
func TestBytesRead(t *testing.T) {
	names := map[string]string{
		"csv": "x.csv", "gzcsv": "x.csv.gz", "bzcsv": "x.csv.bz2", "cbor": "x.cbor", "gzcbor": "x.cbor.gz",
		"arrowstream": "x.arrows", "arrowfile": "x.arrow", "parquet": "x.parquet",
	}
	atOffsets := map[string]bool{"arrowfile": true, "parquet": true}
	for content, b := range formatContents(t) {
		t.Run(content, func(t *testing.T) {
			path := writeFile(t, names[content], b)
			var n atomic.Int64
			r, err := ingest.Open(path, ingest.Options{BytesRead: &n})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Release()
			var rows int64
			for r.Next() {
				rows += r.Record().NumRows()
			}
			if err := r.Err(); err != nil || rows == 0 {
				t.Fatalf("%d rows: %v", rows, err)
			}
			size := int64(len(b))
			got := n.Load()
			t.Logf("%s: %d bytes counted, size %d", content, got, size)
			if atOffsets[content] {
				if got < size/2 || got > 2*size {
					t.Errorf("%d bytes counted, size %d", got, size)
				}
			} else if got != size {
				t.Errorf("%d bytes counted, want the size %d", got, size)
			}
		})
	}
}

// TestBytesReadFiles: over several files, BytesRead adds up their sizes.
func TestBytesReadFiles(t *testing.T) {
	c := formatContents(t)
	paths := []string{writeFile(t, "a.csv", c["csv"]), writeFile(t, "b.csv.gz", c["gzcsv"]), writeFile(t, "c.arrows", c["arrowstream"])}
	var n atomic.Int64
	r, err := ingest.OpenFiles(paths, "", ingest.Options{BytesRead: &n, KeepFailures: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	for r.Next() {
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	if got, want := n.Load(), int64(len(c["csv"])+len(c["gzcsv"])+len(c["arrowstream"])); got != want {
		t.Errorf("%d bytes counted, want %d", got, want)
	}
}
