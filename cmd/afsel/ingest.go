package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/afsel/afsel/ingest"
)

func newIngestCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ingest",
		Short: "Convert paired tests to afsel's Arrow IPC format",
	}
	cmd.AddCommand(newIngestFileCmd(e))
	return cmd
}

type ingestFileOptions struct {
	out         string
	skipBadRows bool
}

func newIngestFileCmd(e *env) *cobra.Command {
	o := &ingestFileOptions{}
	cmd := &cobra.Command{
		Use:   "file INPUT -o OUTPUT.arrow",
		Short: "Read a CSV export (plain, .gz or .bz2) and write an Arrow IPC file",
		Long: `Read paired tests in the authors' CSV layout (prb_id,anchor_id,start_time,
v4_duration,v6_duration[,v4_v6_ratio]) and write them as an Arrow IPC file of
afsel's schema: prb_id int64, anchor_id int64, start_time timestamp[us, UTC],
v4_duration float64, v6_duration float64. The output is written atomically.`,
		Example: `  afsel ingest file data.csv.gz -o tests.arrow
  afsel tables --input tests.arrow --out out/`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.out == "" {
				return usagef("-o OUTPUT is required")
			}
			if ingest.DetectFormat(o.out) != ingest.FormatArrow || strings.HasSuffix(o.out, ".gz") {
				return usagef("-o %s: only Arrow IPC output (.arrow) is supported", o.out)
			}
			start := time.Now()
			src, err := ingest.Open(args[0], ingest.Options{SkipBadRows: o.skipBadRows})
			if err != nil {
				return err
			}
			defer src.Release()
			rows, err := ingest.WriteIPC(cmd.Context(), o.out, src)
			if err != nil {
				return err
			}
			st := src.Stats()
			if d := st.DroppedTotal(); d > 0 {
				e.log.Warn("skipped malformed rows", "rows", d, "reasons", st.Dropped)
			}
			e.log.Info("ingest done", "rows", rows, "file", filepath.Clean(o.out), "elapsed", time.Since(start).Round(time.Millisecond))
			fmt.Fprintln(e.stdout, o.out)
			return nil
		},
	}
	cmd.Flags().StringVarP(&o.out, "output", "o", "", "output Arrow IPC file (.arrow)")
	cmd.Flags().BoolVar(&o.skipBadRows, "skip-bad-rows", false, "skip malformed rows, counting them by reason, instead of failing")
	return cmd
}
