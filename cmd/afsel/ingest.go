package main

import (
	"context"
	"fmt"
	"path/filepath"
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
	out         string
	skipBadRows bool
	failures    bool // keep rows with a failed test (ingest.Options.KeepFailures)
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
Several inputs (or a quoted glob) are read one after another as one stream.
Inputs without times (CBOR) keep no start_time in any output. The output is
written atomically.

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
  afsel tables --input tests.arrow --out out/`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
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
			in.patterns, in.skipBadRows = args, o.skipBadRows
			if err := in.expand("INPUT"); err != nil {
				return err
			}
			start := time.Now()
			write := writeTests
			if o.failures {
				write = writeFailures
			}
			rows, st, err := write(cmd.Context(), o.out, format, in)
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
			e.log.Info("ingest done", "rows", rows, "file", filepath.Clean(o.out), "format", format, "elapsed", time.Since(start).Round(time.Millisecond))
			fmt.Fprintln(e.stdout, o.out)
			return nil
		},
	}
	cmd.Flags().StringVarP(&o.out, "output", "o", "", "output file: "+ingest.OutputNames)
	cmd.Flags().BoolVar(&o.skipBadRows, "skip-bad-rows", false, "skip malformed rows, counting them by reason, instead of failing")
	cmd.Flags().BoolVar(&o.failures, "failures", false, "keep rows with a failed test; input with outcome columns is otherwise read without them")
	cmd.Flags().StringVar(&in.format, "format", "", "input format, overriding the file names: "+formatNames())
	return cmd
}

// writeFailures is writeTests keeping rows with a failed test: their
// outcomes go to the output (not CBOR, which has no place for them).
func writeFailures(ctx context.Context, out string, _ ingest.Format, in *inputFlags) (int64, ingest.Stats, error) {
	tuneGC(inputBytes(in.files))
	src, err := ingest.OpenFiles(in.files, ingest.Format(in.format), ingest.Options{SkipBadRows: in.skipBadRows, KeepFailures: true})
	if err != nil {
		return 0, ingest.Stats{}, err
	}
	defer src.Release()
	rows, err := ingest.WriteFile(ctx, out, src)
	return rows, src.Stats(), err
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
