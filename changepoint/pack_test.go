package changepoint_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/afsel/afsel/changepoint"
	"github.com/afsel/afsel/stats"
)

func TestPackRoundTrip(t *testing.T) {
	tests := []struct {
		name     string
		segs     []changepoint.Segment
		maxBytes int // 0: no bound
	}{
		{"none", nil, 0},
		{"one", []changepoint.Segment{{0, 336, stats.ZoneV4}}, 4},
		// Segments of fewer than 128 tests take 3 bytes.
		{"contiguous", []changepoint.Segment{{0, 30, stats.ZoneV4}, {30, 35, stats.ZoneNone}, {35, 20000, stats.ZoneV6}}, 3 + 3 + 5},
		{"gaps and overlaps", []changepoint.Segment{{5, 10, 0}, {3, 4, stats.ZoneV6}, {100, 100, stats.ZoneNone}}, 0},
		{"odd zones", []changepoint.Segment{{0, 1, -1}, {1, 2, 127}, {-7, 1 << 40, -128}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := changepoint.Pack(nil, tt.segs)
			got, err := p.Unpack(nil)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.segs) {
				t.Errorf("Unpack(Pack(%v)) = %v", tt.segs, got)
			}
			if tt.maxBytes > 0 && len(p) > tt.maxBytes {
				t.Errorf("%d segments packed in %d bytes, want at most %d", len(tt.segs), len(p), tt.maxBytes)
			}
		})
	}
}

func TestUnpackMalformed(t *testing.T) {
	good := changepoint.Pack(nil, []changepoint.Segment{{0, 300, stats.ZoneV4}})
	for _, b := range [][]byte{good[:len(good)-1], good[:1], {0x80}, {0x00, 0x80}} {
		if _, err := changepoint.Packed(b).Unpack(nil); !errors.Is(err, changepoint.ErrPacked) {
			t.Errorf("Unpack(%x) = %v, want ErrPacked", b, err)
		}
	}
}

func FuzzPack(f *testing.F) {
	f.Add([]byte{0, 10, 1, 0, 5, 2})
	f.Fuzz(func(t *testing.T, b []byte) {
		segs, err := changepoint.Packed(b).Unpack(nil)
		if err != nil {
			return
		}
		again, err := changepoint.Pack(nil, segs).Unpack(nil)
		if err != nil || !slices.Equal(again, segs) {
			t.Fatalf("%x: %v then %v (%v)", b, segs, again, err)
		}
	})
}
