// Package bqfake is an in-process, wire-level fake of BigQuery for the real
// client, for tests: an httptest server for the REST calls (jobs.query,
// jobs.insert, jobs.get, jobs.getQueryResults, tables.get) and a gRPC
// BigQueryReadServer serving the result as Arrow over several streams,
// ReadRows honouring Offset. It checks what BigQuery would (every @name of
// the SQL is a parameter, reads name a job's destination table) and filters
// its rows by the anchors of an @anchors parameter, as the query would.
package bqfake

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cloud.google.com/go/bigquery/storage/apiv1/storagepb"
	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	bqv2 "google.golang.org/api/bigquery/v2"
	"google.golang.org/api/option"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/afsel/afsel/ingest"
)

// Row is one paired test of a fixture.
type Row struct {
	Probe, Anchor int64
	Time          int64 // µs since the epoch, UTC
	V4, V6        float64
	// For a failures query: each test's status, error
	// and DNS error as the result holds them, and whether its duration is
	// NULL.
	S4, S6         int64
	E4, E6, D4, D6 string
	Null4, Null6   bool
}

// Fixture is the first n data rows of a CSV, the CSV text of those rows
// (header included) and the rows parsed.
type Fixture struct {
	CSV  []byte
	Rows []Row
}

// LoadFixture reads the first n data rows of a CSV of paired tests in the
// authors' layout, gzip compressed, at path.
func LoadFixture(t testing.TB, path string, n int) Fixture {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	var fx Fixture
	var buf bytes.Buffer
	for i := 0; sc.Scan() && i <= n; i++ {
		line := sc.Text()
		buf.WriteString(line + "\n")
		if i == 0 {
			continue
		}
		c := strings.Split(line, ",")
		ts, err := time.Parse("2006-01-02 15:04:05.999999 MST", c[2])
		if err != nil {
			t.Fatal(err)
		}
		r := Row{Time: ts.UnixMicro()}
		r.Probe, _ = strconv.ParseInt(c[0], 10, 64)
		r.Anchor, _ = strconv.ParseInt(c[1], 10, 64)
		r.V4, _ = strconv.ParseFloat(c[3], 64)
		r.V6, _ = strconv.ParseFloat(c[4], 64)
		fx.Rows = append(fx.Rows, r)
	}
	fx.CSV = buf.Bytes()
	return fx
}

// SortRows sorts rows by every field.
func SortRows(rows []Row) {
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		switch {
		case a.Probe != b.Probe:
			return a.Probe < b.Probe
		case a.Anchor != b.Anchor:
			return a.Anchor < b.Anchor
		case a.Time != b.Time:
			return a.Time < b.Time
		case a.V4 != b.V4:
			return a.V4 < b.V4
		}
		return a.V6 < b.V6
	})
}

// Group groups rows by pair, each pair's tests in time order.
func Group(rows []Row) [][]Row {
	rows = append([]Row(nil), rows...)
	SortRows(rows)
	var out [][]Row
	for i := 0; i < len(rows); {
		j := i
		for j < len(rows) && rows[j].Probe == rows[i].Probe && rows[j].Anchor == rows[i].Anchor {
			j++
		}
		out = append(out, rows[i:j])
		i = j
	}
	return out
}

// TimestampType is the Arrow type of a TIMESTAMP column of a read session.
var TimestampType = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}

var (
	flatArrow = arrow.NewSchema([]arrow.Field{
		{Name: "prb_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "anchor_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "start_time", Type: TimestampType, Nullable: true},
		{Name: "v4_duration", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "v6_duration", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "v4_v6_ratio", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	}, nil)
	seriesArrow = arrow.NewSchema([]arrow.Field{
		{Name: "prb_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "anchor_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "start_time", Type: arrow.ListOf(TimestampType)},
		{Name: "v4_duration", Type: arrow.ListOf(arrow.PrimitiveTypes.Float64)},
		{Name: "v6_duration", Type: arrow.ListOf(arrow.PrimitiveTypes.Float64)},
	}, nil)
	flatREST = &bqv2.TableSchema{Fields: []*bqv2.TableFieldSchema{
		{Name: "prb_id", Type: "INTEGER"}, {Name: "anchor_id", Type: "INTEGER"},
		{Name: "start_time", Type: "TIMESTAMP"}, {Name: "v4_duration", Type: "FLOAT"},
		{Name: "v6_duration", Type: "FLOAT"}, {Name: "v4_v6_ratio", Type: "FLOAT"},
	}}
	seriesREST = &bqv2.TableSchema{Fields: []*bqv2.TableFieldSchema{
		{Name: "prb_id", Type: "INTEGER"}, {Name: "anchor_id", Type: "INTEGER"},
		{Name: "start_time", Type: "TIMESTAMP", Mode: "REPEATED"},
		{Name: "v4_duration", Type: "FLOAT", Mode: "REPEATED"},
		{Name: "v6_duration", Type: "FLOAT", Mode: "REPEATED"},
	}}
)

// batch is one serialized Arrow record batch of a stream.
type batch struct {
	data []byte
	rows int64
}

// Result is what a query returns on the fake: its schemas, its result rows
// (one unit each: a paired test, or a pair's tests for a series query) and
// how a batch of units is encoded.
type Result struct {
	Arrow  *arrow.Schema
	REST   *bqv2.TableSchema
	Series bool
	Units  [][]Row
	Batch  func(t testing.TB, units [][]Row) []byte // an Arrow record batch message
	Row    func(u []Row) *bqv2.TableRow
}

// Fake is the BigQuery fake. Set the fault fields before use.
type Fake struct {
	storagepb.UnimplementedBigQueryReadServer

	t                   testing.TB
	res                 Result
	nStreams, batchRows int
	schema              []byte // serialized Arrow schema message

	BytesProcessed int64
	// BytesPerDay, when positive, makes a query's bytes processed
	// BytesPerDay times the whole days from @start to @end, as a table
	// partitioned by day bills; with NoPruning every query bills
	// TableDays days, as when the filter on the partitions is not seen.
	BytesPerDay int64
	NoPruning   bool
	TableDays   int64
	// Tables are the schemas tables.get serves, by project.dataset.table,
	// besides the result tables (DefaultTables).
	Tables map[string]*bqv2.TableSchema

	// Faults.
	NoPageToken       bool          // jobs.query returns every row: the client stays on REST
	ExtraTableRows    int64         // tables.get over-reports numRows
	UnavailableOnce   bool          // stream 1 fails with Unavailable after its first batch, once
	ExpireSessionOnce bool          // the next read session expires after a stream's first batch
	PermissionDenied  bool          // ReadRows is refused
	SessionDenied     bool          // CreateReadSession is refused
	AlwaysFail        bool          // ReadRows always fails with Unavailable
	BatchDelay        time.Duration // sleep before each batch
	QueryFailOnce     bool          // jobs.query answers 503 once
	NoDestination     bool          // jobs.get names no destination table: the client cannot create a read session and stays on REST

	mu          sync.Mutex
	streams     [][]batch // per stream, of the last query's result
	rest        []*bqv2.TableRow
	total       int64
	jobs        map[string]*bqv2.Job
	queryReqs   []bqv2.QueryRequest
	insertReqs  []bqv2.Job
	maxStreams  []int32
	offsets     []int64
	sessions    int
	expiring    string // the session ExpireSessionOnce expires
	readRowsN   atomic.Int64
	failedOnce  atomic.Bool
	expired     atomic.Bool
	queryFailed atomic.Bool

	httpURL, grpcAddr string
}

// The fake's names.
const (
	Project  = "proj"
	Job      = "job_1"
	Location = "EU"
	Dataset  = "_anon"
	Table    = "anon_1"
)

// DefaultTables is the probes table the queries read by default, with the
// columns they read.
func DefaultTables() map[string]*bqv2.TableSchema {
	return map[string]*bqv2.TableSchema{"ripencc-atlas.probes.probes": {Fields: []*bqv2.TableFieldSchema{
		{Name: "prb_id", Type: "INTEGER"}, {Name: "is_anchor", Type: "BOOLEAN"},
		{Name: "addr_v4", Type: "STRING"}, {Name: "addr_v6", Type: "STRING"},
		{Name: "asn_v4", Type: "INTEGER"}, {Name: "asn_v6", Type: "INTEGER"},
	}}}
}

// New serves rows over nStreams streams in batches of batchRows rows (as
// series rows, one per pair, when seriesRows): the result of paired_tests.sql
// or paired_series.sql.
func New(t testing.TB, rows []Row, seriesRows bool, nStreams, batchRows int) *Fake {
	schema, rest := flatArrow, flatREST
	if seriesRows {
		schema, rest = seriesArrow, seriesREST
	}
	res := Result{
		Arrow: schema, REST: rest, Series: seriesRows,
		Batch: func(t testing.TB, units [][]Row) []byte { return RecordMessage(t, schema, units, seriesRows) },
		Row:   func(u []Row) *bqv2.TableRow { return RESTRow(u, seriesRows) },
	}
	if seriesRows {
		res.Units = Group(rows)
	} else {
		for i := range rows {
			res.Units = append(res.Units, rows[i:i+1])
		}
	}
	return Serve(t, res, nStreams, batchRows)
}

// Serve starts a fake that serves res over nStreams streams in batches of
// batchRows units; it stops at the end of the test.
func Serve(t testing.TB, res Result, nStreams, batchRows int) *Fake {
	f := &Fake{t: t, res: res, nStreams: nStreams, batchRows: batchRows, BytesProcessed: 123 << 30,
		Tables: DefaultTables(), jobs: map[string]*bqv2.Job{}}
	f.schema = SchemaMessage(t, res.Arrow)
	f.build(nil)
	f.start()
	return f
}

// build encodes the result, of the units whose anchor is in anchors when
// anchors is not nil.
func (f *Fake) build(anchors map[int64]bool) {
	var units [][]Row
	for _, u := range f.res.Units {
		if anchors == nil || anchors[u[0].Anchor] {
			units = append(units, u)
		}
	}
	streams := make([][]batch, f.nStreams)
	per := (len(units) + f.nStreams - 1) / f.nStreams
	for s := range f.nStreams {
		lo, hi := min(s*per, len(units)), min((s+1)*per, len(units))
		for i := lo; i < hi; i += f.batchRows {
			j := min(i+f.batchRows, hi)
			streams[s] = append(streams[s], batch{data: f.res.Batch(f.t, units[i:j]), rows: int64(j - i)})
		}
	}
	rest := make([]*bqv2.TableRow, 0, len(units))
	for _, u := range units {
		rest = append(rest, f.res.Row(u))
	}
	f.mu.Lock()
	f.streams, f.rest, f.total = streams, rest, int64(len(units))
	f.mu.Unlock()
}

// Series says whether the fake serves series rows.
func (f *Fake) Series() bool { return f.res.Series }

// Total is the number of rows of the last query's result.
func (f *Fake) Total() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.total
}

// QueryRequests are the jobs.query requests received.
func (f *Fake) QueryRequests() []bqv2.QueryRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]bqv2.QueryRequest(nil), f.queryReqs...)
}

// InsertRequests are the jobs.insert requests received.
func (f *Fake) InsertRequests() []bqv2.Job {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]bqv2.Job(nil), f.insertReqs...)
}

// MaxStreams are the stream counts CreateReadSession was asked for, one
// per session.
func (f *Fake) MaxStreams() []int32 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int32(nil), f.maxStreams...)
}

// Offsets are the nonzero offsets ReadRows was asked to start from.
func (f *Fake) Offsets() []int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int64(nil), f.offsets...)
}

// ReadRowsCalls is the number of ReadRows calls.
func (f *Fake) ReadRowsCalls() int64 { return f.readRowsN.Load() }

// FailedOnce says whether UnavailableOnce's failure happened.
func (f *Fake) FailedOnce() bool { return f.failedOnce.Load() }

// Expired says whether ExpireSessionOnce's expiry happened.
func (f *Fake) Expired() bool { return f.expired.Load() }

// SchemaMessage serializes s as the schema message of a read session.
func SchemaMessage(t testing.TB, s *arrow.Schema) []byte {
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(s))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return bytes.Clone(buf.Bytes()[:buf.Len()-8]) // without the end-of-stream marker
}

// RecordMessage serializes units as one record batch message, without the
// schema, as the Storage Read API sends it.
func RecordMessage(t testing.TB, s *arrow.Schema, units [][]Row, seriesRows bool) []byte {
	b := array.NewRecordBuilder(memory.DefaultAllocator, s)
	defer b.Release()
	for _, u := range units {
		b.Field(0).(*array.Int64Builder).Append(u[0].Probe)
		b.Field(1).(*array.Int64Builder).Append(u[0].Anchor)
		if !seriesRows {
			r := u[0]
			b.Field(2).(*array.TimestampBuilder).Append(arrow.Timestamp(r.Time))
			b.Field(3).(*array.Float64Builder).Append(r.V4)
			b.Field(4).(*array.Float64Builder).Append(r.V6)
			b.Field(5).(*array.Float64Builder).Append(r.V4 / r.V6)
			continue
		}
		lt, l4, l6 := b.Field(2).(*array.ListBuilder), b.Field(3).(*array.ListBuilder), b.Field(4).(*array.ListBuilder)
		lt.Append(true)
		l4.Append(true)
		l6.Append(true)
		for _, r := range u {
			lt.ValueBuilder().(*array.TimestampBuilder).Append(arrow.Timestamp(r.Time))
			l4.ValueBuilder().(*array.Float64Builder).Append(r.V4)
			l6.ValueBuilder().(*array.Float64Builder).Append(r.V6)
		}
	}
	rec := b.NewRecord()
	defer rec.Release()
	return BatchMessage(t, rec)
}

// BatchMessage serializes rec as one record batch message, without the
// schema, as the Storage Read API sends it.
func BatchMessage(t testing.TB, rec arrow.Record) []byte {
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(rec.Schema()))
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	head := len(SchemaMessage(t, rec.Schema()))
	return bytes.Clone(buf.Bytes()[head : buf.Len()-8])
}

// RESTRow is a result row of units over REST.
func RESTRow(u []Row, seriesRows bool) *bqv2.TableRow {
	cell := func(v any) *bqv2.TableCell { return &bqv2.TableCell{V: v} }
	fl := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	row := &bqv2.TableRow{F: []*bqv2.TableCell{cell(strconv.FormatInt(u[0].Probe, 10)), cell(strconv.FormatInt(u[0].Anchor, 10))}}
	if !seriesRows {
		r := u[0]
		row.F = append(row.F, cell(strconv.FormatInt(r.Time, 10)), cell(fl(r.V4)), cell(fl(r.V6)), cell(fl(r.V4/r.V6)))
		return row
	}
	var ts, v4, v6 []any
	for _, r := range u {
		ts = append(ts, map[string]any{"v": strconv.FormatInt(r.Time, 10)})
		v4 = append(v4, map[string]any{"v": fl(r.V4)})
		v6 = append(v6, map[string]any{"v": fl(r.V6)})
	}
	row.F = append(row.F, cell(ts), cell(v4), cell(v6))
	return row
}

func (f *Fake) start() {
	t := f.t
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gs := grpc.NewServer()
	storagepb.RegisterBigQueryReadServer(gs, f)
	go gs.Serve(lis)
	hs := httptest.NewServer(http.HandlerFunc(f.serveHTTP))
	t.Cleanup(func() {
		hs.Close()
		gs.Stop()
	})
	f.httpURL, f.grpcAddr = hs.URL, lis.Addr().String()
}

// Options point the real client at the fake.
func (f *Fake) Options() (rest, storage []option.ClientOption) {
	rest = []option.ClientOption{option.WithEndpoint(f.RESTEndpoint()), option.WithoutAuthentication()}
	storage = []option.ClientOption{
		option.WithEndpoint(f.grpcAddr), option.WithoutAuthentication(),
		option.WithGRPCDialOption(grpc.WithTransportCredentials(insecure.NewCredentials())),
	}
	return rest, storage
}

// RESTEndpoint is the REST API's endpoint, for option.WithEndpoint.
func (f *Fake) RESTEndpoint() string { return f.httpURL + "/bigquery/v2/" }

// StorageEndpoint is the Storage Read API's address (gRPC, insecure).
func (f *Fake) StorageEndpoint() string { return f.grpcAddr }

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func apiError(w http.ResponseWriter, code int, reason, msg string) {
	writeJSON(w, code, map[string]any{"error": map[string]any{
		"code": code, "message": msg,
		"errors": []map[string]any{{"reason": reason, "message": msg}},
	}})
}

const restPage = 5000

var paramRE = regexp.MustCompile(`@([A-Za-z_][A-Za-z0-9_]*)`)

// checkParams returns BigQuery's complaint about a name of the SQL that
// is not among params, or "".
func checkParams(sql string, params []*bqv2.QueryParameter) string {
	have := map[string]bool{}
	for _, p := range params {
		have[p.Name] = true
	}
	for _, m := range paramRE.FindAllStringSubmatch(sql, -1) {
		if !have[m[1]] {
			return fmt.Sprintf("Query parameter '%s' not found", m[1])
		}
	}
	return ""
}

// anchorIDs returns the ids of the @anchors parameter, or nil.
func anchorIDs(params []*bqv2.QueryParameter) map[int64]bool {
	for _, p := range params {
		if p.Name != "anchors" || p.ParameterValue == nil {
			continue
		}
		ids := map[int64]bool{}
		for _, v := range p.ParameterValue.ArrayValues {
			if id, ok := v.StructValues["id"]; ok {
				n, _ := strconv.ParseInt(id.Value, 10, 64)
				ids[n] = true
			}
		}
		return ids
	}
	return nil
}

// bytes is what a query with params processes.
func (f *Fake) bytes(params []*bqv2.QueryParameter) int64 {
	if f.BytesPerDay <= 0 {
		return f.BytesProcessed
	}
	if f.NoPruning {
		return f.BytesPerDay * f.TableDays
	}
	var start, end time.Time
	for _, p := range params {
		if p.ParameterValue == nil {
			continue
		}
		ts, err := time.Parse("2006-01-02 15:04:05.999999-07:00", p.ParameterValue.Value)
		if err != nil {
			continue
		}
		switch p.Name {
		case "start":
			start = ts
		case "end":
			end = ts
		}
	}
	days := int64((end.Sub(start) + 24*time.Hour - 1) / (24 * time.Hour))
	return f.BytesPerDay * days
}

func (f *Fake) job(id, query string, dst *bqv2.TableReference, bytes int64) *bqv2.Job {
	if dst == nil {
		dst = &bqv2.TableReference{ProjectId: Project, DatasetId: Dataset, TableId: Table}
	}
	return &bqv2.Job{
		JobReference: &bqv2.JobReference{ProjectId: Project, JobId: id, Location: Location},
		Configuration: &bqv2.JobConfiguration{Query: &bqv2.JobConfigurationQuery{
			Query: query, DestinationTable: dst,
		}},
		Status:     &bqv2.JobStatus{State: "DONE"},
		Statistics: &bqv2.JobStatistics{TotalBytesProcessed: bytes, Query: &bqv2.JobStatistics2{TotalBytesProcessed: bytes}},
	}
}

func (f *Fake) page(token string) ([]*bqv2.TableRow, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i, _ := strconv.Atoi(token)
	j := min(i+restPage, len(f.rest))
	next := ""
	if j < len(f.rest) {
		next = strconv.Itoa(j)
	}
	return f.rest[i:j], next
}

// resultTable says whether project.dataset.table is the destination of a
// job of the fake's.
func (f *Fake) resultTable(project, dataset, table string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, j := range f.jobs {
		d := j.Configuration.Query.DestinationTable
		if d.ProjectId == project && d.DatasetId == dataset && d.TableId == table {
			return true
		}
	}
	return project == Project && dataset == Dataset && table == Table
}

func (f *Fake) serveHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/bigquery/v2")
	parts := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case r.Method == "POST" && len(parts) == 3 && parts[2] == "queries": // jobs.query
		var req bqv2.QueryRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			apiError(w, 400, "invalid", err.Error())
			return
		}
		f.mu.Lock()
		f.queryReqs = append(f.queryReqs, req)
		f.mu.Unlock()
		if f.QueryFailOnce && !f.queryFailed.Swap(true) {
			apiError(w, 503, "backendError", "try again")
			return
		}
		if msg := checkParams(req.Query, req.QueryParameters); msg != "" {
			apiError(w, 400, "invalidQuery", msg)
			return
		}
		bytes := f.bytes(req.QueryParameters)
		if req.MaximumBytesBilled > 0 && req.MaximumBytesBilled < bytes {
			apiError(w, 400, "bytesBilledLimitExceeded", fmt.Sprintf("Query exceeded limit for bytes billed: %d. %d or higher required.", req.MaximumBytesBilled, bytes))
			return
		}
		f.build(anchorIDs(req.QueryParameters))
		f.mu.Lock()
		f.jobs[Job] = f.job(Job, req.Query, nil, bytes)
		total := f.total
		f.mu.Unlock()
		// No rows yet, a token for them: what makes the client switch to
		// the Storage Read API.
		rows, next := []*bqv2.TableRow{}, "0"
		if f.NoPageToken {
			f.mu.Lock()
			rows, next = f.rest, ""
			f.mu.Unlock()
		}
		writeJSON(w, 200, &bqv2.QueryResponse{
			JobReference: &bqv2.JobReference{ProjectId: Project, JobId: Job, Location: Location},
			JobComplete:  true, PageToken: next, Rows: rows, Schema: f.res.REST,
			TotalRows: uint64(total), TotalBytesProcessed: bytes,
		})
	case r.Method == "POST" && len(parts) == 3 && parts[2] == "jobs": // jobs.insert
		var req bqv2.Job
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			apiError(w, 400, "invalid", err.Error())
			return
		}
		f.mu.Lock()
		f.insertReqs = append(f.insertReqs, req)
		f.mu.Unlock()
		qc := req.Configuration.Query
		if msg := checkParams(qc.Query, qc.QueryParameters); msg != "" {
			apiError(w, 400, "invalidQuery", msg)
			return
		}
		bytes := f.bytes(qc.QueryParameters)
		j := f.job(Job, qc.Query, qc.DestinationTable, bytes)
		j.Configuration.DryRun = req.Configuration.DryRun
		if !req.Configuration.DryRun {
			if qc.MaximumBytesBilled > 0 && qc.MaximumBytesBilled < bytes {
				apiError(w, 400, "bytesBilledLimitExceeded", fmt.Sprintf("Query exceeded limit for bytes billed: %d. %d or higher required.", qc.MaximumBytesBilled, bytes))
				return
			}
			if req.JobReference != nil && req.JobReference.JobId != "" {
				j.JobReference.JobId = req.JobReference.JobId
			}
			f.build(anchorIDs(qc.QueryParameters))
			f.mu.Lock()
			f.jobs[j.JobReference.JobId] = j
			f.mu.Unlock()
		}
		writeJSON(w, 200, j)
	case r.Method == "GET" && len(parts) == 4 && parts[2] == "jobs": // jobs.get
		f.mu.Lock()
		j, ok := f.jobs[parts[3]]
		if ok {
			c := *j
			cfg := *j.Configuration
			q := *cfg.Query
			cfg.Query, c.Configuration = &q, &cfg
			j = &c
		}
		f.mu.Unlock()
		if !ok {
			apiError(w, 404, "notFound", "Not found: Job "+parts[1]+":"+parts[3])
			return
		}
		if f.NoDestination {
			j.Configuration.Query.DestinationTable = nil
		}
		writeJSON(w, 200, j)
	case r.Method == "GET" && len(parts) == 4 && parts[2] == "queries": // jobs.getQueryResults
		f.mu.Lock()
		_, ok := f.jobs[parts[3]]
		total := f.total
		f.mu.Unlock()
		if !ok {
			apiError(w, 404, "notFound", "Not found: Job "+parts[1]+":"+parts[3])
			return
		}
		resp := &bqv2.GetQueryResultsResponse{
			JobReference: &bqv2.JobReference{ProjectId: Project, JobId: parts[3], Location: Location},
			JobComplete:  true, Schema: f.res.REST, TotalRows: uint64(total),
		}
		if r.URL.Query().Get("maxResults") != "0" {
			resp.Rows, resp.PageToken = f.page(r.URL.Query().Get("pageToken"))
		}
		writeJSON(w, 200, resp)
	case r.Method == "GET" && len(parts) == 6 && parts[2] == "datasets" && parts[4] == "tables": // tables.get
		ref := &bqv2.TableReference{ProjectId: parts[1], DatasetId: parts[3], TableId: parts[5]}
		if s, ok := f.Tables[parts[1]+"."+parts[3]+"."+parts[5]]; ok {
			writeJSON(w, 200, &bqv2.Table{TableReference: ref, Schema: s, Type: "TABLE"})
			return
		}
		if !f.resultTable(parts[1], parts[3], parts[5]) {
			apiError(w, 404, "notFound", "Not found: Table "+parts[1]+":"+parts[3]+"."+parts[5])
			return
		}
		writeJSON(w, 200, &bqv2.Table{
			TableReference: ref, Schema: f.res.REST, NumRows: uint64(f.Total() + f.ExtraTableRows), Type: "TABLE",
		})
	default:
		apiError(w, 404, "notFound", r.Method+" "+r.URL.Path)
	}
}

// CreateReadSession opens a session on a job's destination table.
func (f *Fake) CreateReadSession(ctx context.Context, req *storagepb.CreateReadSessionRequest) (*storagepb.ReadSession, error) {
	table := req.GetReadSession().GetTable()
	p := strings.Split(table, "/")
	if len(p) != 6 || !f.resultTable(p[1], p[3], p[5]) {
		return nil, status.Errorf(codes.NotFound, "table %q", table)
	}
	f.mu.Lock()
	f.maxStreams = append(f.maxStreams, req.MaxStreamCount)
	f.sessions++
	n := f.sessions
	name := fmt.Sprintf("projects/proj/locations/eu/sessions/s%d", n)
	if f.ExpireSessionOnce && f.expiring == "" {
		f.expiring = name
	}
	f.mu.Unlock()
	if f.SessionDenied {
		return nil, status.Error(codes.PermissionDenied, "permission bigquery.readsessions.create denied on project proj")
	}
	s := &storagepb.ReadSession{
		Name:              name,
		DataFormat:        storagepb.DataFormat_ARROW,
		Table:             table,
		Schema:            &storagepb.ReadSession_ArrowSchema{ArrowSchema: &storagepb.ArrowSchema{SerializedSchema: f.schema}},
		EstimatedRowCount: f.Total(),
	}
	for i := range f.nStreams {
		s.Streams = append(s.Streams, &storagepb.ReadStream{Name: fmt.Sprintf("%s/streams/%d", name, i)})
	}
	if req.MaxStreamCount == 1 { // ordered: everything, in order, on one stream
		s.Streams = []*storagepb.ReadStream{{Name: name + "/streams/all"}}
	}
	return s, nil
}

// ReadRows sends a stream's batches from the request's offset.
func (f *Fake) ReadRows(req *storagepb.ReadRowsRequest, srv storagepb.BigQueryRead_ReadRowsServer) error {
	f.readRowsN.Add(1)
	if f.PermissionDenied {
		return status.Error(codes.PermissionDenied, "request had insufficient authentication scopes: bigquery.readsessions.getData")
	}
	if f.AlwaysFail {
		return status.Error(codes.Unavailable, "the service is currently unavailable")
	}
	if req.Offset > 0 {
		f.mu.Lock()
		f.offsets = append(f.offsets, req.Offset)
		f.mu.Unlock()
	}
	f.mu.Lock()
	expiring := f.expiring != "" && strings.HasPrefix(req.ReadStream, f.expiring+"/")
	f.mu.Unlock()
	if expiring && f.expired.Load() {
		return status.Error(codes.FailedPrecondition, "read session has expired")
	}
	i := strings.LastIndex(req.ReadStream, "/")
	f.mu.Lock()
	all := f.streams
	f.mu.Unlock()
	var batches []batch
	s, err := strconv.Atoi(req.ReadStream[i+1:])
	switch {
	case req.ReadStream[i+1:] == "all":
		for _, bs := range all {
			batches = append(batches, bs...)
		}
	case err != nil || s >= len(all):
		return status.Errorf(codes.NotFound, "stream %q", req.ReadStream)
	default:
		batches = all[s]
	}
	var at int64
	sent := 0
	for _, b := range batches {
		if at < req.Offset {
			if at+b.rows > req.Offset {
				return status.Errorf(codes.InvalidArgument, "offset %d inside a batch", req.Offset)
			}
			at += b.rows
			continue
		}
		if f.UnavailableOnce && s == 1 && sent == 1 && !f.failedOnce.Swap(true) {
			return status.Error(codes.Unavailable, "connection reset by the fake")
		}
		if expiring && sent == 1 {
			f.expired.Store(true)
			return status.Error(codes.FailedPrecondition, "read session has expired")
		}
		if f.BatchDelay > 0 {
			select {
			case <-time.After(f.BatchDelay):
			case <-srv.Context().Done():
				return srv.Context().Err()
			}
		}
		err := srv.Send(&storagepb.ReadRowsResponse{
			RowCount: b.rows,
			Rows: &storagepb.ReadRowsResponse_ArrowRecordBatch{ArrowRecordBatch: &storagepb.ArrowRecordBatch{
				SerializedRecordBatch: b.data, RowCount: b.rows,
			}},
		})
		if err != nil {
			return err
		}
		at += b.rows
		sent++
	}
	return nil
}

// ReadOutput reads every row of an afsel file, sorted.
func ReadOutput(t testing.TB, path string) []Row {
	t.Helper()
	r, err := ingest.Open(path, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	var out []Row
	for r.Next() {
		rec := r.Record()
		p := rec.Column(ingest.IdxProbe).(*array.Int64)
		a := rec.Column(ingest.IdxAnchor).(*array.Int64)
		ts := rec.Column(ingest.IdxStartTime).(*array.Timestamp)
		v4 := rec.Column(ingest.IdxV4).(*array.Float64)
		v6 := rec.Column(ingest.IdxV6).(*array.Float64)
		for i := 0; i < int(rec.NumRows()); i++ {
			out = append(out, Row{Probe: p.Value(i), Anchor: a.Value(i), Time: int64(ts.Value(i)), V4: v4.Value(i), V6: v6.Value(i)})
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	SortRows(out)
	return out
}
