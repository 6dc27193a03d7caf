package bigquery_test

// An in-process, wire-level fake of BigQuery for the real client: an httptest
// server for the REST calls (jobs.query, jobs.insert, jobs.get,
// jobs.getQueryResults, tables.get) and a gRPC BigQueryReadServer serving the
// result as Arrow over several streams, ReadRows honouring Offset.

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

// testRow is one paired test of the fixture.
type testRow struct {
	Probe, Anchor int64
	Time          int64 // µs since the epoch, UTC
	V4, V6        float64
	// For a failures query (newFailuresFake): each test's status, error
	// and DNS error as the result holds them, and whether its duration is
	// NULL.
	S4, S6         int64
	E4, E6, D4, D6 string
	Null4, Null6   bool
}

// fixture is the first n data rows of the golden CSV, the CSV text of those
// rows (header included) and the rows parsed.
type fixture struct {
	csv  []byte
	rows []testRow
}

func loadFixture(t testing.TB, n int) fixture {
	t.Helper()
	f, err := os.Open("../../testdata/golden/data.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	var fx fixture
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
		r := testRow{Time: ts.UnixMicro()}
		r.Probe, _ = strconv.ParseInt(c[0], 10, 64)
		r.Anchor, _ = strconv.ParseInt(c[1], 10, 64)
		r.V4, _ = strconv.ParseFloat(c[3], 64)
		r.V6, _ = strconv.ParseFloat(c[4], 64)
		fx.rows = append(fx.rows, r)
	}
	fx.csv = buf.Bytes()
	return fx
}

func sortRows(rows []testRow) {
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

// series groups rows by pair, each pair's tests in time order.
func series(rows []testRow) [][]testRow {
	rows = append([]testRow(nil), rows...)
	sortRows(rows)
	var out [][]testRow
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

var (
	tsType    = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	flatArrow = arrow.NewSchema([]arrow.Field{
		{Name: "prb_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "anchor_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "start_time", Type: tsType, Nullable: true},
		{Name: "v4_duration", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "v6_duration", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "v4_v6_ratio", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	}, nil)
	seriesArrow = arrow.NewSchema([]arrow.Field{
		{Name: "prb_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "anchor_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "start_time", Type: arrow.ListOf(tsType)},
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

// fake is the BigQuery fake. Set the fault fields before use.
type fake struct {
	storagepb.UnimplementedBigQueryReadServer

	t       testing.TB
	series  bool
	restSch *bqv2.TableSchema // the result's REST schema; nil: flatREST or seriesREST
	schema  []byte            // serialized Arrow schema message
	streams [][]batch         // per stream
	rest    []*bqv2.TableRow
	total   int64

	BytesProcessed int64
	// Faults.
	NoPageToken      bool          // jobs.query returns every row: the client stays on REST
	ExtraTableRows   int64         // tables.get over-reports numRows
	UnavailableOnce  bool          // stream 1 fails with Unavailable after its first batch, once
	PermissionDenied bool          // ReadRows is refused
	SessionDenied    bool          // CreateReadSession is refused
	AlwaysFail       bool          // ReadRows always fails with Unavailable
	BatchDelay       time.Duration // sleep before each batch
	QueryFailOnce    bool          // jobs.query answers 503 once
	NoDestination    bool          // jobs.get names no destination table: the client cannot create a read session and stays on REST

	mu          sync.Mutex
	queryReqs   []bqv2.QueryRequest
	insertReqs  []bqv2.Job
	maxStreams  []int32
	readRowsN   atomic.Int64
	failedOnce  atomic.Bool
	queryFailed atomic.Bool

	httpURL, grpcAddr string
}

const (
	fakeProject = "proj"
	fakeJob     = "job_1"
	fakeDataset = "_anon"
	fakeTable   = "anon_1"
)

// newFake serves rows over nStreams streams in batches of batchRows rows (as
// series rows, one per pair, when series).
func newFake(t testing.TB, rows []testRow, seriesRows bool, nStreams, batchRows int) *fake {
	f := &fake{t: t, series: seriesRows, BytesProcessed: 123 << 30}
	schema := flatArrow
	if seriesRows {
		schema = seriesArrow
	}
	f.schema = schemaMessage(t, schema)
	var units [][]testRow // one result row each
	if seriesRows {
		units = series(rows)
	} else {
		for i := range rows {
			units = append(units, rows[i:i+1])
		}
	}
	f.total = int64(len(units))
	f.streams = make([][]batch, nStreams)
	per := (len(units) + nStreams - 1) / nStreams
	for s := 0; s < nStreams; s++ {
		lo, hi := min(s*per, len(units)), min((s+1)*per, len(units))
		for i := lo; i < hi; i += batchRows {
			j := min(i+batchRows, hi)
			f.streams[s] = append(f.streams[s], batch{data: recordMessage(t, schema, units[i:j], seriesRows), rows: int64(j - i)})
		}
	}
	for _, u := range units {
		f.rest = append(f.rest, restRow(u, seriesRows))
	}
	f.start()
	return f
}

func schemaMessage(t testing.TB, s *arrow.Schema) []byte {
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(s))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return bytes.Clone(buf.Bytes()[:buf.Len()-8]) // without the end-of-stream marker
}

// recordMessage serializes units as one record batch message, without the
// schema, as the Storage Read API sends it.
func recordMessage(t testing.TB, s *arrow.Schema, units [][]testRow, seriesRows bool) []byte {
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
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(s))
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	head := len(schemaMessage(t, s))
	return bytes.Clone(buf.Bytes()[head : buf.Len()-8])
}

func restRow(u []testRow, seriesRows bool) *bqv2.TableRow {
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

func (f *fake) start() {
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

// options points the real client at the fake.
func (f *fake) options() (rest, storage []option.ClientOption) {
	rest = []option.ClientOption{option.WithEndpoint(f.httpURL + "/bigquery/v2/"), option.WithoutAuthentication()}
	storage = []option.ClientOption{
		option.WithEndpoint(f.grpcAddr), option.WithoutAuthentication(),
		option.WithGRPCDialOption(grpc.WithTransportCredentials(insecure.NewCredentials())),
	}
	return rest, storage
}

func (f *fake) restSchema() *bqv2.TableSchema {
	if f.restSch != nil {
		return f.restSch
	}
	if f.series {
		return seriesREST
	}
	return flatREST
}

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

func (f *fake) job(query string) *bqv2.Job {
	return &bqv2.Job{
		JobReference: &bqv2.JobReference{ProjectId: fakeProject, JobId: fakeJob, Location: "EU"},
		Configuration: &bqv2.JobConfiguration{Query: &bqv2.JobConfigurationQuery{
			Query:            query,
			DestinationTable: &bqv2.TableReference{ProjectId: fakeProject, DatasetId: fakeDataset, TableId: fakeTable},
		}},
		Status:     &bqv2.JobStatus{State: "DONE"},
		Statistics: &bqv2.JobStatistics{TotalBytesProcessed: f.BytesProcessed, Query: &bqv2.JobStatistics2{TotalBytesProcessed: f.BytesProcessed}},
	}
}

func (f *fake) page(token string) ([]*bqv2.TableRow, string) {
	i, _ := strconv.Atoi(token)
	j := min(i+restPage, len(f.rest))
	next := ""
	if j < len(f.rest) {
		next = strconv.Itoa(j)
	}
	return f.rest[i:j], next
}

func (f *fake) serveHTTP(w http.ResponseWriter, r *http.Request) {
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
		if req.MaximumBytesBilled > 0 && req.MaximumBytesBilled < f.BytesProcessed {
			apiError(w, 400, "bytesBilledLimitExceeded", fmt.Sprintf("Query exceeded limit for bytes billed: %d. %d or higher required.", req.MaximumBytesBilled, f.BytesProcessed))
			return
		}
		// No rows yet, a token for them: what makes the client switch to
		// the Storage Read API.
		rows, next := []*bqv2.TableRow{}, "0"
		if f.NoPageToken {
			rows, next = f.rest, ""
		}
		writeJSON(w, 200, &bqv2.QueryResponse{
			JobReference: &bqv2.JobReference{ProjectId: fakeProject, JobId: fakeJob, Location: "EU"},
			JobComplete:  true, PageToken: next, Rows: rows, Schema: f.restSchema(),
			TotalRows: uint64(f.total), TotalBytesProcessed: f.BytesProcessed,
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
		j := f.job(req.Configuration.Query.Query)
		j.Configuration.DryRun = req.Configuration.DryRun
		writeJSON(w, 200, j)
	case r.Method == "GET" && len(parts) == 4 && parts[2] == "jobs": // jobs.get
		f.mu.Lock()
		q := ""
		if n := len(f.queryReqs); n > 0 {
			q = f.queryReqs[n-1].Query // the client decides on ordering from it
		}
		f.mu.Unlock()
		j := f.job(q)
		if f.NoDestination {
			j.Configuration.Query.DestinationTable = nil
		}
		writeJSON(w, 200, j)
	case r.Method == "GET" && len(parts) == 4 && parts[2] == "queries": // jobs.getQueryResults
		resp := &bqv2.GetQueryResultsResponse{
			JobReference: &bqv2.JobReference{ProjectId: fakeProject, JobId: fakeJob, Location: "EU"},
			JobComplete:  true, Schema: f.restSchema(), TotalRows: uint64(f.total),
		}
		if r.URL.Query().Get("maxResults") != "0" {
			resp.Rows, resp.PageToken = f.page(r.URL.Query().Get("pageToken"))
		}
		writeJSON(w, 200, resp)
	case r.Method == "GET" && len(parts) == 6 && parts[2] == "datasets" && parts[4] == "tables": // tables.get
		writeJSON(w, 200, &bqv2.Table{
			TableReference: &bqv2.TableReference{ProjectId: parts[1], DatasetId: parts[3], TableId: parts[5]},
			Schema:         f.restSchema(), NumRows: uint64(f.total + f.ExtraTableRows), Type: "TABLE",
		})
	default:
		apiError(w, 404, "notFound", r.Method+" "+r.URL.Path)
	}
}

func (f *fake) CreateReadSession(ctx context.Context, req *storagepb.CreateReadSessionRequest) (*storagepb.ReadSession, error) {
	want := fmt.Sprintf("projects/%s/datasets/%s/tables/%s", fakeProject, fakeDataset, fakeTable)
	if req.GetReadSession().GetTable() != want {
		return nil, status.Errorf(codes.NotFound, "table %q", req.GetReadSession().GetTable())
	}
	f.mu.Lock()
	f.maxStreams = append(f.maxStreams, req.MaxStreamCount)
	f.mu.Unlock()
	if f.SessionDenied {
		return nil, status.Error(codes.PermissionDenied, "permission bigquery.readsessions.create denied on project proj")
	}
	name := "projects/proj/locations/eu/sessions/s1"
	s := &storagepb.ReadSession{
		Name:              name,
		DataFormat:        storagepb.DataFormat_ARROW,
		Table:             want,
		Schema:            &storagepb.ReadSession_ArrowSchema{ArrowSchema: &storagepb.ArrowSchema{SerializedSchema: f.schema}},
		EstimatedRowCount: f.total,
	}
	for i := range f.streams {
		s.Streams = append(s.Streams, &storagepb.ReadStream{Name: fmt.Sprintf("%s/streams/%d", name, i)})
	}
	if req.MaxStreamCount == 1 { // ordered: everything, in order, on one stream
		s.Streams = []*storagepb.ReadStream{{Name: name + "/streams/all"}}
	}
	return s, nil
}

func (f *fake) ReadRows(req *storagepb.ReadRowsRequest, srv storagepb.BigQueryRead_ReadRowsServer) error {
	f.readRowsN.Add(1)
	if f.PermissionDenied {
		return status.Error(codes.PermissionDenied, "request had insufficient authentication scopes: bigquery.readsessions.getData")
	}
	if f.AlwaysFail {
		return status.Error(codes.Unavailable, "the service is currently unavailable")
	}
	i := strings.LastIndex(req.ReadStream, "/")
	var batches []batch
	s, err := strconv.Atoi(req.ReadStream[i+1:])
	switch {
	case req.ReadStream[i+1:] == "all":
		for _, bs := range f.streams {
			batches = append(batches, bs...)
		}
	case err != nil || s >= len(f.streams):
		return status.Errorf(codes.NotFound, "stream %q", req.ReadStream)
	default:
		batches = f.streams[s]
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

// readOutput reads every row of an afsel file, sorted.
func readOutput(t testing.TB, path string) []testRow {
	t.Helper()
	r, err := ingest.Open(path, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	var out []testRow
	for r.Next() {
		rec := r.Record()
		p := rec.Column(ingest.IdxProbe).(*array.Int64)
		a := rec.Column(ingest.IdxAnchor).(*array.Int64)
		ts := rec.Column(ingest.IdxStartTime).(*array.Timestamp)
		v4 := rec.Column(ingest.IdxV4).(*array.Float64)
		v6 := rec.Column(ingest.IdxV6).(*array.Float64)
		for i := 0; i < int(rec.NumRows()); i++ {
			out = append(out, testRow{Probe: p.Value(i), Anchor: a.Value(i), Time: int64(ts.Value(i)), V4: v4.Value(i), V6: v6.Value(i)})
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	sortRows(out)
	return out
}
