package atlas_test

import (
	"net/netip"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/afsel/afsel/ingest"
)

// Golden inputs, copied from shared/golden/public-atlas.
const (
	goldenResults = "../../testdata/atlas/results.jsonl.bz2"
	goldenAnchors = "../../testdata/atlas/anchors.json"
	goldenNoise   = "../../testdata/atlas/noise.json"
	goldenCSV     = "../../testdata/golden/data.csv.gz"
)

// row is one ingest-schema row, for comparisons; Time in microseconds.
type row struct {
	Probe, Anchor, Time int64
	V4, V6              float64
}

// readAll drains r and returns its rows and r.Err(), checking every batch
// against the ingest schema.
func readAll(t testing.TB, r array.RecordReader) ([]row, error) {
	t.Helper()
	var rows []row
	for r.Next() {
		rec := r.Record()
		if err := ingest.CheckSchema(rec.Schema()); err != nil {
			t.Fatal(err)
		}
		p := rec.Column(ingest.IdxProbe).(*array.Int64).Int64Values()
		a := rec.Column(ingest.IdxAnchor).(*array.Int64).Int64Values()
		ts := rec.Column(ingest.IdxStartTime).(*array.Timestamp).TimestampValues()
		v4 := rec.Column(ingest.IdxV4).(*array.Float64).Float64Values()
		v6 := rec.Column(ingest.IdxV6).(*array.Float64).Float64Values()
		for i := range p {
			rows = append(rows, row{p[i], a[i], int64(ts[i]), v4[i], v6[i]})
		}
	}
	return rows, r.Err()
}

func mustAddr(t testing.TB, s string) netip.Addr {
	t.Helper()
	a, err := netip.ParseAddr(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
