package atlas_test

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/ingest/atlas"
)

func ExampleNewReader() {
	anchors, err := atlas.ReadAnchors(strings.NewReader(`{"objects": [
		{"id": 6000, "address_v4": "193.0.23.112", "address_v6": "2001:67c:2e8:1770::a", "is_anchor": true}]}`), "anchors.json")
	if err != nil {
		panic(err)
	}
	// Probe 10's IPv4 test at t and IPv6 tests at t+90 s and t+150 s; a
	// ping result is skipped.
	results := `{"prb_id":10,"timestamp":1685577600,"msm_id":1000004,"type":"http","result":[{"af":4,"dst_addr":"193.0.23.112","res":200,"rt":81.3}]}
{"prb_id":10,"timestamp":1685577690,"msm_id":1000006,"type":"http","result":[{"af":6,"dst_addr":"2001:67c:2e8:1770:0:0:0:a","res":200,"rt":75.1}]}
{"prb_id":10,"timestamp":1685577750,"msm_id":1000006,"type":"http","result":[{"af":6,"dst_addr":"2001:67c:2e8:1770::a","res":200,"rt":74.0}]}
{"prb_id":10,"timestamp":1685577600,"msm_id":1001,"type":"ping","result":[{"rtt":1.2}]}
`
	in := atlas.Input{Name: "results.jsonl", Open: func() (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader(results)), nil
	}}
	r, err := atlas.NewReader(context.Background(), []atlas.Input{in}, atlas.Options{Anchors: anchors})
	if err != nil {
		panic(err)
	}
	defer r.Release()
	for r.Next() {
		rec := r.Record()
		ts := rec.Column(ingest.IdxStartTime).(*array.Timestamp)
		for i := 0; i < int(rec.NumRows()); i++ {
			fmt.Println(rec.Column(ingest.IdxProbe).(*array.Int64).Value(i),
				rec.Column(ingest.IdxAnchor).(*array.Int64).Value(i),
				ts.Value(i).ToTime(ingest.TimestampType.Unit).UTC().Format("2006-01-02 15:04:05"),
				rec.Column(ingest.IdxV4).(*array.Float64).Value(i),
				rec.Column(ingest.IdxV6).(*array.Float64).Value(i))
		}
	}
	if err := r.Err(); err != nil {
		panic(err)
	}
	st := r.Counts()
	fmt.Println("results", st.Results, "rows", st.Rows, "skipped", st.Skipped)
	// Output:
	// 10 6000 2023-06-01 00:00:00 81.3 75.1
	// results 4 rows 1 skipped map[non_http_type:1 unpaired_v6:1]
}

func ExampleNewReader_keepFailures() {
	anchors, err := atlas.ReadAnchors(strings.NewReader(`{"objects": [
		{"id": 6000, "address_v4": "193.0.23.112", "address_v6": "2001:67c:2e8:1770::a", "is_anchor": true}]}`), "anchors.json")
	if err != nil {
		panic(err)
	}
	// Probe 10's IPv4 test worked; its IPv6 test 60 s later timed out
	// connecting.
	results := `{"prb_id":10,"timestamp":1685577600,"msm_id":1000004,"type":"http","result":[{"af":4,"dst_addr":"193.0.23.112","res":200,"rt":81.3}]}
{"prb_id":10,"timestamp":1685577660,"msm_id":1000006,"type":"http","result":[{"af":6,"dst_addr":"2001:67c:2e8:1770::a","err":"connect: timeout","method":"GET"}]}
`
	in := atlas.Input{Name: "results.jsonl", Open: func() (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader(results)), nil
	}}
	r, err := atlas.NewReader(context.Background(), []atlas.Input{in}, atlas.Options{Anchors: anchors, KeepFailures: true})
	if err != nil {
		panic(err)
	}
	defer r.Release()
	for r.Next() {
		rec := r.Record()
		v6 := rec.Column(ingest.IdxV6).(*array.Float64)
		for i := 0; i < int(rec.NumRows()); i++ {
			fmt.Println(rec.Column(ingest.IdxProbe).(*array.Int64).Value(i),
				rec.Column(ingest.IdxV4).(*array.Float64).Value(i),
				rec.Column(ingest.IdxV4Outcome).(*array.String).Value(i),
				v6.IsNull(i),
				rec.Column(ingest.IdxV6Outcome).(*array.String).Value(i))
		}
	}
	if err := r.Err(); err != nil {
		panic(err)
	}
	st := r.Counts()
	fmt.Println("kept", st.Kept, "failed", st.Failed)
	// Output:
	// 10 81.3 ok true connect_timeout
	// kept 2 failed map[v6_outcome: connect_timeout:1]
}
