package bigquery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	bq "cloud.google.com/go/bigquery"
	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/queries"
)

// On-demand query pricing used by Estimate: US$6.25 per TiB processed, the
// list price on https://cloud.google.com/bigquery/pricing since 2023-07-05
// (checked 2026-11; the first TiB per month is free). An estimate only:
// editions, reservations and other regions price differently.
const (
	PricePerTiB = 6.25
	PriceDate   = "2023-07-05"
)

// DefaultMaxBytesBilled is the default cap on the bytes a query may bill:
// 200 GiB, about US$1.22 on demand. The query fails without cost above it.
const DefaultMaxBytesBilled int64 = 200 << 30

// DefaultRetryBudget is the default number of transient Storage Read
// failures tolerated over a whole run.
const DefaultRetryBudget = 20

// Errors callers can test with errors.Is.
var (
	// ErrNotAccelerated: the client did not use the Storage Read API (it
	// would page rows over REST) and Config.NoStorageAPI was not set.
	ErrNotAccelerated = errors.New("bigquery: the Storage Read API was not used")
	// ErrIncomplete: the rows read differ from the job's total.
	ErrIncomplete = errors.New("bigquery: incomplete result")
	// ErrBytesBilled: the query would bill more than Config.MaxBytesBilled.
	ErrBytesBilled = errors.New("bigquery: query exceeds the bytes-billed cap")
	// ErrRetryBudget: more transient read failures than Config.RetryBudget.
	ErrRetryBudget = errors.New("bigquery: retry budget exhausted")
	// ErrDeadline: Config.Timeout elapsed.
	ErrDeadline = errors.New("bigquery: deadline exceeded")
	// ErrPermission: the credentials may not run the query or read results.
	ErrPermission = errors.New("bigquery: permission denied")
	// ErrCredentials: the client could not be constructed, which is when it
	// finds no usable Google Cloud credentials or cannot read those given. The ways out are Application
	// Default Credentials (gcloud auth application-default login) or an
	// explicit credentials file in Config.ClientOptions.
	ErrCredentials = errors.New("bigquery: no usable Google Cloud credentials")
	// ErrNotQueryJob: Config.Job names a job that is not a query.
	ErrNotQueryJob = errors.New("bigquery: not a query job")
	// ErrProbesTable: the probes table lacks a column the query reads.
	ErrProbesTable = errors.New("bigquery: the probes table lacks a column the query reads")
	// ErrBadDestination: Config.Destination is not project.dataset.table.
	ErrBadDestination = errors.New("bigquery: bad destination table")
)

// Config says what to run and how.
type Config struct {
	Project  string // project that runs (and pays for) the query
	Location string // job location, e.g. "EU" or "US"; empty lets BigQuery choose
	Query    queries.Query
	// Series says Query is paired_series.sql: array rows are expanded.
	Series bool
	// Failures says Query keeps failed tests (queries.Config.Failures):
	// each test is classified with outcome.Classify and the output has
	// ingest.FailuresSchema, a failed test's duration null. Reading such a
	// result without it is an error.
	Failures bool
	// MaxBytesBilled caps the query's billed bytes; 0 means
	// DefaultMaxBytesBilled, negative means no cap.
	MaxBytesBilled int64
	// NoStorageAPI reads rows over REST instead of the Storage Read API.
	NoStorageAPI bool
	// Timeout bounds the whole run; 0 means none.
	Timeout time.Duration
	// RetryBudget is how many transient Storage Read failures are tolerated
	// in total; 0 means DefaultRetryBudget, negative means none.
	RetryBudget int
	// ClientOptions go to bigquery.NewClient (REST: jobs, tables), e.g.
	// option.WithCredentialsFile; StorageOptions (after ClientOptions) to
	// EnableStorageReadClient (gRPC).
	ClientOptions  []option.ClientOption
	StorageOptions []option.ClientOption
	// Allocator for the Arrow batches; nil means memory.DefaultAllocator.
	Allocator memory.Allocator
	// Progress, if not nil, is updated while reading.
	Progress *Progress
	// BatchRows is the batch size on the REST path; 0 means 65536.
	BatchRows int
	// Log, if not nil, gets notes a user may want, e.g. that a small
	// result was read over REST.
	Log *slog.Logger
	// Job, if set, is the id of a query job, run earlier, whose results
	// are read instead of running Query: BigQuery keeps them for about 24
	// hours in the job's destination table, and reading them bills no
	// query. Location is the job's.
	Job string
	// Destination, if set, is the table project.dataset.table the query
	// writes its result to, which must not exist or be empty. Without it
	// BigQuery writes to a temporary table, which takes at most about 10
	// GB compressed.
	Destination string
	// Started, if not nil, is called once the job is known and before its
	// rows are read, with the Result's JobID, JobLocation, ResultRows and
	// BytesProcessed set: a run that dies while reading can be resumed
	// from that job (Job).
	Started func(Result)
}

// Progress is updated atomically while Ingest reads, for a reporter to show.
type Progress struct {
	Rows    atomic.Int64 // paired-test rows decoded (after expansion)
	Bytes   atomic.Int64 // Arrow bytes received
	Streams atomic.Int64 // Storage Read streams seen
	Retries atomic.Int64 // transient read failures retried
	Total   atomic.Int64 // rows expected, once known (result rows, before expansion)
}

// Estimate is a dry run's result.
type Estimate struct {
	BytesProcessed int64
	CostUSD        float64 // BytesProcessed at PricePerTiB
	// Partitions compares the window's bytes with those of its first day
	// (see DryRun); nil for a window of a day or less.
	Partitions *PartitionCheck
}

// PartitionCheck is what a second dry run, on the window's first day,
// tells of the filter on the window. BigQuery bills the partitions of the
// measurements table a query reads, one a day: when it recognises the
// filter, one day processes fewer bytes than the window, about 1/Days of
// them; when it does not, both process the whole table.
type PartitionCheck struct {
	Days       float64 // the window's length in days
	DayBytes   int64   // the bytes the query processes for the first day
	Recognised bool    // DayBytes < the window's bytes
}

// Result describes a finished ingest.
type Result struct {
	JobID          string
	JobLocation    string
	Rows           int64 // paired-test rows written
	ResultRows     int64 // rows of the query result (pairs with Series)
	BytesProcessed int64
	Streams        int
	Accelerated    bool
}

// Cost returns the on-demand cost estimate of processing bytes.
func Cost(bytes int64) float64 { return float64(bytes) / (1 << 40) * PricePerTiB }

func (cfg *Config) withDefaults() {
	if cfg.MaxBytesBilled == 0 {
		cfg.MaxBytesBilled = DefaultMaxBytesBilled
	}
	if cfg.RetryBudget == 0 {
		cfg.RetryBudget = DefaultRetryBudget
	}
	if cfg.Allocator == nil {
		cfg.Allocator = memory.DefaultAllocator
	}
	if cfg.BatchRows <= 0 {
		cfg.BatchRows = 1 << 16
	}
	if cfg.Progress == nil {
		cfg.Progress = &Progress{}
	}
	if cfg.Log == nil {
		cfg.Log = discardLog
	}
}

func (cfg *Config) query(c *bq.Client) (*bq.Query, error) {
	q := c.Query(cfg.Query.SQL)
	if cfg.Destination != "" {
		p := strings.Split(cfg.Destination, ".")
		if len(p) != 3 || p[0] == "" || p[1] == "" || p[2] == "" {
			return nil, fmt.Errorf("%w: %q: want project.dataset.table", ErrBadDestination, cfg.Destination)
		}
		q.Dst = c.DatasetInProject(p[0], p[1]).Table(p[2])
		q.WriteDisposition = bq.WriteEmpty
	}
	q.Location = cfg.Location
	if cfg.MaxBytesBilled > 0 {
		q.MaxBytesBilled = cfg.MaxBytesBilled
	}
	for _, p := range cfg.Query.Params {
		q.Parameters = append(q.Parameters, bq.QueryParameter{Name: p.Name, Value: p.Value})
	}
	return q, nil
}

// DryRun asks BigQuery how many bytes the query would process, at no cost.
// It first checks that the probes table the query reads, if any, has the
// columns it reads (queries.ProbesColumns; ErrProbesTable names those
// missing). For a window longer than a day it makes a second dry run on
// the window's first day (Estimate.Partitions).
func DryRun(ctx context.Context, cfg Config) (Estimate, error) {
	cfg.withDefaults()
	ctx, cancel := withDeadline(ctx, cfg.Timeout)
	defer cancel()
	c, err := newClient(ctx, cfg)
	if err != nil {
		return Estimate{}, err
	}
	defer c.Close()
	if err := checkProbesTable(ctx, c, cfg.Query.Probes); err != nil {
		return Estimate{}, err
	}
	b, err := cfg.dryRun(ctx, c, cfg.Query.Params)
	if err != nil {
		return Estimate{}, err
	}
	est := Estimate{BytesProcessed: b, CostUSD: Cost(b)}
	start, end, ok := window(cfg.Query.Params)
	if days := end.Sub(start).Hours() / 24; ok && days > 1 {
		params := slices.Clone(cfg.Query.Params)
		for i := range params {
			if params[i].Name == "end" {
				params[i].Value = start.Add(24 * time.Hour)
			}
		}
		day, err := cfg.dryRun(ctx, c, params)
		if err != nil {
			return Estimate{}, err
		}
		est.Partitions = &PartitionCheck{Days: days, DayBytes: day, Recognised: day < b}
	}
	return est, nil
}

// dryRun returns the bytes the query would process with params.
func (cfg *Config) dryRun(ctx context.Context, c *bq.Client, params []queries.Param) (int64, error) {
	cc := *cfg
	cc.Query.Params = params
	q, err := cc.query(c)
	if err != nil {
		return 0, err
	}
	q.DryRun = true
	job, err := q.Run(ctx)
	if err != nil {
		return 0, classify(ctx, "dry run", err)
	}
	st := job.LastStatus()
	if st == nil || st.Statistics == nil {
		return 0, errors.New("bigquery: dry run returned no statistics")
	}
	if err := st.Err(); err != nil {
		return 0, classify(ctx, "dry run", err)
	}
	return st.Statistics.TotalBytesProcessed, nil
}

// window returns the @start and @end parameters.
func window(params []queries.Param) (start, end time.Time, ok bool) {
	var okStart, okEnd bool
	for _, p := range params {
		switch p.Name {
		case "start":
			start, okStart = p.Value.(time.Time)
		case "end":
			end, okEnd = p.Value.(time.Time)
		}
	}
	return start, end, okStart && okEnd
}

// checkProbesTable checks that table, project.dataset.table or "" for
// none, has the columns the query reads.
func checkProbesTable(ctx context.Context, c *bq.Client, table string) error {
	if table == "" {
		return nil
	}
	p := strings.Split(table, ".")
	if len(p) != 3 {
		return fmt.Errorf("%w: %q is not project.dataset.table", ErrProbesTable, table)
	}
	md, err := c.DatasetInProject(p[0], p[1]).Table(p[2]).Metadata(ctx)
	if err != nil {
		return classify(ctx, "probes table "+table, err)
	}
	have := map[string]bool{}
	for _, f := range md.Schema {
		have[f.Name] = true
	}
	var missing []string
	for _, col := range queries.ProbesColumns {
		if !have[col] {
			missing = append(missing, col)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: %s has no column %s (it needs %s)", ErrProbesTable, table, strings.Join(missing, ", "), strings.Join(queries.ProbesColumns, ", "))
	}
	return nil
}

// newClient constructs the REST client, which is where the client looks for
// credentials (Application Default Credentials, or the file among
// cfg.ClientOptions) and, in practice, the only way it fails: a failure there
// is ErrCredentials with the client's own reason, stripped of its
// "bigquery: constructing client" prefix so the message says "bigquery" once.
func newClient(ctx context.Context, cfg Config) (*bq.Client, error) {
	c, err := bq.NewClient(ctx, cfg.Project, cfg.ClientOptions...)
	if err == nil {
		return c, nil
	}
	msg := strings.TrimPrefix(err.Error(), "bigquery: ")
	msg = strings.TrimPrefix(msg, "constructing client: ")
	return nil, &clientError{msg: ErrCredentials.Error() + ": " + msg, errs: []error{ErrCredentials, err}}
}

// clientError is the client's error under a message of ours: errors.Is and
// errors.As see both the sentinel and the client's error.
type clientError struct {
	msg  string
	errs []error
}

func (e *clientError) Error() string   { return e.msg }
func (e *clientError) Unwrap() []error { return e.errs }

func withDeadline(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeoutCause(ctx, d, fmt.Errorf("%w: stopped at the time limit of %s", ErrDeadline, d))
}

// Ingest runs the query, or reads the results of Config.Job, and writes
// them to out, an Arrow IPC file of the ingest schema
// (ingest.FailuresSchema with Config.Failures), atomically: on any error
// nothing is left at out and the error says how many rows had been read.
//
// A Storage Read stream that fails transiently is read again from its
// offset by the client, while the read session lives; a session that has
// expired (read sessions last about 6 hours) is replaced once by a new one
// on the job's destination table, read from the start: the query is not
// run again.
func Ingest(ctx context.Context, cfg Config, out string) (Result, error) {
	cfg.withDefaults()
	ctx, cancelDeadline := withDeadline(ctx, cfg.Timeout)
	defer cancelDeadline()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	res := Result{}

	c, err := newClient(ctx, cfg)
	if err != nil {
		return res, err
	}
	defer c.Close()
	var b *budget
	if !cfg.NoStorageAPI {
		b = &budget{max: int64(cfg.RetryBudget), cancel: cancel, progress: cfg.Progress}
		opts := append([]option.ClientOption{}, cfg.ClientOptions...)
		opts = append(opts, option.WithGRPCDialOption(grpc.WithChainStreamInterceptor(b.stream)),
			option.WithGRPCDialOption(grpc.WithChainUnaryInterceptor(b.unary)))
		opts = append(opts, cfg.StorageOptions...)
		if err := c.EnableStorageReadClient(ctx, opts...); err != nil {
			return res, fmt.Errorf("bigquery: storage read client: %w", err)
		}
	}
	// Each read has a context of its own: the client's stream goroutines of
	// a read given up stop with it.
	readCtx, stopRead := context.WithCancel(ctx)
	defer stopRead()
	var it *bq.RowIterator
	var job *bq.Job
	if cfg.Job != "" {
		if job, err = c.JobFromProject(ctx, cfg.Project, cfg.Job, cfg.Location); err != nil {
			return res, classify(ctx, "job "+cfg.Job, err)
		}
		if it, err = readJob(readCtx, job); err != nil {
			return res, classify(ctx, "job "+cfg.Job, err)
		}
	} else {
		q, err := cfg.query(c)
		if err != nil {
			return res, err
		}
		if it, err = q.Read(readCtx); err != nil {
			return res, classify(ctx, "query", err)
		}
	}
	for attempt := 0; ; attempt++ {
		res, err = cfg.read(ctx, c, b, it, out)
		if err == nil || !sessionExpired(err) || attempt > 0 || ctx.Err() != nil {
			return res, err
		}
		if job == nil {
			if job, err = sourceJob(ctx, c, it); err != nil {
				return res, classify(ctx, "job", err)
			}
		}
		cfg.Log.Info("bigquery: the read session expired; reading the job's destination table again, from the start, with a new session",
			"job_id", res.JobID, "job_location", res.JobLocation, "rows_read", cfg.Progress.Rows.Load())
		stopRead()
		var stopReread context.CancelFunc
		readCtx, stopReread = context.WithCancel(ctx)
		defer stopReread() // once: attempt > 0 returns above
		cfg.Progress.Rows.Store(0)
		cfg.Progress.Bytes.Store(0)
		if b != nil {
			b.reset()
		}
		if it, err = job.Read(readCtx); err != nil {
			return res, classify(ctx, "job "+job.ID(), err)
		}
	}
}

// readJob reads the results of an existing job, which must be a query job
// that has not failed.
func readJob(ctx context.Context, job *bq.Job) (*bq.RowIterator, error) {
	if st := job.LastStatus(); st != nil {
		if err := st.Err(); err != nil {
			return nil, fmt.Errorf("the job failed: %w", err)
		}
	}
	jc, err := job.Config()
	if err != nil {
		return nil, err
	}
	if _, ok := jc.(*bq.QueryConfig); !ok {
		return nil, fmt.Errorf("%w: job %s is not a query job", ErrNotQueryJob, job.ID())
	}
	return job.Read(ctx)
}

// sessionExpired says whether err is a read session that is no longer
// valid: BigQuery answers ReadRows on an expired session with
// FailedPrecondition ("session expired at ...").
func sessionExpired(err error) bool { return status.Code(err) == codes.FailedPrecondition }

// sourceJob is the job behind it.
func sourceJob(ctx context.Context, c *bq.Client, it *bq.RowIterator) (*bq.Job, error) {
	sj := it.SourceJob()
	if sj == nil {
		return nil, errors.New("bigquery: the result has no job")
	}
	return c.JobFromProject(ctx, sj.ProjectID(), sj.ID(), sj.Location())
}

// read writes the rows of it to out.
func (cfg *Config) read(ctx context.Context, c *bq.Client, b *budget, it *bq.RowIterator, out string) (Result, error) {
	res := Result{Accelerated: it.IsAccelerated()}
	var first []bq.Value
	firstDone := false
	var err error
	if !res.Accelerated && !cfg.NoStorageAPI {
		if first, firstDone, err = restFallback(ctx, cfg, b, it); err != nil {
			return res, err
		}
	}
	total, bytes, err := jobTotals(ctx, c, it, &res)
	if err != nil {
		return res, classify(ctx, "job", err)
	}
	res.ResultRows, res.BytesProcessed = total, bytes
	cfg.Progress.Total.Store(total)
	if cfg.Started != nil {
		cfg.Started(res)
		cfg.Started = nil // once, not again for a new read session
	}

	var src source
	if res.Accelerated {
		ai, err := it.ArrowIterator()
		if err != nil {
			return res, fmt.Errorf("bigquery: %w", err)
		}
		src, err = newArrowSource(ai, cfg)
		if err != nil {
			return res, err
		}
	} else {
		rs := newRESTSource(it, cfg)
		rs.first, rs.done = first, firstDone
		src = rs
	}
	r := &reader{src: src, schema: outputSchema(cfg), ctx: ctx, total: total, progress: cfg.Progress}
	r.refs.Store(1)
	defer r.Release()
	n, err := ingest.WriteIPC(ctx, out, r)
	res.Rows = n
	res.Streams = int(cfg.Progress.Streams.Load())
	if err != nil {
		if ctx.Err() != nil {
			err = context.Cause(ctx)
		}
		return res, fmt.Errorf("bigquery: read %d of %d result rows (%d paired tests), no output written: %w", r.resultRows, total, cfg.Progress.Rows.Load(), classify(ctx, "read", err))
	}
	return res, nil
}

// jobTotals returns the row count of the job's destination table (the job's
// total) and the bytes it processed, and records the job's id and location
// in res.
func jobTotals(ctx context.Context, c *bq.Client, it *bq.RowIterator, res *Result) (rows, bytes int64, err error) {
	sj := it.SourceJob()
	if sj == nil {
		return int64(it.TotalRows), 0, nil
	}
	res.JobID, res.JobLocation = sj.ID(), sj.Location()
	job, err := c.JobFromProject(ctx, sj.ProjectID(), sj.ID(), sj.Location())
	if err != nil {
		return 0, 0, err
	}
	res.JobID, res.JobLocation = job.ID(), job.Location()
	if st := job.LastStatus(); st != nil && st.Statistics != nil {
		bytes = st.Statistics.TotalBytesProcessed
	}
	jc, err := job.Config()
	if err != nil {
		return 0, 0, err
	}
	qc, ok := jc.(*bq.QueryConfig)
	if !ok || qc.Dst == nil {
		return int64(it.TotalRows), bytes, nil
	}
	md, err := qc.Dst.Metadata(ctx)
	if err != nil {
		return 0, 0, err
	}
	return int64(md.NumRows), bytes, nil
}

// classify wraps err with a sentinel when it is one a user can act on.
func classify(ctx context.Context, what string, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		if c := context.Cause(ctx); c != nil && !errors.Is(err, c) {
			err = fmt.Errorf("%w (%v)", c, err)
		}
	}
	var ge *googleapi.Error
	if errors.As(err, &ge) {
		reason := ""
		if len(ge.Errors) > 0 {
			reason = ge.Errors[0].Reason
		}
		switch {
		case reason == "bytesBilledLimitExceeded":
			return fmt.Errorf("%w (%v): see the bytes with a dry run, then raise the cap", ErrBytesBilled, ge.Message)
		case ge.Code == 403 || reason == "accessDenied":
			return fmt.Errorf("%w: %s: %v", ErrPermission, what, ge.Message)
		}
	}
	if status.Code(err) == codes.PermissionDenied {
		return fmt.Errorf("%w: %s: the credentials may not read query results with the Storage Read API (role roles/bigquery.readSessionUser on the project): %w", ErrPermission, what, err)
	}
	return err
}

// reader adapts a source to array.RecordReader for ingest.WriteIPC, and
// fails at the end when the rows read differ from the total.
type reader struct {
	src        source
	schema     *arrow.Schema
	cur        arrowRecord
	ctx        context.Context
	total      int64
	resultRows int64
	progress   *Progress
	refs       atomic.Int64
	err        error
}

// source yields batches of the reader's schema; ok false at the end or on
// error.
type source interface {
	next() (rec arrowRecord, resultRows int64, ok bool, err error)
	release()
}

var _ array.RecordReader = (*reader)(nil)
