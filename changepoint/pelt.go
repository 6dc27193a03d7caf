package changepoint

import (
	"errors"
	"fmt"
)

// Errors returned by Pelt.Breakpoints, wrapped with the numbers that caused
// them; test with errors.Is.
var (
	// ErrTooShort reports a series shorter than the effective minimum
	// segment size, where ruptures raises BadSegmentationParameters.
	ErrTooShort = errors.New("changepoint: series shorter than the minimum segment size")

	// ErrNoSegmentation reports that no admissible start point was left for
	// a candidate end, where ruptures fails with "min() arg is an empty
	// sequence". It needs NaN data or a negative penalty: with finite data
	// and a penalty >= 0 the best start point always survives pruning.
	ErrNoSegmentation = errors.New("changepoint: no admissible segmentation")

	// ErrConfig reports a Config that ruptures cannot run (Jump < 1).
	ErrConfig = errors.New("changepoint: invalid configuration")
)

// costMinSize is the minimum segment length of ruptures' CostL2; Pelt raises
// any smaller min_size to it. It is 1 since ruptures 1.1.7 (2022); older
// releases had 2, which only matters for MinSize < 2.
const costMinSize = 1

// Config holds the parameters of rpt.Pelt(model="l2", min_size=MinSize,
// jump=Jump).predict(pen=Penalty).
type Config struct {
	// MinSize is the minimum segment length. Values below 1 act as 1, as in
	// ruptures (Pelt uses max(min_size, CostL2.min_size)).
	MinSize int `json:"min_size"`
	// Jump is the grid of candidate breakpoints: every breakpoint except the
	// series end is a multiple of Jump. Must be >= 1.
	Jump int `json:"jump"`
	// Penalty is added once per segment. ruptures expects it > 0; any value
	// is accepted here and follows Python's semantics (NaN compares false).
	Penalty float64 `json:"penalty"`
}

// DefaultConfig returns the artefacts' parameters: min_size 30, jump 5,
// pen 5.
func DefaultConfig() Config {
	return Config{MinSize: 30, Jump: 5, Penalty: 5}
}

// Validate reports whether ruptures could run with c. It lets a command check
// user flags once instead of failing on every series.
func (c Config) Validate() error {
	if c.Jump < 1 {
		return fmt.Errorf("%w: jump %d, must be >= 1", ErrConfig, c.Jump)
	}
	return nil
}

// minSize is the minimum segment length ruptures actually uses.
func (c Config) minSize() int {
	return max(c.MinSize, costMinSize)
}

// Stats counts how a Pelt workspace computed its series. Invariant:
// Series == Fast + Fallback + Exact.
type Stats struct {
	// Series is the number of series segmented without error.
	Series int
	// Fast is the number of series whose fast pass was trusted.
	Fast int
	// Fallback is the number of series whose fast pass met a decision too
	// close to call (a near tie) and settled it in exact arithmetic: the
	// candidates within the tolerance get the exact pass's values (numpy's
	// cost, Python's sums), the others keep their clear-cut fast decision.
	Fallback int
	// Exact is the number of series sent straight to the exact pass: the
	// Exact option, non-finite or extreme data, or a penalty the fast pass
	// does not handle (negative, NaN or huge).
	Exact int
	// Settled is the number of candidates the Fallback series evaluated in
	// exact arithmetic (not counted in Series).
	Settled int
}

// Pelt is a reusable PELT workspace. The zero value is ready to use; reusing
// one across series avoids allocation. A Pelt must not be used by several
// goroutines at once: give each worker its own.
type Pelt struct {
	// Exact makes Breakpoints skip the fast pass and always run the
	// reference pass that mirrors numpy and Python operation by operation.
	// It exists for tests and benchmarks; the results are the same.
	Exact bool

	stats Stats

	// Double-double prefix sums of x and x*x (prefix).
	pre []prefixSum
	// f[e] is the penalised cost of the optimal partition of [0, e) and
	// prev[e] the start of its last segment; defined at 0 and at each
	// candidate end.
	f    []float64
	prev []int
	// adm is the admissible start points, cand their candidate values for
	// the current end.
	adm  []int
	cand []float64
	// admSpare is the other buffer of adm, which the guarded pass prunes
	// into.
	admSpare []int
	// sq is the exact pass's scratch for squared deviations.
	sq []float64
	// fx[e] is the exact pass's F(e), where fxOK[e]; the guarded pass fills
	// it on demand to settle near ties (see exactF). stk is its scratch.
	fx   []float64
	fxOK []bool
	stk  []int
	// zeroCost is set when every segment of the current series costs
	// exactly 0 in numpy (zeroCosts).
	zeroCost bool
}

// Stats returns the counters accumulated since the Pelt was created or last
// reset with ResetStats.
func (p *Pelt) Stats() Stats { return p.stats }

// ResetStats sets the counters to zero.
func (p *Pelt) ResetStats() { p.stats = Stats{} }

// Breakpoints returns the breakpoints ruptures' Pelt finds in x with the
// parameters of cfg: the sorted ends of the segments of the optimal
// partition, len(x) last. It appends them to dst[:0], so a caller may pass
// the previous result to avoid allocation.
//
// It returns an error wrapping ErrConfig for an invalid cfg, ErrTooShort when
// len(x) < max(cfg.MinSize, 1), and ErrNoSegmentation when ruptures itself
// would fail (NaN data or a negative penalty). x is not modified.
func (p *Pelt) Breakpoints(dst []int, x []float64, cfg Config) ([]int, error) {
	if err := cfg.Validate(); err != nil {
		return dst[:0], err
	}
	n, minSize := len(x), cfg.minSize()
	// ruptures' sanity_check with n_bkps = 0 fails exactly when n < min_size.
	if n < minSize {
		return dst[:0], fmt.Errorf("%w: %d points, min_size %d", ErrTooShort, n, minSize)
	}
	p.grow(n)

	if !p.Exact && fastPenalty(cfg.Penalty) {
		// The prefix sums' pass also finds the data's bounds; the exact
		// pass ignores them.
		if maxAbs, nums := p.prefix(x); fastData(maxAbs, nums) {
			settled, _ := p.guardedPass(x, minSize, cfg.Jump, cfg.Penalty, maxAbs, true)
			if settled == 0 {
				p.stats.Fast++
			} else {
				p.stats.Fallback++
				p.stats.Settled += settled
			}
			p.stats.Series++
			return p.backtrack(dst, n), nil
		}
	}
	if err := p.exactPass(x, minSize, cfg.Jump, cfg.Penalty); err != nil {
		return dst[:0], err
	}
	p.stats.Exact++
	p.stats.Series++
	return p.backtrack(dst, n), nil
}

// Breakpoints is Pelt.Breakpoints with a fresh workspace, for one-off calls.
func Breakpoints(x []float64, cfg Config) ([]int, error) {
	var p Pelt
	return p.Breakpoints(nil, x, cfg)
}

// grow sizes the workspace for a series of n points.
func (p *Pelt) grow(n int) {
	if cap(p.f) < n+1 {
		c := n + 1
		p.pre = make([]prefixSum, c)
		p.f = make([]float64, c)
		p.prev = make([]int, c)
		p.sq = make([]float64, c)
		p.fx = make([]float64, c)
		p.fxOK = make([]bool, c)
	}
	p.pre = p.pre[:n+1]
	p.f, p.prev, p.sq = p.f[:n+1], p.prev[:n+1], p.sq[:n+1]
	p.fx, p.fxOK = p.fx[:n+1], p.fxOK[:n+1]
}

// backtrack follows prev from n down to 0 and appends the segment ends to
// dst[:0] in increasing order; this is sorted(e for (s, e) in partition)
// without the (0, 0) entry ruptures deletes.
func (p *Pelt) backtrack(dst []int, n int) []int {
	dst = dst[:0]
	for e := n; e > 0; e = p.prev[e] {
		dst = append(dst, e)
	}
	for i, j := 0, len(dst)-1; i < j; i, j = i+1, j-1 {
		dst[i], dst[j] = dst[j], dst[i]
	}
	return dst
}

// firstEnd is the first candidate end: the smallest multiple of jump that is
// >= minSize (the comprehension [k for k in range(0, n, jump) if k >=
// min_size] starts there).
func firstEnd(minSize, jump int) int {
	return (minSize + jump - 1) / jump * jump
}

// newAdmissible is floor((bkp - min_size) / jump) * jump, the start point
// ruptures appends before processing end bkp. bkp >= minSize, so integer
// division is the floor.
func newAdmissible(bkp, minSize, jump int) int {
	return (bkp - minSize) / jump * jump
}

// hasPartition reports whether ruptures has a partition of [0, t) for an
// admissible point t: partitions exist at 0 and at each candidate end. An
// admissible point t is a multiple of jump below the current end, so it is a
// candidate end exactly when t >= minSize.
//
// Why ruptures can simply drop a point without a partition: it skips such a
// point when building the subproblems, then prunes with zip(admissible,
// subproblems), which pairs by position and truncates. Only the point just
// appended can lack a partition (every older point was kept because it had a
// subproblem), so it is the last element, the pairing of all others is
// intact, and zip drops it.
func hasPartition(t, minSize int) bool {
	return t == 0 || t >= minSize
}

// Bounds within which the fast pass is trusted; outside them the exact pass
// runs (see fastPenalty).
const (
	maxFastPenalty = 1e100
	maxFastAbs     = 1e100
	minFastAbs     = 1e-100
)

// fastPenalty and fastData tell whether the fast pass can be trusted for
// this input: a finite penalty >= 0 (so every value compared is a sum of
// non-negative terms, which the guard's relative tolerance assumes, and the
// best start point always survives pruning), and finite data of moderate
// magnitude (so squares and their sums neither overflow nor underflow).
// fastData takes what prefix returns: the largest |x| and whether no value
// is NaN.
func fastPenalty(pen float64) bool { return pen >= 0 && pen <= maxFastPenalty }

func fastData(maxAbs float64, nums bool) bool {
	return nums && maxAbs <= maxFastAbs && (maxAbs == 0 || maxAbs >= minFastAbs)
}
