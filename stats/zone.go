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

// Label is the zone's String, or "all" for zone 0 (rows over all zones).
func (z Zone) Label() string {
	if z == 0 {
		return "all"
	}
	return z.String()
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
	Trim       float64 `json:"trim"`       // fraction trimmed from each end before the test (0.1)
	Alpha      float64 `json:"alpha"`      // p-value above which neither family is better (0.02)
	Confidence float64 `json:"confidence"` // confidence level of the interval (0.95)
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
// ripe_flows.csv values. (Welch gives the test itself.)
type Result struct {
	Zone   Zone
	Gain   float64 // avg_expected_gain: |Low + High| / 2 of the interval, 0 when P > Alpha
	Median float64 // median_duration: middle trimmed v4 (Low > 0) or v6, 0 when P > Alpha
	// NaNQuirk is set when the p-value is NaN (two equal constant trimmed
	// samples): every rule compares false and the pair falls into zone 1, as
	// in the artefacts.
	NaNQuirk bool
}

// Classifier classifies samples; it keeps sort buffers between calls, so one
// per goroutine.
type Classifier struct {
	Config
	a, b   []float64 // trimmed samples of the current call: ta and tb, or a Ranked's
	ta, tb []float64 // Classify's trimmed samples
	ma, mb moments   // their moments
	keys   sortBuf
	// The normal quantiles of Hill's approximation at Alpha and at
	// 1-Confidence.
	zAlpha, zConf halfQuantile
}

// NewClassifier returns a classifier with cfg.
func NewClassifier(cfg Config) *Classifier { return &Classifier{Config: cfg} }

// Classify applies the artefacts' rules (REFERENCE §3) to the v4 and v6
// durations of one pair or segment, trimmed separately:
//  1. P > Alpha → none is better (Gain, Median 0);
//  2. Low > 0 and min(|Low|, |High|) < sd(trimmed v4) → none;
//  3. Low < 0 and min(|Low|, |High|) < sd(trimmed v6) → none;
//  4. Low > 0 → IPv6 is better; otherwise IPv4 is better.
//
// Every decision equals the one the exact p-value and interval (Welch) give.
// To save the incomplete-beta evaluations that dominate the cost, the
// decisions are first taken with Hill's approximation of the t quantiles;
// only when a decision lies within that approximation's error bound, or df is
// too small for it, are the exact values computed. Gain then differs from
// the exact interval's in the last bits only.
func (c *Classifier) Classify(v4, v6 []float64) Result {
	c.ta = trim(c.ta[:0], &c.keys, v4, c.Trim)
	c.tb = trim(c.tb[:0], &c.keys, v6, c.Trim)
	c.a, c.b = c.ta, c.tb
	return c.classifyTrimmed()
}

// ClassifyRanked is Classify of the series v4 and v6 ranked.
func (c *Classifier) ClassifyRanked(v4, v6 *Ranked) Result {
	c.a = trimSorted(v4.sorted, c.Trim)
	c.b = trimSorted(v6.sorted, c.Trim)
	return c.classifyTrimmed()
}

// ClassifyPart is Classify of part k of the series v4 and v6 ranked and
// split (Ranked.Split) at the same ends.
func (c *Classifier) ClassifyPart(v4, v6 *Ranked, k int) Result {
	c.a = trimSorted(v4.part(k), c.Trim)
	c.b = trimSorted(v6.part(k), c.Trim)
	return c.classifyTrimmed()
}

// classifyTrimmed is Classify of the trimmed samples c.a and c.b.
func (c *Classifier) classifyTrimmed() Result {
	c.ma, c.mb = momentsOf(c.a), momentsOf(c.b)
	t := welchCore(c.ma, c.mb)
	if r, ok := c.classifyFast(t); ok {
		return r
	}
	return c.rules(welchFinish(t, c.Confidence))
}

// classifyFast takes the decisions from approximate quantiles when all of
// them are clear of the approximation's error; ok is false otherwise.
func (c *Classifier) classifyFast(t TTest) (Result, bool) {
	rel := hillTol(t.DF)
	if rel == 0 || math.IsNaN(t.T) || math.IsInf(t.T, 0) {
		return Result{}, false
	}
	// p > Alpha exactly when |T| is below the (1 - Alpha/2) quantile.
	qa := hillTMemo(c.Alpha, t.DF, &c.zAlpha)
	absT := math.Abs(t.T)
	switch {
	case absT < qa*(1-rel):
		return Result{Zone: ZoneNone}, true
	case absT <= qa*(1+rel):
		return Result{}, false
	}
	q := hillTMemo(1-c.Confidence, t.DF, &c.zConf)
	t.Low = (-q)*t.SE + t.Diff
	t.High = q*t.SE + t.Diff
	t.P = 0 // known to be below Alpha
	// Any bound is off by at most this much from the exact one.
	tol := 2 * rel * q * t.SE
	m := math.Min(math.Abs(t.Low), math.Abs(t.High))
	if math.Abs(t.Low) <= tol || math.Abs(t.High) <= tol {
		return Result{}, false
	}
	if t.Low > 0 && math.Abs(m-c.sd(c.ma)) <= tol || t.Low < 0 && math.Abs(m-c.sd(c.mb)) <= tol {
		return Result{}, false
	}
	return c.rules(t), true
}

// sd is np.std of a trimmed sample.
func (c *Classifier) sd(m moments) float64 { return math.Sqrt(m.popVar()) }

// rules applies the artefacts' zone rules to the test of the trimmed samples
// c.a and c.b (whose moments are c.ma and c.mb).
func (c *Classifier) rules(t TTest) Result {
	a, b := c.a, c.b
	r := Result{NaNQuirk: math.IsNaN(t.P)}
	if t.P > c.Alpha {
		r.Zone = ZoneNone
		return r
	}
	r.Gain = math.Abs(t.High+t.Low) / 2
	medA, medB := median(a), median(b)
	m := math.Min(math.Abs(t.Low), math.Abs(t.High))
	switch {
	case t.Low > 0 && m < c.sd(c.ma):
		r.Zone, r.Median = ZoneNone, medA
	case t.Low < 0 && m < c.sd(c.mb):
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
// Python's int() does. x must not contain NaN.
func Trim(dst, x []float64, f float64) []float64 {
	var keys sortBuf
	return trim(dst, &keys, x, f)
}

// trim is Trim with a reusable sort buffer.
func trim(dst []float64, keys *sortBuf, x []float64, f float64) []float64 {
	lo, hi := trimBounds(len(x), f)
	sorted := keys.sortKeys(x)
	for _, k := range sorted[lo:hi] {
		dst = append(dst, FromKey(k))
	}
	return dst
}

// trimSorted is trim of a sample already sorted: the slice of it that trim
// would copy.
func trimSorted(sorted []float64, f float64) []float64 {
	lo, hi := trimBounds(len(sorted), f)
	return sorted[lo:hi:hi]
}

// trimBounds are the indices [lo, hi) that trimming n values by f keeps.
func trimBounds(n int, f float64) (lo, hi int) {
	lo, hi = int(float64(n)*f), int(float64(n)*(1-f))
	return lo, max(hi, lo)
}

// sortBuf is the scratch of sortKeys, kept between calls.
type sortBuf struct {
	keys, spare []uint64
	counts      bucketCounts
}

// sortKeys returns the values of x as order-preserving integer keys, sorted.
// Sorting integers is about a fifth faster than sorting floats with
// cmp.Less, whose NaN handling costs on every comparison, and sorting is
// most of the classification's time; a pair's few hundred durations sort
// faster still by buckets (bucketSortKeys).
func (b *sortBuf) sortKeys(x []float64) []uint64 {
	b.keys = b.keys[:0]
	for _, v := range x {
		b.keys = append(b.keys, Key(v))
	}
	return b.sort(b.keys)
}

// sort sorts keys, which may be b.keys, and returns the buffer holding the
// result: keys or b.spare.
func (b *sortBuf) sort(keys []uint64) []uint64 {
	if len(keys) < bucketMin || len(keys) >= bucketMax {
		slices.Sort(keys)
		return keys
	}
	b.spare = slices.Grow(b.spare[:0], len(keys))[:len(keys)]
	return bucketSortKeys(keys, b.spare, &b.counts)
}

// sortRange is sort of keys whose least and greatest are lo and hi.
func (b *sortBuf) sortRange(keys []uint64, lo, hi uint64) []uint64 {
	if len(keys) < bucketMin || len(keys) >= bucketMax {
		slices.Sort(keys)
		return keys
	}
	b.spare = slices.Grow(b.spare[:0], len(keys))[:len(keys)]
	return bucketSortRange(keys, b.spare, &b.counts, len(b.counts)-1, lo, hi)
}

// Key maps a float64 to a uint64 with the same order: negative values have
// all bits flipped, others only the sign bit set. -0 has a key of its own,
// just below +0's (as slices.Sort leaves them, -0 and +0 comparing equal,
// is not specified: SortFloats puts -0 first); a caller that wants them as
// one value takes the key of v+0, which is +0 for both. NaN keys lie beyond
// ±Inf's, by sign.
func Key(v float64) uint64 {
	b := math.Float64bits(v)
	if b>>63 != 0 {
		return ^b
	}
	return b | 1<<63
}

// FromKey is the inverse of Key.
func FromKey(k uint64) float64 {
	if k>>63 != 0 {
		return math.Float64frombits(k &^ (1 << 63))
	}
	return math.Float64frombits(^k)
}
