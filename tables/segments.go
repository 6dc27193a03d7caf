package tables

import (
	"github.com/afsel/afsel/changepoint"
	"github.com/afsel/afsel/stats"
)

// Segment is a stretch [Start, End) of a pair's series between change points,
// with its own classification.
type Segment struct {
	Start, End int
	Zone       stats.Zone
}

// Segmenter finds a pair's segments: PELT on each family's raw series, the
// union of both breakpoint sets, and each segment classified on its own. It
// keeps buffers, so one per goroutine.
type Segmenter struct {
	cfg    changepoint.Config
	pelt   changepoint.Pelt
	cls    *stats.Classifier
	b4, b6 []int
	bu     []int
}

// NewSegmenter returns a segmenter with the PELT and classification
// parameters.
func NewSegmenter(pelt changepoint.Config, cls stats.Config) *Segmenter {
	return &Segmenter{cfg: pelt, cls: stats.NewClassifier(cls)}
}

// Segments appends the segments of (v4, v6) to dst.
func (s *Segmenter) Segments(dst []Segment, v4, v6 []float64) ([]Segment, error) {
	var err error
	if s.b4, err = s.pelt.Breakpoints(s.b4[:0], v4, s.cfg); err != nil {
		return dst, err
	}
	if s.b6, err = s.pelt.Breakpoints(s.b6[:0], v6, s.cfg); err != nil {
		return dst, err
	}
	s.bu = mergeBkps(s.bu[:0], s.b4, s.b6)
	start := 0
	for _, end := range s.bu {
		r := s.cls.Classify(v4[start:end], v6[start:end])
		dst = append(dst, Segment{Start: start, End: end, Zone: r.Zone})
		start = end
	}
	return dst, nil
}

// Mixed reports whether one segment is in zone 1 and another in zone 3.
func Mixed(segs []Segment) bool {
	var v4, v6 bool
	for _, s := range segs {
		v4 = v4 || s.Zone == stats.ZoneV4
		v6 = v6 || s.Zone == stats.ZoneV6
	}
	return v4 && v6
}
