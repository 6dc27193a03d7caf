package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/afsel/afsel/stats"
	"github.com/afsel/afsel/tables"
)

var update = flag.Bool("update", false, "rewrite the golden reports in testdata")

// TestGoldenReport: a report's HTML and Markdown, byte for byte, so that a
// section added for other runs (policies, failures) changes nothing where
// it is empty. The header's date is the run's UTC day.
func TestGoldenReport(t *testing.T) {
	r := &Report{
		Header: Header{Input: "data/2023_06*.csv.gz", Date: time.Date(2023, 6, 9, 1, 30, 0, 0, time.FixedZone("CEST", 2*60*60)),
			Synthetic: "The input is generated."},
		Table1:     []tables.Row{{Category: "IPv4 is better", Count: 3, Share: 0.3}, {Category: "total", Count: 10, Share: 1}},
		Table2:     []tables.Row{{Category: "A", Count: 1, Share: 0.1}},
		Replay:     []ReplayRow{{Zone: stats.ZoneV4, Pairs: 3, Q1: 0.8, Median: 0.9, Q3: 0.95, Static: 0.9, Probe: 0.85, EXP3Gain: 1.5, StaticGain: 2}},
		Parameters: []KV{{Key: "points", Value: "100"}},
		Notes:      []string{"A note."},
	}
	for _, f := range []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"report.html", func(b *bytes.Buffer) error { return WriteHTML(b, r) }},
		{"report.md", func(b *bytes.Buffer) error { return WriteMarkdown(b, r) }},
	} {
		var b bytes.Buffer
		if err := f.write(&b); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", f.name)
		if *update {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b.Bytes(), want) {
			t.Errorf("%s differs from %s (go test -update rewrites it)", f.name, path)
		}
	}
}
