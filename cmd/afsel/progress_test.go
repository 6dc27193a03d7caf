package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/afsel/afsel/pipeline"
)

// TestProgress: the line is shown until Stop, which clears it and may be
// called twice; a nil progress (no terminal) stops quietly.
func TestProgress(t *testing.T) {
	var b bytes.Buffer
	shown := make(chan struct{}, 1)
	p := newProgress(&b, time.Millisecond, func(time.Duration) string {
		select {
		case shown <- struct{}{}:
		default:
		}
		return "working"
	})
	<-shown
	p.Stop()
	p.Stop()
	if out := b.String(); !strings.Contains(out, "\r\033[Kworking") || !strings.HasSuffix(out, "\r\033[K") {
		t.Errorf("progress wrote %q", out)
	}
	var none *progress
	none.Stop()
}

// TestWriteLine: the line while files are written names the figure phase,
// Figure 1's pass and the files written once there are any.
func TestWriteLine(t *testing.T) {
	var mon pipeline.Monitor
	figs := pipeline.Stages{Tables: true, Replay: true, Figures: true}
	if got := writeLine("reproduce", figs, &mon); got != "reproduce: figures and report" {
		t.Errorf("line %q", got)
	}
	if got := writeLine("tables", pipeline.Stages{Tables: true}, &mon); got != "tables: writing" {
		t.Errorf("line %q", got)
	}
	mon.Fig1Pass.Store(3)
	mon.Files.Store(3)
	mon.Written.Store(2)
	if got, want := writeLine("reproduce", figs, &mon), "reproduce: figures and report, Figure 1 pass 3, 2 of 3 files written"; got != want {
		t.Errorf("line %q, want %q", got, want)
	}
}

// TestFormatProgress: the meter's text from what was done of the total, the
// rate and the time left; without a total, no share and no ETA.
func TestFormatProgress(t *testing.T) {
	for _, c := range []struct {
		name        string
		done, total int64
		rate        float64
		eta         time.Duration
		want        string
	}{
		{"start", 0, 6_200_000_000, 0, -1, "0 B of 6.2 GB (0%)"},
		{"under way", 1_234_567_890, 6_200_000_000, 85e6, 58*time.Second + 600*time.Millisecond, "1.2 GB of 6.2 GB (19%), 85 MB/s, ETA 59s"},
		{"minutes", 512_000, 100_000_000, 1500, 3*time.Minute + 7*time.Second, "512 kB of 100 MB (0%), 1.5 kB/s, ETA 3m07s"},
		{"hours", 10_000_000, 1_000_000_000_000, 150e6, 2*time.Hour + 5*time.Minute + 40*time.Second, "10 MB of 1.0 TB (0%), 150 MB/s, ETA 2h06m"},
		{"done", 6_200_000_000, 6_200_000_000, 85e6, 0, "6.2 GB of 6.2 GB (100%), 85 MB/s, ETA 0s"},
		{"read past the size", 6_300_000_000, 6_200_000_000, 85e6, 0, "6.2 GB of 6.2 GB (100%), 85 MB/s, ETA 0s"},
		{"no total", 999, 0, 12.5, -1, "999 B read, 12 B/s"},
		{"no total, large", 45_600_000, 0, 9.96e6, -1, "46 MB read, 10 MB/s"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := formatProgress(c.done, c.total, c.rate, c.eta); got != c.want {
				t.Errorf("formatProgress(%d, %d, %v, %v) = %q, want %q", c.done, c.total, c.rate, c.eta, got, c.want)
			}
		})
	}
}

// TestEstimate: the rate since the start and the time left at it.
func TestEstimate(t *testing.T) {
	for _, c := range []struct {
		name        string
		done, total int64
		elapsed     time.Duration
		rate        float64
		eta         time.Duration
	}{
		{"a quarter in 10s", 250, 1000, 10 * time.Second, 25, 30 * time.Second},
		{"nothing yet", 0, 1000, time.Second, 0, -1},
		{"no time yet", 10, 1000, 0, 0, -1},
		{"no total", 250, 0, 10 * time.Second, 25, -1},
		{"past the total", 1100, 1000, 10 * time.Second, 110, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			rate, eta := estimate(c.done, c.total, c.elapsed)
			if rate != c.rate || eta != c.eta {
				t.Errorf("estimate = %v, %v; want %v, %v", rate, eta, c.rate, c.eta)
			}
		})
	}
}

// TestProgressLines: the lines of the analysis and of the conversions.
func TestProgressLines(t *testing.T) {
	for _, c := range []struct {
		name string
		got  string
		want string
	}{
		{"analysis", analysisState{Name: "tables", Metered: true, Done: 1_000_000_000, Total: 4_000_000_000, Elapsed: 10 * time.Second, Reading: 1, Probes: 3200, Pairs: 45000}.line(),
			"tables: 1.0 GB of 4.0 GB (25%), 100 MB/s, ETA 30s; 3200 probes, 45000 pairs"},
		{"analysis of standard input", analysisState{Name: "tables", Metered: true, Done: 2_000_000, Elapsed: time.Second, Reading: 1, Probes: 3, Pairs: 10}.line(),
			"tables: 2.0 MB read, 2.0 MB/s; 3 probes, 10 pairs"},
		{"input being copied", analysisState{Name: "reproduce", Metered: true, Elapsed: time.Second}.line(),
			"reproduce: preparing the input"},
		{"second reading", analysisState{Name: "replay", Metered: true, Done: 500, Total: 1000, Elapsed: time.Second, Reading: 2}.line(),
			"replay: second reading, the input is not sorted by probe: 500 B of 1.0 kB (50%), 500 B/s, ETA 1s; 0 probes, 0 pairs"},
		{"embedded data", analysisState{Name: "reproduce", Elapsed: 2 * time.Second, Probes: 100, Pairs: 300}.line(),
			"reproduce: 100 probes, 300 pairs, 150 pairs/s"},
		{"ingest reading", ingestLine("ingest atlas", 30_000_000, 120_000_000, 3*time.Second, 0),
			"ingest atlas: 30 MB of 120 MB (25%), 10 MB/s, ETA 9s"},
		{"ingest writing", ingestLine("ingest file", 120_000_000, 120_000_000, 12*time.Second, 1_234_567),
			"ingest file: 120 MB of 120 MB (100%), 10 MB/s, ETA 0s; 1.2M rows written"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("line %q, want %q", c.got, c.want)
			}
		})
	}
}

// TestProgressOnlyOnTerminal: no progress where stderr is not a terminal
// (a pipe, a file, a buffer) or with -q; the commands that show progress
// on a terminal write no status line to a pipe.
func TestProgressOnlyOnTerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for _, e := range []*env{{stderr: w}, {stderr: &bytes.Buffer{}}, {stderr: os.Stderr, quiet: true}} {
		if p := e.startProgress(func(time.Duration) string { return "x" }); p != nil {
			p.Stop()
			t.Errorf("progress shown on %T (quiet %v)", e.stderr, e.quiet)
		}
	}
	dir := t.TempDir()
	results := filepath.Join(dir, "results.jsonl")
	if err := os.WriteFile(results, []byte(`{"prb_id":1,"timestamp":1,"type":"http","result":[]}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"ingest", "file", goldenData, "-o", filepath.Join(dir, "t.arrow")},
		{"ingest", "atlas", "--anchors", atlasAnchors, results, "-o", filepath.Join(dir, "a.arrow")},
		{"tables", "--input", goldenData, "--out", filepath.Join(dir, "tables")},
	} {
		t.Run(strings.Join(args[:2], " "), func(t *testing.T) {
			code, _, stderr := run(t, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if strings.ContainsAny(stderr, "\r\033") {
				t.Errorf("a status line on a buffer: %q", stderr)
			}
		})
	}
}
