package changepoint

import (
	"fmt"

	"github.com/afsel/afsel/stats"
)

// Segment is the half-open interval [Start, End) of a pair's series between
// change points, with its own classification.
type Segment struct {
	Start, End int
	Zone       stats.Zone
}

// Segmenter finds a pair's segments as the artefacts do: PELT on each
// family's raw series, the union of both breakpoint sets (so a segment can be
// as short as Jump), and each segment [s, e) classified by stats on
// v4[s:e] and v6[s:e]. It keeps buffers, so use one per goroutine.
type Segmenter struct {
	cfg        Config
	pelt       Pelt
	cls        *stats.Classifier
	r4, r6     stats.Ranked
	b4, b6, bu []int
}

// NewSegmenter returns a segmenter with the PELT and classification
// parameters.
func NewSegmenter(pelt Config, cls stats.Config) *Segmenter {
	return &Segmenter{cfg: pelt, cls: stats.NewClassifier(cls)}
}

// Segments appends the segments of the pair (v4, v6) to dst.
func (s *Segmenter) Segments(dst []Segment, v4, v6 []float64) ([]Segment, error) {
	s.r4.Rank(v4)
	s.r6.Rank(v6)
	return s.SegmentsRanked(dst, &s.r4, &s.r6)
}

// SegmentsRanked is Segments of the pair ranked, which a caller that also
// classifies the whole pair ranks once for both: each segment's values
// sorted then come from the pair's ranks (stats.Ranked.Split, which it
// calls on v4 and v6), not from a sort of their own.
func (s *Segmenter) SegmentsRanked(dst []Segment, v4, v6 *stats.Ranked) ([]Segment, error) {
	var err error
	if s.b4, err = s.pelt.Breakpoints(s.b4, v4.Values(), s.cfg); err != nil {
		return dst, fmt.Errorf("v4 series: %w", err)
	}
	if s.b6, err = s.pelt.Breakpoints(s.b6, v6.Values(), s.cfg); err != nil {
		return dst, fmt.Errorf("v6 series: %w", err)
	}
	s.bu = Merge(s.bu, s.b4, s.b6)
	v4.Split(s.bu)
	v6.Split(s.bu)
	start := 0
	for k, end := range s.bu {
		r := s.cls.ClassifyPart(v4, v6, k)
		dst = append(dst, Segment{Start: start, End: end, Zone: r.Zone})
		start = end
	}
	return dst, nil
}

// Stats returns the PELT path counts of the series segmented so far.
func (s *Segmenter) Stats() Stats { return s.pelt.Stats() }

// Mixed reports whether one segment is in zone 1 (IPv4 better) and another
// in zone 3 (IPv6 better): the artefacts' mixed_zones.
func Mixed(segs []Segment) bool {
	var v4, v6 bool
	for _, s := range segs {
		v4 = v4 || s.Zone == stats.ZoneV4
		v6 = v6 || s.Zone == stats.ZoneV6
	}
	return v4 && v6
}
