package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"google.golang.org/api/option"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/ingest/bigquery"
	"github.com/afsel/afsel/queries"
)

type ingestBigQueryOptions struct {
	query          queryOptions
	project        string
	location       string
	out            string
	dryRun         bool
	maxBytesBilled string
	credentials    string
	noStorageAPI   bool
	timeout        time.Duration
	retryBudget    int
	job            string
	destination    string
}

func newIngestBigQueryCmd(e *env) *cobra.Command {
	o := &ingestBigQueryOptions{}
	cmd := &cobra.Command{
		Use:   "bigquery --project P [--start DAY --end DAY | --job ID] -o OUTPUT.arrow",
		Short: "Run the paired-test query on BigQuery and stream the result into an Arrow IPC file",
		Long: `Run the paired-test query (see afsel query) on the public RIPE Atlas dataset
on BigQuery, billed to --project, and stream the result into an Arrow IPC
file of afsel's schema, which tables and replay read directly (--input).

Cost. BigQuery bills on-demand queries by the bytes they process. --dry-run
asks BigQuery for that number, at no cost, and prints it with an estimate at
the on-demand list price of US$6.25 per TiB (in effect since 2023-07-05; the
first TiB per month is free; editions and reservations price differently).
A real run is capped by --max-bytes-billed (default 200GiB, about US$1.22):
above it the query fails without cost, and you raise the cap explicitly.

Credentials: Application Default Credentials (gcloud auth
application-default login, or GOOGLE_APPLICATION_CREDENTIALS), or the JSON
key or credential file given by --credentials. The account needs
bigquery.jobs.create on --project (roles/bigquery.jobUser) and, for the
Storage Read API, roles/bigquery.readSessionUser.

Reading. Results are read with the BigQuery Storage Read API as Arrow record
batches over several streams in parallel, and written as they come. If the
client cannot use that API (not enabled, not permitted) the command fails
rather than silently paging over REST; --no-storage-api asks for the REST
path explicitly (slower, no extra permission).

Reliability. The client retries transient errors itself: REST calls with
exponential backoff, Storage reads on Unavailable forever. afsel bounds the
whole run by --timeout and the transient read failures by --retry-budget.
The output is written to a temporary file and renamed only when the rows
read equal the job's total; a failed or interrupted run leaves no output and
says how many rows it had read. A stream that fails is read again from
where it stopped while the read session lives (about 6 hours); an expired
session is replaced once and the result read again from the start.

Resuming. Before reading, the command prints the query job's ID and
location (stderr, and the log's job_id and job_location). BigQuery keeps a
job's results for about 24 hours: --job ID --location L reads them again
without running, or paying for, the query. Give the same --series and
--failures as the run that made the job; the query flags are not used.

Long windows. Without a destination table BigQuery's result is limited to
about 10 GB compressed, which a window longer than about a week of the
whole dataset can exceed: --destination PROJECT.DATASET.TABLE writes the
result to that table (which must not exist or be empty; storage is billed
until you delete it), and the rows are read from there.

--series runs paired_series.sql: one row per (probe, anchor) with
time-ordered arrays, grouped by BigQuery. The file written has the same
schema, one row per paired test, each pair's tests contiguous and in time
order. Measured on the test fake (golden set, 4 streams): half the bytes on
the wire (24 vs 48 per paired test); rows/s 1-1.8x the flat query's (noisy:
the fake is local, so bandwidth is not modelled); tables on either file
take the same time. The cost is a GROUP BY in BigQuery (slot
time, not bytes billed: the on-demand cost is the same) and one result row
per pair, which must stay under BigQuery's 100 MB row limit. The default is
the flat paired_tests.sql, the authors' query row for row; use --series for
long windows, where the download dominates.

Failures. --failures runs the variant of the query that keeps the tests
that failed (see afsel query --failures): each test is classified (ok,
connect_timeout, connect_failed, dns_error, read_timeout, http_error,
other) and the file has two more columns, v4_outcome and v6_outcome, with
a failed test's duration null. A test whose name did not resolve has no
destination address, so no anchor: such DNS failures are not seen.

Order. Without --ordered the streams interleave and the file is not sorted
by probe: tables and replay then group it in memory (about 50 bytes per
paired test). --ordered adds ORDER BY prb_id to the query: the client reads
it from a single stream (slower), but the file is sorted by probe and is
grouped one probe at a time. For the paper's week, prefer --ordered when
memory is short.

Dry run. --dry-run checks the probes table's columns, prints the bytes the
query would process and their cost, and, for a window longer than a day,
the bytes of its first day: when BigQuery recognises the filter on the
window it reads only the window's daily partitions, and a day processes
about 1/days of the window's bytes; when the two are equal it reads the
whole table.

` + probesTableHelp,
		Example: `  afsel ingest bigquery --project my-project --dry-run
  afsel ingest bigquery --project my-project --location EU \
      --start 2023-06-01 --end 2023-06-08 --anchors 20230601.json.bz2 -o tests.arrow
  afsel ingest bigquery --project my-project --location EU --job JOB_ID -o tests.arrow
  afsel tables --input tests.arrow --out out/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.project == "" {
				return usagef("--project is required: the Google Cloud project that runs and pays for the query")
			}
			if !o.dryRun {
				switch {
				case o.out == "":
					return usagef("-o OUTPUT is required (or --dry-run)")
				case ingest.DetectFormat(o.out) != ingest.FormatArrow || strings.HasSuffix(strings.ToLower(o.out), ".gz") || strings.HasSuffix(strings.ToLower(o.out), ".bz2"):
					return usagef("-o %s: only Arrow IPC output (.arrow) is supported", o.out)
				}
			}
			if o.job != "" && (o.dryRun || o.destination != "") {
				return usagef("--job reads an existing job's results: it takes no --dry-run or --destination")
			}
			capBytes, err := parseBytes(o.maxBytesBilled)
			if err != nil {
				return usagef("--max-bytes-billed %q: %v", o.maxBytesBilled, err)
			}
			if o.timeout < 0 {
				return usagef("--timeout %s: want a positive duration, or 0 for none", o.timeout)
			}
			var q queries.Query
			if o.job == "" {
				qcfg, err := o.query.config()
				if err != nil {
					return err
				}
				if q, err = queryBuild(qcfg); err != nil {
					return err
				}
			}
			opts, storageOpts := bigquery.EndpointOverride()
			if o.credentials != "" {
				opt, err := credentialsOption(o.credentials)
				if err != nil {
					return err
				}
				opts = append(opts, opt)
			}
			budget := o.retryBudget
			if budget == 0 {
				budget = -1 // the flag's 0 means none; the library's 0 means default
			}
			cfg := bigquery.Config{
				Project: o.project, Location: o.location, Query: q, Series: o.query.series, Failures: o.query.failures,
				MaxBytesBilled: capBytes, NoStorageAPI: o.noStorageAPI, Timeout: o.timeout,
				RetryBudget: budget, ClientOptions: opts, StorageOptions: storageOpts, Progress: &bigquery.Progress{}, Log: e.log,
				Job: o.job, Destination: o.destination,
				Started: func(r bigquery.Result) {
					fmt.Fprintf(e.stderr, "bigquery: job %s in %s; to read its results again without rerunning the query: --job %s --location %s\n", r.JobID, r.JobLocation, r.JobID, r.JobLocation)
					e.log.Info("bigquery job", "job_id", r.JobID, "job_location", r.JobLocation, "result_rows", r.ResultRows, "bytes_processed", r.BytesProcessed)
				},
			}
			if capBytes == 0 {
				cfg.MaxBytesBilled = -1
			}
			ctx := cmd.Context()
			if o.dryRun {
				est, err := bigquery.DryRun(ctx, cfg)
				if err != nil {
					return bigQueryHint(err)
				}
				fmt.Fprintf(e.stdout, "bytes processed: %d (%s)\n", est.BytesProcessed, formatBytes(est.BytesProcessed))
				fmt.Fprintf(e.stdout, "estimated on-demand cost: US$%.2f at US$%.2f/TiB (list price since %s; first TiB/month free; an estimate)\n", est.CostUSD, bigquery.PricePerTiB, bigquery.PriceDate)
				if pc := est.Partitions; pc != nil {
					times := int64(float64(pc.DayBytes) * pc.Days)
					fmt.Fprintf(e.stdout, "first day alone: %d bytes (%s); times %.4g days: %s, against the window's %s\n", pc.DayBytes, formatBytes(pc.DayBytes), pc.Days, formatBytes(times), formatBytes(est.BytesProcessed))
					if pc.Recognised {
						fmt.Fprintf(e.stdout, "partition filter recognised: yes (a day processes fewer bytes than the window's %.4g days)\n", pc.Days)
					} else {
						fmt.Fprintln(e.stdout, "partition filter recognised: no (a day processes as many bytes as the whole window: the whole table is read)")
					}
				} else {
					fmt.Fprintln(e.stdout, "partition filter recognised: not checked (the window is a day or shorter)")
				}
				if capBytes > 0 && est.BytesProcessed > capBytes {
					fmt.Fprintf(e.stdout, "above --max-bytes-billed %s: raise it to run the query\n", formatBytes(capBytes))
				}
				return nil
			}
			start := time.Now()
			p := cfg.Progress
			bar := e.startProgress(func(el time.Duration) string {
				rows := p.Rows.Load()
				return fmt.Sprintf("bigquery: %d rows, %s, %.0f rows/s, %d streams, %d retries", rows, formatBytes(p.Bytes.Load()), float64(rows)/el.Seconds(), p.Streams.Load(), p.Retries.Load())
			})
			res, err := bigquery.Ingest(ctx, cfg, o.out)
			bar.Stop()
			if err != nil {
				return bigQueryHint(err)
			}
			el := time.Since(start)
			e.log.Info("ingest done", "rows", res.Rows, "result_rows", res.ResultRows, "job_id", res.JobID, "job_location", res.JobLocation,
				"bytes_processed", res.BytesProcessed, "streams", res.Streams, "storage_api", res.Accelerated,
				"rows_per_s", int64(float64(res.Rows)/el.Seconds()), "file", filepath.Clean(o.out), "elapsed", el.Round(time.Millisecond))
			fmt.Fprintln(e.stdout, o.out)
			return nil
		},
	}
	o.query.bind(cmd)
	f := cmd.Flags()
	f.StringVar(&o.project, "project", "", "Google Cloud project that runs and pays for the query (required)")
	f.StringVar(&o.location, "location", "", "job location, e.g. EU or US; empty lets BigQuery choose from the tables")
	addOutFlag(f, &o.out, "", "output Arrow IPC file (.arrow)")
	f.BoolVar(&o.dryRun, "dry-run", false, "print the bytes the query would process and the estimated cost; run nothing")
	f.StringVar(&o.maxBytesBilled, "max-bytes-billed", "200GiB", "fail the query, without cost, if it would bill more (bytes, or with KiB/MiB/GiB/TiB); 0 for no cap")
	f.StringVar(&o.credentials, "credentials", "", "credentials JSON file (service account key, authorized user or external account) instead of Application Default Credentials")
	f.BoolVar(&o.noStorageAPI, "no-storage-api", false, "read rows over REST instead of the BigQuery Storage Read API")
	f.DurationVar(&o.timeout, "timeout", 2*time.Hour, "stop the whole run after this long; 0 for no limit")
	f.IntVar(&o.retryBudget, "retry-budget", bigquery.DefaultRetryBudget, "transient Storage Read failures tolerated over the run; 0 for none")
	f.StringVar(&o.job, "job", "", "read the results of this existing query job (its ID as printed by an earlier run; with --location) instead of running the query")
	f.StringVar(&o.destination, "destination", "", "write the result to this table, PROJECT.DATASET.TABLE (must not exist or be empty), and read it from there: for windows longer than about a week, past the ~10 GB limit of a result without one")
	return cmd
}

// bigQueryHint adds the flag to use to errors a user can act on.
func bigQueryHint(err error) error {
	switch {
	case errors.Is(err, bigquery.ErrBytesBilled):
		return fmt.Errorf("%w (--dry-run shows the bytes; --max-bytes-billed raises the cap)", err)
	case errors.Is(err, bigquery.ErrNotAccelerated):
		return fmt.Errorf("%w (--no-storage-api reads over REST)", err)
	case errors.Is(err, bigquery.ErrDeadline):
		return fmt.Errorf("%w (--timeout)", err)
	case errors.Is(err, bigquery.ErrRetryBudget):
		return fmt.Errorf("%w (--retry-budget)", err)
	case errors.Is(err, bigquery.ErrProbesTable):
		return fmt.Errorf("%w (--probes-table; or --anchors with a probe archive)", err)
	case errors.Is(err, bigquery.ErrBadDestination):
		return usageError{fmt.Errorf("--destination: %w", err)}
	case errors.Is(err, bigquery.ErrCredentials):
		return fmt.Errorf("%w (run gcloud auth application-default login, or pass --credentials key.json)", err)
	}
	return err
}

// credentialsOption reads the credential file's type, as the client needs
// it said explicitly.
func credentialsOption(path string) (option.ClientOption, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--credentials: %w", err)
	}
	var f struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, usagef("--credentials %s: not a JSON credentials file: %v", path, err)
	}
	types := map[string]option.CredentialsType{
		"service_account":              option.ServiceAccount,
		"authorized_user":              option.AuthorizedUser,
		"external_account":             option.ExternalAccount,
		"impersonated_service_account": option.ImpersonatedServiceAccount,
	}
	t, ok := types[f.Type]
	if !ok {
		return nil, usagef("--credentials %s: unsupported credential type %q", path, f.Type)
	}
	return option.WithAuthCredentialsFile(t, path), nil
}

var byteUnits = []struct {
	suffix string
	mult   int64
}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"TB", 1e12}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1}}

// parseBytes parses a size: "0" (no cap), or a positive decimal number of
// bytes, whole once multiplied by its unit: "123", "200GiB", "1.5TB". A
// cap that is NaN, negative, fractional or rounds to nothing would
// silently turn into no cap (0) or nonsense, so it is an error.
func parseBytes(s string) (int64, error) {
	bad := fmt.Errorf("want 0 (no cap) or a positive size in bytes, whole, optionally with a unit (%s): e.g. 123, 200GiB, 1.5TB", byteUnitNames())
	s = strings.TrimSpace(s)
	if s == "0" {
		return 0, nil
	}
	mult := int64(1)
	for _, u := range byteUnits {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	// Plain decimal digits only: no sign, hex, exponent, NaN or Inf.
	if s == "" || strings.Trim(s, "0123456789.") != "" || strings.Count(s, ".") > 1 {
		return 0, bad
	}
	x, err := strconv.ParseFloat(s, 64)
	n := x * float64(mult)
	if err != nil || !(n >= 1) || n > 1<<62 || n != math.Trunc(n) {
		return 0, bad
	}
	return int64(n), nil
}

func byteUnitNames() string {
	names := make([]string, len(byteUnits))
	for i, u := range byteUnits {
		names[i] = u.suffix
	}
	return strings.Join(names, ", ")
}

func formatBytes(n int64) string {
	for _, u := range byteUnits[:4] {
		if n >= u.mult {
			return fmt.Sprintf("%.2f %s", float64(n)/float64(u.mult), u.suffix)
		}
	}
	return fmt.Sprintf("%d B", n)
}
