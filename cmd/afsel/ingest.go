package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/afsel/afsel/ingest"
)

func newIngestCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ingest",
		Short: "Convert paired tests between formats, or pair raw RIPE Atlas results",
	}
	cmd.AddCommand(newIngestFileCmd(e), newIngestAtlasCmd(e), newIngestBigQueryCmd(e))
	return cmd
}

type ingestFileOptions struct {
	out      string
	failures bool // keep rows with a failed test (ingest.Options.KeepFailures)
}

func newIngestFileCmd(e *env) *cobra.Command {
	o := &ingestFileOptions{}
	in := &inputFlags{}
	cmd := &cobra.Command{
		Use:   "file INPUT... -o OUTPUT",
		Short: "Convert paired tests between CSV, Parquet, Arrow IPC and the simulator's CBOR",
		Long: `Read paired tests from one or more files, in any format afsel reads (the
authors' CSV layout prb_id,anchor_id,start_time,v4_duration,v6_duration
[,v4_v6_ratio] plain, .gz or .bz2; Parquet, e.g. a BigQuery export; Arrow IPC
file or stream; the simulator's paths.cbor), and write them in the format the
output's name says:
  .arrow (.ipc, .feather)  Arrow IPC file of afsel's schema: prb_id int64,
                           anchor_id int64, start_time timestamp[us, UTC],
                           v4_duration float64, v6_duration float64
  .arrows                  the same as an Arrow IPC stream
  .parquet                 Parquet, zstd, row groups of 1Mi rows
  .csv, .csv.gz            the authors' CSV layout (with v4_v6_ratio),
                           start_time to the microsecond
  .cbor                    the simulator's paths.cbor: an array of
                           [prb_id, anchor_id, [v4 ms...], [v6 ms...]], one
                           entry per pair, tests in time order, no times
The inputs are the arguments, or --input as the other commands take it
(both may be given). Several inputs (or a quoted glob) are read one after
another as one stream; - is standard input (CSV unless --format says
otherwise), copied beside the output first. Inputs without times (CBOR)
keep no start_time in any output. The output is written atomically. On a
terminal a status line shows the bytes read of the inputs' size, the rate
and the time left.

Inputs may say how each test ended, in the columns v4_outcome and v6_outcome
(ok, connect_timeout, connect_failed, dns_error, read_timeout, http_error,
other). Rows with a failed test are then left out, and counted, as the
authors' query left them out, unless --failures keeps them: the output then
has the two outcome columns too (a failed test's duration may be empty), and
inputs without them read as tests that worked. CBOR has no place for
outcomes.`,
		Example: `  afsel ingest file data.csv.gz -o tests.arrow
  afsel ingest file 'export-*.parquet' -o tests.parquet
  afsel ingest file data.csv.gz -o paths.cbor
  zcat data.csv.gz | afsel ingest file - -o tests.arrow
  afsel tables --input tests.arrow --out out/`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args)+len(in.patterns) == 0 {
				return usagef("an INPUT (or --input) is required")
			}
			if o.out == "" {
				return usagef("-o OUTPUT is required")
			}
			format, err := ingest.OutputFormat(o.out)
			if err != nil {
				return usagef("-o: %v", err)
			}
			if o.failures && format == ingest.FormatCBOR {
				return usagef("--failures: %s has no place for outcomes: write .arrow, .arrows, .parquet or .csv", o.out)
			}
			flag := "--input"
			if len(args) > 0 {
				flag = "INPUT"
			}
			in.patterns = append(slices.Clip(args), in.patterns...)
			if err := in.expand(flag); err != nil {
				return err
			}
			in.keepFailures = o.failures
			start := time.Now()
			remove, err := in.copyStdin(e, filepath.Dir(filepath.Clean(o.out)))
			if err != nil {
				return err
			}
			defer remove()
			var read, rows atomic.Int64
			in.read = &read
			total := inputSize(in.paths())
			bar := e.startProgress(func(el time.Duration) string { return ingestLine("ingest file", read.Load(), total, el, rows.Load()) })
			n, st, err := writeTests(cmd.Context(), o.out, format, in, &rows)
			bar.Stop()
			if err != nil {
				return err
			}
			failed, malformed := splitDrops(st)
			if d := malformed.DroppedTotal(); d > 0 {
				e.log.Warn("skipped malformed rows", "rows", d, "reasons", malformed.DroppedText())
			}
			if d := failed.DroppedTotal(); d > 0 {
				e.log.Info("left out rows with a failed test (--failures keeps them)", "rows", d, "reasons", failed.DroppedText())
			}
			e.log.Info("ingest done", "rows", n, "file", filepath.Clean(o.out), "format", format, "elapsed", time.Since(start).Round(time.Millisecond))
			fmt.Fprintln(e.stdout, o.out)
			return nil
		},
	}
	f := cmd.Flags()
	in.addFlags(f)
	addOutFlag(f, &o.out, "", "output file: "+ingest.OutputNames)
	f.BoolVar(&o.failures, "failures", false, "keep rows with a failed test; input with outcome columns is otherwise read without them")
	return cmd
}

// ingestLine is the progress line of a conversion: the input read (done
// bytes of total, 0: unknown) in elapsed, and the rows written once there
// are any.
func ingestLine(name string, done, total int64, elapsed time.Duration, rows int64) string {
	line := name + ": " + meterLine(done, total, elapsed)
	if rows > 0 {
		line += "; " + formatCount(rows) + " rows written"
	}
	return line
}

// splitDrops splits the drops of st into rows left out for a failed test
// and malformed rows.
func splitDrops(st ingest.Stats) (failed, malformed ingest.Stats) {
	for reason, n := range st.Dropped {
		if ingest.IsFailureReason(reason) {
			ingest.Tally(&failed.Dropped, reason, n)
		} else {
			ingest.Tally(&malformed.Dropped, reason, n)
		}
	}
	return failed, malformed
}
