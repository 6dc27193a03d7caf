package bigquery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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
}

// Result describes a finished ingest.
type Result struct {
	JobID          string
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

func (cfg *Config) query(c *bq.Client) *bq.Query {
	q := c.Query(cfg.Query.SQL)
	q.Location = cfg.Location
	if cfg.MaxBytesBilled > 0 {
		q.MaxBytesBilled = cfg.MaxBytesBilled
	}
	for _, p := range cfg.Query.Params {
		q.Parameters = append(q.Parameters, bq.QueryParameter{Name: p.Name, Value: p.Value})
	}
	return q
}

// DryRun asks BigQuery how many bytes the query would process, at no cost.
func DryRun(ctx context.Context, cfg Config) (Estimate, error) {
	cfg.withDefaults()
	ctx, cancel := withDeadline(ctx, cfg.Timeout)
	defer cancel()
	c, err := newClient(ctx, cfg)
	if err != nil {
		return Estimate{}, err
	}
	defer c.Close()
	q := cfg.query(c)
	q.DryRun = true
	job, err := q.Run(ctx)
	if err != nil {
		return Estimate{}, classify(ctx, "dry run", err)
	}
	st := job.LastStatus()
	if st == nil || st.Statistics == nil {
		return Estimate{}, errors.New("bigquery: dry run returned no statistics")
	}
	if err := st.Err(); err != nil {
		return Estimate{}, classify(ctx, "dry run", err)
	}
	b := st.Statistics.TotalBytesProcessed
	return Estimate{BytesProcessed: b, CostUSD: Cost(b)}, nil
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

// Ingest runs the query and writes its result to out, an Arrow IPC file of
// the ingest schema (ingest.FailuresSchema with Config.Failures),
// atomically: on any error nothing is left at out and the error says how
// many rows had been read.
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
	it, err := cfg.query(c).Read(ctx)
	if err != nil {
		return res, classify(ctx, "query", err)
	}
	res.Accelerated = it.IsAccelerated()
	var first []bq.Value
	firstDone := false
	if !res.Accelerated && !cfg.NoStorageAPI {
		if first, firstDone, err = restFallback(ctx, &cfg, b, it); err != nil {
			return res, err
		}
	}
	total, bytes, jobID, err := jobTotals(ctx, c, it)
	if err != nil {
		return res, classify(ctx, "job", err)
	}
	res.ResultRows, res.BytesProcessed, res.JobID = total, bytes, jobID
	cfg.Progress.Total.Store(total)

	var src source
	if res.Accelerated {
		ai, err := it.ArrowIterator()
		if err != nil {
			return res, fmt.Errorf("bigquery: %w", err)
		}
		src, err = newArrowSource(ai, &cfg)
		if err != nil {
			return res, err
		}
	} else {
		rs := newRESTSource(it, &cfg)
		rs.first, rs.done = first, firstDone
		src = rs
	}
	r := &reader{src: src, schema: outputSchema(&cfg), ctx: ctx, total: total, progress: cfg.Progress}
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
// total), the bytes it processed and its id.
func jobTotals(ctx context.Context, c *bq.Client, it *bq.RowIterator) (rows, bytes int64, id string, err error) {
	sj := it.SourceJob()
	if sj == nil {
		return int64(it.TotalRows), 0, "", nil
	}
	job, err := c.JobFromProject(ctx, sj.ProjectID(), sj.ID(), sj.Location())
	if err != nil {
		return 0, 0, "", err
	}
	if st := job.LastStatus(); st != nil && st.Statistics != nil {
		bytes = st.Statistics.TotalBytesProcessed
	}
	jc, err := job.Config()
	if err != nil {
		return 0, 0, "", err
	}
	qc, ok := jc.(*bq.QueryConfig)
	if !ok || qc.Dst == nil {
		return int64(it.TotalRows), bytes, job.ID(), nil
	}
	md, err := qc.Dst.Metadata(ctx)
	if err != nil {
		return 0, 0, "", err
	}
	return int64(md.NumRows), bytes, job.ID(), nil
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
