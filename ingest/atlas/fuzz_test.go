package atlas_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/ingest/atlas"
)

// FuzzReader feeds arbitrary input to the reader in every mode: it must not
// panic, its errors must be typed, and its counts must add up. With
// KeepFailures (mode bit 5) every batch must be a valid FailuresSchema
// batch, and without Dedup its working rows must be the rows without
// KeepFailures.
func FuzzReader(f *testing.F) {
	for _, s := range []string{
		lines(v4(1, t0, 10), v6(1, t0+1, 20)),
		"[" + v4(1, t0, 10) + "," + v6(1, t0+1, 20) + "]",
		`{"prb_id":1,"timestamp":1685577600,"type":"http","result":"GET4 193.0.23.112 0.010 200 131 4096"}`,
		`{"prb_id":1,"timestamp":1685577600,"type":"http","result":[[{"addr":"193.0.23.112","res":200,"rt":10}],{"mode":"GET6","dst_addr":"2001:67c:2e8:1770::a","res":200,"rt":1}]}`,
		`{"prb_id":1,"timestamp":1685577600,"type":"http","err":"x","result":[{"af":7,"dst_addr":"::1","res":200,"rt":-1}]}`,
		lines(errRes(1, t0, 4, a1v4, "connect: timeout"), res(1, t0+1, 6, a1v6, 503, 2), v6(1, t0+2, 20), `{"prb_id":1,"timestamp":1685577600,"type":"http","dnserr":"x","result":[{"dst_addr":"193.0.23.112","err":{}}]}`),
		`[{"prb_id":1}, 3, "x", null, [], {"type":null}]`,
		"{\"prb_id\":1,\n[",
		"\x1f\x8b\x08\x00",
		"BZh9",
		"",
	} {
		f.Add([]byte(s), uint8(0))
		f.Add([]byte(s), uint8(32))
	}
	anchors := testAnchors(f)
	f.Fuzz(func(t *testing.T, data []byte, mode uint8) {
		opts := atlas.Options{
			Anchors:       anchors,
			SkipBadRows:   mode&1 != 0,
			SortedByProbe: mode&2 != 0,
			Dedup:         mode&4 != 0,
			BatchSize:     int(mode>>3)%4 + 1,
			KeepFailures:  mode&32 != 0,
		}
		rd, err := atlas.NewReader(context.Background(), []atlas.Input{input("fuzz", string(data))}, opts)
		if err != nil {
			t.Fatal(err)
		}
		defer rd.Release()
		var got []frow
		var rows int64
		if opts.KeepFailures {
			got, err = readAllFailures(t, rd)
			rows = int64(len(got))
		} else {
			for rd.Next() {
				rows += rd.Record().NumRows()
			}
			err = rd.Err()
		}
		var re *atlas.RowError
		switch {
		case err == nil:
		case errors.As(err, &re) && errors.Is(err, ingest.ErrBadRow):
			if opts.SkipBadRows {
				t.Fatalf("RowError despite SkipBadRows: %v", err)
			}
			if re.File != "fuzz" || re.Reason == "" {
				t.Fatalf("RowError without a place or reason: %#v", re)
			}
		case errors.Is(err, atlas.ErrUnsorted):
			if !opts.SortedByProbe {
				t.Fatalf("ErrUnsorted without SortedByProbe: %v", err)
			}
		default:
			t.Fatalf("untyped error %T: %v", err, err)
		}
		st := rd.Counts()
		if err == nil && st.Rows != rows {
			t.Fatalf("Counts().Rows %d, read %d", st.Rows, rows)
		}
		if is := rd.Stats(); is.RowsRead != is.RowsKept+is.DroppedTotal() {
			t.Fatalf("ingest stats invariant: %+v", is)
		}
		if !opts.KeepFailures || opts.Dedup || err != nil {
			return
		}
		if st.FailedTotal() > st.Kept {
			t.Fatalf("failed %d > kept %d", st.FailedTotal(), st.Kept)
		}
		opts.KeepFailures = false
		def, err := atlas.NewReader(context.Background(), []atlas.Input{input("fuzz", string(data))}, opts)
		if err != nil {
			t.Fatal(err)
		}
		defer def.Release()
		want, err := readAll(t, def)
		// A failed entry is checked once it is kept, so only the option
		// may find a malformed one.
		if err != nil {
			t.Fatalf("an error without KeepFailures only: %v", err)
		}
		if ok := okRows(got); !slices.Equal(ok, want) {
			t.Fatalf("working rows\n%v\nwant the rows without KeepFailures\n%v", ok, want)
		}
	})
}
