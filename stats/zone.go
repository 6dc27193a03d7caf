package stats

import (
	"math"
	"slices"
)

// Zone is the classification of a pair or a segment.
type Zone int8

// Zones, numbered as in the artefacts.
const (
	ZoneV4   Zone = 1 // IPv4 is better
	ZoneNone Zone = 2 // neither is better
	ZoneV6   Zone = 3 // IPv6 is better
)

// String returns the label used in Table 1.
func (z Zone) String() string {
	switch z {
	case ZoneV4:
		return "IPv4 is better"
	case ZoneNone:
		return "None is better"
	case ZoneV6:
		return "IPv6 is better"
	}
	return "unclassified"
}

// BestPath is the artefacts' best_path label of the zone: "v4", "v6" or "".
func (z Zone) BestPath() string {
	switch z {
	case ZoneV4:
		return "v4"
	case ZoneV6:
		return "v6"
	}
	return ""
}

// Config holds the classification parameters.
type Config struct {
	Trim       float64 // fraction trimmed from each end before the test (0.1)
	Alpha      float64 // p-value above which neither family is better (0.02)
	Confidence float64 // confidence level of the interval (0.95)
}

// DefaultConfig is the artefacts' classification.
func DefaultConfig() Config { return Config{Trim: 0.1, Alpha: 0.02, Confidence: 0.95} }

// PaperConfig is the paper's prose: a 98% confidence interval.
func PaperConfig() Config {
	c := DefaultConfig()
	c.Confidence = 0.98
	return c
}

// Result is a pair's (or segment's) classification with the artefacts'
// ripe_flows.csv values.
type Result struct {
	Zone   Zone
	Gain   float64 // avg_expected_gain: |Low + High| / 2, 0 when P > Alpha
	Median float64 // median_duration: middle trimmed v4 (Low > 0) or v6, 0 when P > Alpha
	Test   TTest
	// NaNQuirk is set when the p-value is NaN (two equal constant trimmed
	// samples): every rule compares false and the pair falls into zone 1, as
	// in the artefacts.
	NaNQuirk bool
}

// Classifier classifies samples; it keeps sort buffers between calls, so one
// per goroutine.
type Classifier struct {
	Config
	a, b []float64
}

// NewClassifier returns a classifier with cfg.
func NewClassifier(cfg Config) *Classifier { return &Classifier{Config: cfg} }

// Classify applies the artefacts' rules (REFERENCE §3) to the v4 and v6
// durations of one pair or segment, trimmed separately:
//  1. P > Alpha → none is better (Gain, Median 0);
//  2. Low > 0 and min(|Low|, |High|) < sd(trimmed v4) → none;
//  3. Low < 0 and min(|Low|, |High|) < sd(trimmed v6) → none;
//  4. Low > 0 → IPv6 is better; otherwise IPv4 is better.
func (c *Classifier) Classify(v4, v6 []float64) Result {
	c.a = Trim(c.a[:0], v4, c.Trim)
	c.b = Trim(c.b[:0], v6, c.Trim)
	a, b := c.a, c.b
	t := Welch(a, b, c.Confidence)
	r := Result{Test: t, NaNQuirk: math.IsNaN(t.P)}
	if t.P > c.Alpha {
		r.Zone = ZoneNone
		return r
	}
	r.Gain = math.Abs(t.High+t.Low) / 2
	medA, medB := median(a), median(b)
	m := math.Min(math.Abs(t.Low), math.Abs(t.High))
	switch {
	case t.Low > 0 && m < StdDev(a):
		r.Zone, r.Median = ZoneNone, medA
	case t.Low < 0 && m < StdDev(b):
		r.Zone, r.Median = ZoneNone, medB
	case t.Low > 0:
		r.Zone, r.Median = ZoneV6, medA
	default:
		r.Zone, r.Median = ZoneV4, medB
	}
	return r
}

// median is the artefacts' middle element x[len/2] of a sorted slice.
func median(x []float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	return x[len(x)/2]
}

// Trim appends to dst the values of x sorted ascending and cut to the indices
// [int(n*f), int(n*(1-f))), the float64 products truncated toward zero as
// Python's int() does.
func Trim(dst, x []float64, f float64) []float64 {
	n := float64(len(x))
	lo, hi := int(n*f), int(n*(1-f))
	start := len(dst)
	dst = append(dst, x...)
	s := dst[start:]
	slices.Sort(s)
	if hi < lo {
		hi = lo
	}
	copy(s, s[lo:hi])
	return dst[:start+hi-lo]
}
