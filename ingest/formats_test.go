package ingest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/afsel/afsel/ingest"
)

// formatContents returns small.csv's 40 rows in every format and
// compression afsel reads, keyed by a content name.
func formatContents(t *testing.T) map[string][]byte {
	t.Helper()
	dir := t.TempDir()
	read := func(p string) []byte {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	csv := read("testdata/small.csv")
	c := map[string][]byte{
		"csv":   csv,
		"gzcsv": gzipBytes(t, csv),
		"bzcsv": read("testdata/small.csv.bz2"),
	}
	convert(t, filepath.Join(dir, "x.parquet"), "testdata/small.csv", ingest.WriteParquet)
	convert(t, filepath.Join(dir, "x.arrow"), "testdata/small.csv", ingest.WriteIPC)
	convert(t, filepath.Join(dir, "x.arrows"), "testdata/small.csv", ingest.WriteIPCStream)
	writeCBORFrom(t, filepath.Join(dir, "x.cbor"), "testdata/small.csv")
	c["parquet"] = read(filepath.Join(dir, "x.parquet"))
	c["arrowfile"] = read(filepath.Join(dir, "x.arrow"))
	c["arrowstream"] = read(filepath.Join(dir, "x.arrows"))
	c["cbor"] = read(filepath.Join(dir, "x.cbor"))
	c["gzcbor"] = gzipBytes(t, c["cbor"])
	return c
}

// TestOpenFormats opens every content under every name: the format the name
// says must accept exactly its own content (compressed or not, and both IPC
// variants for .arrow), and any other combination must fail with an error
// naming the file.
func TestOpenFormats(t *testing.T) {
	contents := formatContents(t)
	csvOK := []string{"csv", "gzcsv", "bzcsv"}
	accepts := map[string][]string{
		"x.csv":         csvOK,
		"x.csv.gz":      csvOK,
		"x.csv.bz2":     csvOK,
		"x":             csvOK,
		"x.txt":         csvOK,
		"x.parquet":     {"parquet"},
		"X.PARQUET":     {"parquet"},
		"x.arrow":       {"arrowfile", "arrowstream"},
		"x.ipc":         {"arrowfile", "arrowstream"},
		"x.feather":     {"arrowfile", "arrowstream"},
		"x.arrows":      {"arrowstream"},
		"x.cbor":        {"cbor", "gzcbor"},
		"x.cbor.gz":     {"cbor", "gzcbor"},
		"x.cbor.bz2":    {"cbor", "gzcbor"},
		"x.parquet.gz":  {"parquet"}, // the name's .gz is ignored; content decides
		"paths.cbor.gz": {"cbor", "gzcbor"},
	}
	// Expected error text when a content is opened under a wrong name.
	wrong := map[string]string{
		"csv":         "content is text",
		"gzcsv":       "content is gzip",
		"bzcsv":       "content is bzip2",
		"parquet":     "content is a Parquet file",
		"arrowfile":   "content is an Arrow IPC file",
		"arrowstream": "content is an Arrow IPC stream",
		"cbor":        "content is CBOR",
		"gzcbor":      "content is gzip",
	}
	for name, ok := range accepts {
		for content, data := range contents {
			t.Run(name+"/"+content, func(t *testing.T) {
				path := writeFile(t, name, data)
				want := false
				for _, c := range ok {
					want = want || c == content
				}
				checkOpen(t, path, "", want, wrong[content])
			})
		}
	}
}

// checkOpen opens path with format and checks it reads small.csv's 40 rows,
// or fails naming path and saying msg (or, for a compressed content under a
// CSV or CBOR name, saying what the decompressed content is).
func checkOpen(t *testing.T, path string, format ingest.Format, ok bool, msg string) {
	t.Helper()
	r, err := ingest.OpenFormat(path, format, ingest.Options{})
	if err == nil {
		defer r.Release()
		n := 0
		for r.Next() {
			n += int(r.Record().NumRows())
		}
		err = r.Err()
		if err == nil && n != 40 {
			t.Fatalf("%d rows, want 40", n)
		}
	}
	switch {
	case ok && err != nil:
		t.Fatalf("error %v", err)
	case !ok && err == nil:
		t.Fatal("read without error")
	case !ok:
		if !strings.Contains(err.Error(), path) {
			t.Errorf("error %q does not name %s", err, path)
		}
		// A compressed content under a CSV or CBOR name is reported as
		// what it holds once decompressed.
		if !strings.Contains(err.Error(), msg) && !(strings.Contains(msg, "gzip") || strings.Contains(msg, "bzip2")) || !strings.Contains(err.Error(), "content is") {
			t.Errorf("error %q should say %q", err, msg)
		}
	}
}

// TestOpenFormatOverride opens every content under a neutral name with each
// explicit format.
func TestOpenFormatOverride(t *testing.T) {
	contents := formatContents(t)
	accepts := map[ingest.Format][]string{
		ingest.FormatCSV:         {"csv", "gzcsv", "bzcsv"},
		ingest.FormatParquet:     {"parquet"},
		ingest.FormatArrow:       {"arrowfile", "arrowstream"},
		ingest.FormatArrowStream: {"arrowstream"},
		ingest.FormatCBOR:        {"cbor", "gzcbor"},
	}
	for format, ok := range accepts {
		for content, data := range contents {
			t.Run(fmt.Sprintf("%s/%s", format, content), func(t *testing.T) {
				// A misleading name: the format wins.
				path := writeFile(t, "data.parquet", data)
				want := false
				for _, c := range ok {
					want = want || c == content
				}
				checkOpen(t, path, format, want, "content is")
			})
		}
	}
	t.Run("message", func(t *testing.T) {
		path := writeFile(t, "data.csv", contents["parquet"])
		_, err := ingest.OpenFormat(path, "csv", ingest.Options{})
		if err == nil || !strings.Contains(err.Error(), path+": content is a Parquet file but the format asked for is csv") {
			t.Errorf("error %v", err)
		}
		_, err = ingest.Open(path, ingest.Options{})
		if err == nil || !strings.Contains(err.Error(), path+": content is a Parquet file but the name says csv") {
			t.Errorf("error %v", err)
		}
		path = writeFile(t, "data.arrows", contents["arrowfile"])
		_, err = ingest.Open(path, ingest.Options{})
		if err == nil || !strings.Contains(err.Error(), "not a stream") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("unknown", func(t *testing.T) {
		path := writeFile(t, "data.csv", contents["csv"])
		_, err := ingest.OpenFormat(path, "xlsx", ingest.Options{})
		if err == nil || !strings.Contains(err.Error(), `unknown format "xlsx"`) || !strings.Contains(err.Error(), path) {
			t.Errorf("error %v", err)
		}
	})
}

func TestDetectFormats(t *testing.T) {
	tests := map[string]ingest.Format{
		"a.parquet": ingest.FormatParquet, "a.PARQUET": ingest.FormatParquet,
		"a.arrows": ingest.FormatArrowStream, "a.arrow": ingest.FormatArrow,
		"a.cbor": ingest.FormatCBOR, "a.cbor.gz": ingest.FormatCBOR, "a.cbor.bz2": ingest.FormatCBOR,
		"a.cbor.csv": ingest.FormatCSV, "cbor": ingest.FormatCSV,
	}
	for path, want := range tests {
		if got := ingest.DetectFormat(path); got != want {
			t.Errorf("DetectFormat(%q) = %s, want %s", path, got, want)
		}
	}
	for _, f := range ingest.Formats {
		if got, err := ingest.ParseFormat(strings.ToUpper(string(f))); err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %s, %v", f, got, err)
		}
	}
}

// TestOpenFiles reads small.csv split into three files of different formats
// as one stream.
func TestOpenFiles(t *testing.T) {
	text, err := os.ReadFile("testdata/small.csv")
	if err != nil {
		t.Fatal(err)
	}
	want, _, _, err := readCSV(t, string(text), ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(text), "\n")
	head := lines[0]
	a := writeFile(t, "a.csv.gz", gzipBytes(t, []byte(head+strings.Join(lines[1:11], ""))))
	b := writeFile(t, "b.csv", []byte(head+strings.Join(lines[11:30], "")))
	c := writeFile(t, "c.csv", []byte(head+strings.Join(lines[30:], "")))
	cp := filepath.Join(t.TempDir(), "c.parquet")
	convert(t, cp, c, ingest.WriteParquet)

	r, err := ingest.OpenFiles([]string{a, b, cp}, "", ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	got, batches, err := readAll(t, r)
	if err != nil {
		t.Fatal(err)
	}
	checkRows(t, got, want)
	if len(batches) != 3 {
		t.Errorf("batches %v, want one per file", batches)
	}
	if st := r.Stats(); st.RowsRead != 40 || st.RowsKept != 40 {
		t.Errorf("stats %+v", st)
	}

	t.Run("bad second file", func(t *testing.T) {
		bad := writeFile(t, "bad.csv", []byte(head+"1,2,x,1,1\n"))
		r, err := ingest.OpenFiles([]string{a, bad, b}, "", ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Release()
		_, _, err = readAll(t, r)
		if err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("error %v should name %s", err, bad)
		}
	})
	t.Run("skip bad rows adds up", func(t *testing.T) {
		bad := writeFile(t, "bad.csv", []byte(head+"1,2,x,1,1\n1,2,2023-06-01 00:00:00 UTC,-1,1,1\n"))
		r, err := ingest.OpenFiles([]string{bad, a, bad}, "", ingest.Options{SkipBadRows: true})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Release()
		got, _, err := readAll(t, r)
		if err != nil {
			t.Fatal(err)
		}
		st := r.Stats()
		checkStats(t, st)
		if len(got) != 10 || st.RowsRead != 14 || st.Dropped["v4_duration: negative"] != 2 {
			t.Errorf("%d rows, stats %+v", len(got), st)
		}
	})
	t.Run("no files", func(t *testing.T) {
		if _, err := ingest.OpenFiles(nil, "", ingest.Options{}); err == nil {
			t.Error("no error")
		}
	})
}
