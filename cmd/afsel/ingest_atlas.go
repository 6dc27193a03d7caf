package main

import (
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/ingest/atlas"
	"github.com/afsel/afsel/pipeline"
)

type ingestAtlasOptions struct {
	anchors       string
	out           string
	dedup         bool
	skipBadRows   bool
	sortedByProbe bool
	failures      bool
}

func newIngestAtlasCmd(e *env) *cobra.Command {
	o := &ingestAtlasOptions{}
	cmd := &cobra.Command{
		Use:   "atlas --anchors ANCHORS.json RESULTS... -o OUTPUT.arrow",
		Short: "Pair raw RIPE Atlas HTTP results into paired tests (an Arrow IPC file)",
		Long: `Read raw RIPE Atlas HTTP measurement results (a JSON array as the API
downloads them, or one result per line as in the daily dumps; plain, .gz or
.bz2) and pair them as the authors' BigQuery query does: keep tests with HTTP
status 200 and a response time whose destination is an anchor's address of
the test's family (--anchors: a RIPE Atlas probe archive or list, only
is_anchor probes count); pair an IPv4 and an IPv6 test of the same probe and
anchor when they are less than 120 s apart (the query's whole-minute
difference below 2). Every such combination is a row, as in the query's join;
the row's start_time is the IPv4 test's. --dedup keeps only the closest IPv6
test per IPv4 test instead (ties: the earliest), which the query does not do.

--failures also keeps the failed tests (an err or dnserr, a status other than
200) and pairs them by the same rule, so either test of a row may have
failed: the file then has two more columns, v4_outcome and v6_outcome (ok,
connect_timeout, connect_failed, dns_error, read_timeout, http_error, other),
and a failed test's duration is null. Its rows whose two outcomes are ok are
exactly the rows without --failures (unless --dedup, whose closest IPv6 test
may be a failed one). A failed test that names no destination (a DNS error)
belongs to no anchor and is still skipped.

Rows are written sorted by prb_id, then start_time, anchor_id and the IPv6
test's time, as an Arrow IPC file of afsel's schema, atomically. Skipped tests
are counted by reason in the summary logged at the end.

Memory: every kept test is buffered (about 48 bytes each) and paired at the
end, since results may come in any order. With --sorted-by-probe, for inputs
sorted by prb_id (e.g. per-probe API downloads), each probe is paired as soon
as it ends and memory holds one probe; an unsorted input is then an error.`,
		Example: `  afsel ingest atlas --anchors probes.json.bz2 http-2023-06-0*.bz2 -o tests.arrow
  afsel tables --input tests.arrow --out out/`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("at least one RESULTS file is required")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case o.anchors == "":
				return usagef("--anchors is required")
			case o.out == "":
				return usagef("-o OUTPUT is required")
			case ingest.DetectFormat(o.out) != ingest.FormatArrow || strings.HasSuffix(strings.ToLower(o.out), ".gz") || strings.HasSuffix(strings.ToLower(o.out), ".bz2"):
				return usagef("-o %s: only Arrow IPC output (.arrow) is supported", o.out)
			}
			for _, p := range args {
				if err := notDir("RESULTS", p, "*.bz2"); err != nil {
					return err
				}
			}
			start := time.Now()
			anchors, err := atlas.LoadAnchors(o.anchors)
			if err != nil {
				return err
			}
			e.log.Debug("anchors", "file", o.anchors, "anchors", anchors.Len())
			var read, written atomic.Int64
			src, err := atlas.NewReader(cmd.Context(), resultInputs(args, &read), atlas.Options{
				Anchors:       anchors,
				Dedup:         o.dedup,
				SkipBadRows:   o.skipBadRows,
				SortedByProbe: o.sortedByProbe,
				KeepFailures:  o.failures,
			})
			if err != nil {
				return err
			}
			defer src.Release()
			total := inputSize(args)
			bar := e.startProgress(func(el time.Duration) string {
				return ingestLine("ingest atlas", read.Load(), total, el, written.Load())
			})
			rows, err := ingest.WriteIPC(cmd.Context(), o.out, rowCounter{src, &written})
			bar.Stop()
			if err != nil {
				return err
			}
			st := src.Counts()
			var bad int64
			for k, v := range st.Skipped {
				if strings.HasPrefix(k, "bad: ") {
					bad += v
				}
			}
			if bad > 0 {
				e.log.Warn("skipped malformed results", "results", bad)
			}
			attrs := []any{"files", st.Files, "results", st.Results, "tests_kept", st.Kept, "rows", rows}
			if o.failures {
				attrs = append(attrs, "tests_failed", st.FailedTotal())
				for _, k := range slices.Sorted(maps.Keys(st.Failed)) {
					attrs = append(attrs, "failed."+k, st.Failed[k])
				}
			}
			for _, k := range st.Reasons() {
				attrs = append(attrs, "skipped."+k, st.Skipped[k])
			}
			e.log.Info("ingest atlas done", append(attrs, "file", filepath.Clean(o.out), "elapsed", time.Since(start).Round(time.Millisecond))...)
			fmt.Fprintln(e.stdout, o.out)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.anchors, "anchors", "", "RIPE Atlas probe archive or list (JSON, plain, .gz or .bz2); only is_anchor probes count (required)")
	addOutFlag(f, &o.out, "", "output Arrow IPC file (.arrow)")
	f.BoolVar(&o.dedup, "dedup", false, "keep only the closest IPv6 test per IPv4 test (ties: the earliest); off reproduces the query's join")
	f.BoolVar(&o.skipBadRows, "skip-bad-rows", false, "skip malformed results, counting them by reason, instead of failing")
	f.BoolVar(&o.sortedByProbe, "sorted-by-probe", false, "the results are sorted by prb_id: pair each probe as it ends, holding one probe in memory")
	f.BoolVar(&o.failures, "failures", false, "keep failed tests, with their outcome, in the output's outcome columns")
	return cmd
}

// resultInputs are the result files at paths, - standard input, their
// bytes counted into read as they are read.
func resultInputs(paths []string, read *atomic.Int64) []atlas.Input {
	in := make([]atlas.Input, len(paths))
	for i, p := range paths {
		in[i] = atlas.Input{Name: p, Open: func() (io.ReadCloser, error) {
			if p == pipeline.Stdin {
				return readCloser{countingReader{os.Stdin, read}, io.NopCloser(nil)}, nil
			}
			f, err := os.Open(p)
			if err != nil {
				return nil, err
			}
			return readCloser{countingReader{f, read}, f}, nil
		}}
		if p == pipeline.Stdin {
			in[i].Name = "standard input"
		}
	}
	return in
}

// readCloser reads from one reader and closes another.
type readCloser struct {
	io.Reader
	io.Closer
}
