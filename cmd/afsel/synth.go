package main

import (
	"bufio"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/internal/atomicfile"
	"github.com/afsel/afsel/synth"
)

type synthOptions struct {
	pairs      int
	seed       uint64
	out        string
	start      string
	days       int
	paperScale bool
	workers    int
	failures   bool
	probesOut  string
	batchRows  int
}

func newSynthCmd(e *env) *cobra.Command {
	o := &synthOptions{}
	def := synth.DefaultConfig()
	cmd := &cobra.Command{
		Use:   "synth -o OUTPUT",
		Short: "Generate realistic paired IPv4/IPv6 HTTP tests",
		Long: `Generate synthetic paired tests in the ingest schema: probes reaching a few
anchors, a test about every 30 minutes per pair with jitter and gaps,
lognormal base RCTs, an IPv4/IPv6 offset per pair (IPv4 faster, IPv6 faster
or equal), noise with heavy-tailed spikes, regimes that can flip the faster
family, and short (ineligible) pairs. The default model is calibrated so that
afsel tables lands near the paper's Tables 1 and 2.

--failures makes some tests fail, as RIPE Atlas tests do: 0.2% of IPv4 and
1.5% of IPv6 tests on average (APNIC's measurements), most pairs rarely or
never and a few networks often, in outages of a few tests, each a connect
timeout, a refused or unreachable connection, an HTTP 503, a read timeout or
a DNS error. The output then has two more columns, v4_outcome and
v6_outcome ("ok", "connect_timeout", ...), and a failed test's duration is
empty. The rows are the same as without --failures, and so are the
durations of the tests that worked.

The output is a function of --seed, --pairs, --start, --days and --failures
only, not of --workers. Rows are sorted by prb_id, then start_time. The
format follows the output's name:
  .arrow (.ipc, .feather)  Arrow IPC file
  .arrows                  Arrow IPC stream
  .parquet                 Parquet
  .csv, .csv.gz            the authors' CSV layout (prb_id,anchor_id,
                           start_time,v4_duration,v6_duration,v4_v6_ratio)
The output is written atomically.

--probes-out FILE also writes a RIPE Atlas probe archive of the data, the
JSON that --probes reads ({"objects": [{"id": ..., "asn_v4": ...,
"asn_v6": ..., "country_code": ..., "is_anchor": ...}, ...]}): every
generated probe with a country (40 countries, a few holding most probes, as
in RIPE Atlas) and origin ASes drawn from a small pool per country, about 3%
of the probes with an IPv6 tunnel (an IPv6 AS other than the IPv4 one), and
the anchors of the data, with no addresses. The ASes are invented, so their
numbers are private-use ones (64512 and up) and the tunnel brokers'
documentation ones (64496 to 64499), not real networks. The archive is a
function of --seed and --pairs (or --paper-scale); it does not change the
data.`,
		Example: `  afsel synth -o week.arrow
  afsel synth --pairs 5000 --seed 7 -o week.csv.gz
  afsel synth --paper-scale -o paper.parquet
  afsel synth --failures -o failing.arrow
  afsel synth --probes-out probes.json -o week.arrow
  afsel reproduce --input week.arrow --probes probes.json --out run/
  afsel tables --input week.arrow --out out/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.out == "" {
				return usagef("-o OUTPUT is required")
			}
			cfg := def
			if o.paperScale {
				if cmd.Flags().Changed("pairs") {
					return usagef("--pairs and --paper-scale exclude each other")
				}
				cfg = synth.PaperScale()
			} else {
				if o.pairs < 1 {
					return usagef("--pairs %d: want at least 1", o.pairs)
				}
				cfg.Pairs = o.pairs
			}
			if o.days <= 0 {
				return usagef("--days %d: want > 0", o.days)
			}
			if o.batchRows < 1 {
				return usagef("--batch-rows %d: want at least 1", o.batchRows)
			}
			cfg.Seed, cfg.Days, cfg.Workers, cfg.Failures, cfg.BatchRows = o.seed, o.days, o.workers, o.failures, o.batchRows
			start, err := parseStart(o.start)
			if err != nil {
				return usagef("--start: %v", err)
			}
			cfg.Start = start
			// The synthetic tests have times; CBOR, which holds whole pairs
			// without them, is an output of ingest file.
			if f, err := ingest.OutputFormat(o.out); err != nil {
				return usagef("-o: %v", err)
			} else if f == ingest.FormatCBOR {
				return usagef("-o %s: synth writes .arrow, .arrows, .parquet, .csv or .csv.gz (convert to CBOR with ingest file)", o.out)
			}

			if o.probesOut != "" && filepath.Clean(o.probesOut) == filepath.Clean(o.out) {
				return usagef("--probes-out %s: the same file as -o", o.probesOut)
			}

			t0 := time.Now()
			src, err := synth.New(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			defer src.Release()
			e.log.Debug("synth", "pairs", cfg.Pairs, "probes", src.Probes(), "seed", cfg.Seed, "start", cfg.Start, "days", cfg.Days, "failures", cfg.Failures)
			rows, err := ingest.WriteFile(cmd.Context(), o.out, src)
			if err != nil {
				return err
			}
			if o.probesOut != "" {
				if err := atomicfile.WriteFile(o.probesOut, func(w *bufio.Writer) error { return synth.WriteArchive(w, cfg) }); err != nil {
					return err
				}
				e.log.Info("synth probe archive", "file", filepath.Clean(o.probesOut))
			}
			e.log.Info("synth done", "pairs", cfg.Pairs, "probes", src.Probes(), "rows", rows, "file", filepath.Clean(o.out), "elapsed", time.Since(t0).Round(time.Millisecond))
			fmt.Fprintln(e.stdout, o.out)
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.pairs, "pairs", def.Pairs, "number of (probe, anchor) pairs")
	f.Uint64Var(&o.seed, "seed", def.Seed, "random seed; the output is a function of it")
	addOutFlag(f, &o.out, "", "output file: .arrow, .arrows, .parquet, .csv or .csv.gz")
	f.StringVar(&o.start, "start", def.Start.Format(time.DateOnly), "start of the campaign: YYYY-MM-DD or RFC 3339, UTC")
	f.IntVar(&o.days, "days", def.Days, "length of the campaign in days")
	f.BoolVar(&o.paperScale, "paper-scale", false, paperScaleHelp())
	f.IntVar(&o.workers, "workers", 0, "generating goroutines (0: all cores); does not change the output")
	f.StringVar(&o.probesOut, "probes-out", "", "also write a RIPE Atlas probe archive of the data (JSON: the probes' countries and ASes, and the anchors), for --probes")
	f.IntVar(&o.batchRows, "batch-rows", synth.DefaultBatchRows, "rows per record batch generated (a batch of an .arrow or .arrows output); does not change the rows. A study merging many files holds a batch of each: smaller batches, less memory")
	f.BoolVar(&o.failures, "failures", false, "make some tests fail (0.2% of IPv4, 1.5% of IPv6): adds v4_outcome and v6_outcome columns, a failed test's duration empty")
	return cmd
}

// paperScaleRows is the number of rows --paper-scale generates with
// --seed 1 (counted); the paper's data set has synth.PaperRows.
const paperScaleRows = 155_098_174

// paperScaleHelp describes --paper-scale.
func paperScaleHelp() string {
	return fmt.Sprintf("generate the paper's size: %d pairs, about %dM rows (%d with --seed 1; the paper's data set has %.1fM), tests every %v",
		synth.PaperPairs, paperScaleRows/1_000_000, paperScaleRows, float64(synth.PaperRows)/1e6, synth.PaperInterval)
}

func parseStart(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t.UTC(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither YYYY-MM-DD nor RFC 3339", s)
	}
	return t.UTC(), nil
}
