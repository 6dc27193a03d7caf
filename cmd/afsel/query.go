package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/afsel/afsel/ingest/atlas"
	"github.com/afsel/afsel/queries"
)

// probesTableHelp explains --probes-table and --anchors in every command
// that takes them.
const probesTableHelp = `Anchors. The probes table gives the anchors and their addresses. The public
table lists today's anchors with today's addresses: an anchor retired,
added or renumbered since the window drops out of (or wrongly enters) an
older window. For a past window, give --anchors the RIPE Atlas probe
archive of the window's first day, published daily at
https://ftp.ripe.net/ripe/atlas/probes/archive/YYYY/MM/YYYYMMDD.json.bz2
(the file ingest atlas --anchors reads; plain, .gz or .bz2): its anchors
(is_anchor true) go to BigQuery as the query parameter @anchors, an
ARRAY<STRUCT<id INT64, address_v4 STRING, address_v6 STRING>>, in place of
the probes table. Or point --probes-table at an archived copy of the probes
table from that time (any project.dataset.table you can read); it must
have the columns prb_id, is_anchor, addr_v4 and addr_v6, which ingest
bigquery --dry-run checks.`

type queryOptions struct {
	start, end  string
	series      bool
	probesTable string
	httpTable   string
	pairMinutes int64
	ordered     bool
	failures    bool
	anchors     string
}

func (o *queryOptions) bind(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.start, "start", "2023-06-01", "window start, inclusive: YYYY-MM-DD or RFC 3339, UTC")
	cmd.Flags().StringVar(&o.end, "end", "2023-06-08", "window end, exclusive: YYYY-MM-DD or RFC 3339, UTC")
	cmd.Flags().BoolVar(&o.series, "series", false, "use paired_series.sql: one row per (probe, anchor) with time-ordered arrays")
	cmd.Flags().StringVar(&o.probesTable, "probes-table", queries.DefaultProbesTable, "anchors table, project.dataset.table")
	cmd.Flags().StringVar(&o.httpTable, "http-table", queries.DefaultHTTPTable, "HTTP measurements table, project.dataset.table")
	cmd.Flags().BoolVar(&o.ordered, "ordered", false, "sort the result by probe: one read stream, but a file tables streams through probe by probe")
	cmd.Flags().Int64Var(&o.pairMinutes, "pair-minutes", queries.DefaultPairMinutes, "pair tests whose whole-minute difference is below this")
	cmd.Flags().BoolVar(&o.failures, "failures", false, "keep the tests that failed: pair every test, not only those with status 200, each with its status, error and DNS error")
	cmd.Flags().StringVar(&o.anchors, "anchors", "", "RIPE Atlas probe archive (JSON, plain, .gz or .bz2) whose anchors the tests are matched to, sent as the @anchors parameter instead of reading --probes-table")
}

func parseDay(flag, s string) (time.Time, error) {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, usagef("--%s %q: want YYYY-MM-DD or RFC 3339", flag, s)
	}
	return t.UTC(), nil
}

// config validates the flags into a queries.Config.
func (o *queryOptions) config() (queries.Config, error) {
	start, err := parseDay("start", o.start)
	if err != nil {
		return queries.Config{}, err
	}
	end, err := parseDay("end", o.end)
	if err != nil {
		return queries.Config{}, err
	}
	cfg := queries.Config{Start: start, End: end, PairMinutes: o.pairMinutes, HTTPTable: o.httpTable, ProbesTable: o.probesTable, Ordered: o.ordered, Failures: o.failures}
	if o.series {
		cfg.Kind = queries.Series
	}
	if o.anchors != "" {
		if cfg.Anchors, err = loadAnchors(o.anchors); err != nil {
			return cfg, err
		}
	}
	if o.pairMinutes <= 0 {
		return cfg, usagef("--pair-minutes %d: want a positive number", o.pairMinutes)
	}
	if _, err := queryBuild(cfg); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// loadAnchors reads the anchors of a probe archive with the reader of
// ingest atlas --anchors.
func loadAnchors(path string) ([]queries.Anchor, error) {
	a, err := atlas.LoadAnchors(path)
	if err != nil {
		return nil, fmt.Errorf("--anchors: %w", err)
	}
	list := a.List()
	if len(list) == 0 {
		return nil, usagef("--anchors %s: no probe with is_anchor true", path)
	}
	out := make([]queries.Anchor, len(list))
	for i, x := range list {
		out[i] = queries.Anchor{ID: x.ID, AddressV4: x.AddressV4, AddressV6: x.AddressV6}
	}
	return out, nil
}

// queryBuild is queries.Build with its errors, all from flags, as usage
// errors.
func queryBuild(cfg queries.Config) (queries.Query, error) {
	q, err := queries.Build(cfg)
	if err != nil {
		return q, usageError{err}
	}
	return q, nil
}

func newQueryCmd(e *env) *cobra.Command {
	o := &queryOptions{}
	cmd := &cobra.Command{
		Use:   "query [--start DAY] [--end DAY] [--series] [--failures] [--anchors ARCHIVE]",
		Short: "Print the BigQuery SQL that selects paired tests, and its parameters",
		Long: `Print the SQL that afsel ingest bigquery runs, then its query parameters as
comments. Values are never part of the SQL text: @start, @end,
@pair_minutes and, with --anchors, @anchors are BigQuery query parameters.
To run it in the console, set the parameters there, or replace them by
hand.

paired_tests.sql (the default) returns one row per paired test, the authors'
CSV columns. paired_series.sql (--series) does the same pairing and groups it
in BigQuery: one row per (prb_id, anchor_id) with time-ordered arrays.

--failures prints the variant of either that keeps the tests that failed
(paired_tests_failures.sql, paired_series_failures.sql): every test is
paired, not only those with status 200, and each side brings its status
(-1 for none), error and DNS error (empty for none), which afsel classifies
(connect timeout, refused or unreachable, DNS error, read timeout, HTTP
error, other). Without it the rows are the authors' query's: the comments
at the top of the SQL say where its text differs (SELECT DISTINCT,
SAFE_DIVIDE, and NULL durations left out of the series) and why.

--anchors prints the variant that reads the anchors from the @anchors
parameter instead of the probes table, and lists the archive's anchors
after the other parameters.

` + probesTableHelp,
		Example: `  afsel query --start 2023-06-01 --end 2023-06-08
  afsel query --series --probes-table my-project.atlas.probes_20230601
  afsel query --failures
  afsel query --anchors 20230601.json.bz2`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := o.config()
			if err != nil {
				return err
			}
			q, err := queryBuild(cfg)
			if err != nil {
				return err
			}
			fmt.Fprint(e.stdout, q.SQL)
			fmt.Fprintln(e.stdout, "-- parameters:")
			for _, p := range q.Params {
				switch v := p.Value.(type) {
				case time.Time:
					fmt.Fprintf(e.stdout, "--   @%s %s = %s\n", p.Name, p.Type, v.Format(time.RFC3339))
				case []queries.Anchor:
					fmt.Fprintf(e.stdout, "--   @%s %s = %d anchors of %s:\n", p.Name, p.Type, len(v), o.anchors)
					for _, line := range strings.Split(queries.AnchorsLiteral(v), "\n") {
						fmt.Fprintf(e.stdout, "--     %s\n", line)
					}
				default:
					fmt.Fprintf(e.stdout, "--   @%s %s = %v\n", p.Name, p.Type, v)
				}
			}
			return nil
		},
	}
	o.bind(cmd)
	return cmd
}
