package main

import (
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
written atomically.`,
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
			in.patterns, in.skipBadRows = args, o.skipBadRows
			if err := in.expand("INPUT"); err != nil {
				return err
			}
			start := time.Now()
			rows, st, err := writeTests(cmd.Context(), o.out, format, in)
			if err != nil {
				return err
			}
			if d := st.DroppedTotal(); d > 0 {
				e.log.Warn("skipped malformed rows", "rows", d, "reasons", st.DroppedText())
			}
			e.log.Info("ingest done", "rows", rows, "file", filepath.Clean(o.out), "format", format, "elapsed", time.Since(start).Round(time.Millisecond))
			fmt.Fprintln(e.stdout, o.out)
			return nil
		},
	}
	cmd.Flags().StringVarP(&o.out, "output", "o", "", "output file: "+ingest.OutputNames)
	cmd.Flags().BoolVar(&o.skipBadRows, "skip-bad-rows", false, "skip malformed rows, counting them by reason, instead of failing")
	cmd.Flags().StringVar(&in.format, "format", "", "input format, overriding the file names: "+formatNames())
	return cmd
}
