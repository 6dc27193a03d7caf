package changepoint

import (
	"encoding/binary"
	"errors"

	"github.com/afsel/afsel/stats"
)

// Packed is a pair's segments in a compact encoding, for holding the
// segments of many pairs: about three bytes a segment instead of the 24 of
// a Segment. A long series has a segment every few dozen tests, so a study
// over many weeks would otherwise hold most of its tests' count in
// Segments.
//
// Each segment is its start less the previous segment's end (zigzag
// varint; 0 for contiguous segments), its length (uvarint) and its zone
// (one byte).
type Packed []byte

// ErrPacked is wrapped by Unpack's error on bytes Pack did not write.
var ErrPacked = errors.New("malformed packed segments")

// Pack appends the encoding of segs to dst.
func Pack(dst []byte, segs []Segment) Packed {
	end := 0
	for _, s := range segs {
		dst = binary.AppendVarint(dst, int64(s.Start-end))
		dst = binary.AppendUvarint(dst, uint64(s.End-s.Start))
		dst = append(dst, byte(s.Zone))
		end = s.End
	}
	return dst
}

// Unpack appends the segments of p to dst.
func (p Packed) Unpack(dst []Segment) ([]Segment, error) {
	end := 0
	for len(p) > 0 {
		d, n := binary.Varint(p)
		if n <= 0 {
			return dst, ErrPacked
		}
		p = p[n:]
		l, n := binary.Uvarint(p)
		if n <= 0 || len(p) == n {
			return dst, ErrPacked
		}
		z := stats.Zone(int8(p[n]))
		p = p[n+1:]
		s := Segment{Start: end + int(d), Zone: z}
		s.End = s.Start + int(l)
		dst = append(dst, s)
		end = s.End
	}
	return dst, nil
}
