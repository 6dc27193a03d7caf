package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/afsel/afsel/ingest"
)

// failuresCSV has outcome columns: two rows with a failed test, one of
// them without its duration, and no ratio (afsel writes it only of tests
// that worked).
const failuresCSV = ingest.CSVFailuresHeader + `
340,6696,2023-06-01 00:03:46.332507 UTC,113.5,104.25,1.0887290167865706,ok,ok
340,6696,2023-06-01 00:04:46.332507 UTC,110,,,ok,connect_timeout
340,6999,2023-06-01 00:05:46.332507 UTC,55.5,92.75,0.5983827493261455,ok,ok
341,6999,2023-06-01 00:06:46.332507 UTC,3000,90,,http_error,ok
`

// withoutFailuresCSV is failuresCSV without the rows with a failed test,
// in the authors' layout.
const withoutFailuresCSV = ingest.CSVHeader + `
340,6696,2023-06-01 00:03:46.332507 UTC,113.5,104.25,
340,6999,2023-06-01 00:05:46.332507 UTC,55.5,92.75,
`

// TestIngestFileFailures: without --failures, the rows with a failed test
// are left out, counted by reason, and the output is that of the input
// without them; with it, they are kept with their outcomes; CBOR output
// has no place for them.
func TestIngestFileFailures(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.csv")
	without := filepath.Join(dir, "without.csv")
	for path, text := range map[string]string{in: failuresCSV, without: withoutFailuresCSV} {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("left out", func(t *testing.T) {
		for _, name := range []string{"o.csv", "o.arrow", "o.parquet", "o.cbor"} {
			got, want := filepath.Join(dir, "a-"+name), filepath.Join(dir, "b-"+name)
			code, _, stderr := run(t, "ingest", "file", in, "-o", got)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for _, s := range []string{"left out rows with a failed test", "rows=2", "v4_outcome: http_error 1, v6_outcome: connect_timeout 1"} {
				if !strings.Contains(stderr, s) {
					t.Errorf("%s: log lacks %q:\n%s", name, s, stderr)
				}
			}
			if strings.Contains(stderr, "malformed") {
				t.Errorf("%s: failed tests reported as malformed rows:\n%s", name, stderr)
			}
			if code, _, stderr := run(t, "ingest", "file", without, "-o", want, "-q"); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			a, errA := os.ReadFile(got)
			b, errB := os.ReadFile(want)
			if errA != nil || errB != nil || !bytes.Equal(a, b) {
				t.Errorf("%s: output differs from that of the input without failed tests (%v, %v)", name, errA, errB)
			}
		}
	})

	t.Run("kept", func(t *testing.T) {
		for _, name := range []string{"k.csv", "k.arrows", "k.parquet"} {
			out := filepath.Join(dir, name)
			code, stdout, stderr := run(t, "ingest", "file", in, "--failures", "-o", out, "-q")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if strings.TrimSpace(stdout) != out {
				t.Errorf("stdout %q, want the output path", stdout)
			}
			r, err := ingest.Open(out, ingest.Options{KeepFailures: true})
			if err != nil {
				t.Fatal(err)
			}
			rows := 0
			for r.Next() {
				if !ingest.HasOutcomes(r.Record().Schema()) {
					t.Errorf("%s: batch without outcomes", name)
				}
				rows += int(r.Record().NumRows())
			}
			if r.Err() != nil || rows != 4 {
				t.Errorf("%s: %d rows, err %v; want 4", name, rows, r.Err())
			}
			r.Release()
		}
		b, err := os.ReadFile(filepath.Join(dir, "k.csv"))
		if err != nil || string(b) != failuresCSV {
			t.Errorf("k.csv:\n%s\nwant the input (%v)", b, err)
		}
	})

	t.Run("five columns", func(t *testing.T) {
		// Input without outcome columns: --failures changes nothing.
		a, b := filepath.Join(dir, "p.csv"), filepath.Join(dir, "q.csv")
		for _, args := range [][]string{{"-o", a}, {"-o", b, "--failures"}} {
			if code, _, stderr := run(t, append([]string{"ingest", "file", without, "-q"}, args...)...); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
		}
		x, errX := os.ReadFile(a)
		y, errY := os.ReadFile(b)
		if errX != nil || errY != nil || !bytes.Equal(x, y) {
			t.Errorf("--failures changed the output of input without outcomes (%v, %v)", errX, errY)
		}
	})

	t.Run("cbor", func(t *testing.T) {
		out := filepath.Join(dir, "k.cbor")
		code, _, stderr := run(t, "ingest", "file", in, "--failures", "-o", out)
		if code != exitUsage || !strings.Contains(stderr, "no place for outcomes") {
			t.Errorf("exit %d, stderr %q; want a usage error", code, stderr)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s written despite the error", out)
		}
	})

	t.Run("help", func(t *testing.T) {
		_, stdout, _ := run(t, "ingest", "file", "--help")
		if !strings.Contains(stdout, "--failures") || !strings.Contains(stdout, "keep rows with a failed test") {
			t.Errorf("help lacks --failures:\n%s", stdout)
		}
	})
}
