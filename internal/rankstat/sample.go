package rankstat

import (
	"math"
	"math/bits"
	"slices"

	"github.com/afsel/afsel/stats"
)

// This file holds the engine: exact order statistics of a sample that is
// read several times but never held, by histograms over an order-preserving
// integer key of the values, refined only where a wanted rank falls, until
// the values there are few enough to collect.

// maxRefineBins bounds the bins of one refining histogram: enough to split
// a first-level bin of millions of values into collectable ones in a pass.
const maxRefineBins = 1 << 16

// toKey is stats.Key of v+0: -0 and +0 (which compare equal) have one key,
// +0's, and come back as +0, as stats.Quantile and the ECDFs see them.
func toKey(v float64) uint64 { return stats.Key(v + 0) }

// fromKey is the inverse of toKey.
func fromKey(k uint64) float64 { return stats.FromKey(k) }

// cell is a histogram of the values whose keys lie in [lo, hi], in bins of
// 1<<shift keys. Once its pass is over, cum holds absolute ranks in the
// whole sample: bin i holds the values of ranks [cum[i], cum[i+1]). A bin
// may be refined by a finer cell (kids) or have its values collected (vals,
// sorted keys), never both.
type cell struct {
	lo, hi uint64
	shift  uint
	cum    []int64 // during the pass, cum[i+1] counts bin i (when minmax is nil)
	minmax []bin   // when recorded: bin i's count, smallest and largest key
	kids   map[int]*cell
	vals   map[int][]uint64
}

// newCell returns an empty histogram of [lo, hi] in at most bins bins
// (bins >= 2), each of a power of two of keys.
// bin is a histogram bin that records its smallest and largest keys; its
// count lies beside them so that adding a value touches one cache line.
type bin struct {
	n        int64
	min, max uint64
}

func newCell(lo, hi uint64, bins int, minmax bool) *cell {
	span := hi - lo
	var shift uint
	for span>>shift >= uint64(bins) {
		shift++
	}
	nb := int(span>>shift) + 1
	c := &cell{lo: lo, hi: hi, shift: shift, cum: make([]int64, nb+1)}
	if minmax {
		c.minmax = make([]bin, nb)
		for i := range c.minmax {
			c.minmax[i].min = math.MaxUint64
		}
	}
	return c
}

// cellWords is the memory of a cell of nb bins, in 8-byte words.
func cellWords(nb int, minmax bool) int {
	if minmax {
		return 4*nb + 1
	}
	return nb + 1
}

func (c *cell) add(k uint64) {
	b := (k - c.lo) >> c.shift
	if c.minmax == nil {
		c.cum[b+1]++
		return
	}
	m := &c.minmax[b]
	m.n++
	m.min, m.max = min(m.min, k), max(m.max, k)
}

// finish turns the counts into ranks, the cell's first value having rank
// before; it returns how many values the cell holds.
func (c *cell) finish(before int64) int64 {
	c.cum[0] = before
	for i, m := range c.minmax {
		c.cum[i+1] = m.n
	}
	for i := 1; i < len(c.cum); i++ {
		c.cum[i] += c.cum[i-1]
	}
	return c.cum[len(c.cum)-1] - before
}

// keys is the key range that bin i's values lie in: the seen one when
// known, else the bin's.
func (c *cell) keys(i int) (lo, hi uint64) {
	if c.minmax != nil {
		return c.minmax[i].min, c.minmax[i].max
	}
	lo = c.lo + uint64(i)<<c.shift
	if w := uint64(1)<<c.shift - 1; c.hi-lo > w {
		return lo, lo + w
	}
	return lo, c.hi
}

// leaf is the finest known bin holding a rank: ranks [start, end), with its
// values collected (vals), or all equal (single, key), or neither
// (unresolved: it needs refining).
type leaf struct {
	c          *cell
	i          int
	start, end int64
	vals       []uint64
	single     bool
	key        uint64
}

func (l leaf) resolved() bool { return l.vals != nil || l.single }

// at returns the key of rank r (in the leaf, which is resolved) and how
// many values are <= it.
func (l leaf) at(r int64) (uint64, int64) {
	if l.single {
		return l.key, l.end
	}
	k := l.vals[r-l.start]
	// Ties never straddle bins (a bin is a key range): count them here.
	// k+1 does not overflow: the largest key is a NaN's.
	j, _ := slices.BinarySearch(l.vals, k+1)
	return k, l.start + int64(j)
}

// Sample is what is known of one sample's order statistics: its size and
// its histograms, plus the requests the current pass fills. The zero value
// knows nothing; Start or StartAll prepares its first pass.
type Sample struct {
	n       int64
	root    *cell
	pending []*request // disjoint key ranges, ascending

	// dir speeds up observe: the requests that can hold a key of slot s of
	// the root's range (1<<dirShift keys each) are pending[dir[s]] to
	// pending[dir[s+1]] (inclusive, if any).
	dir      []int32
	dirShift uint
	hot      []uint64 // bit s: slot s overlaps a request
	// los and his are the pending requests' key ranges, held apart so that
	// observe's search reads 8-byte words, not the requests.
	los, his []uint64
}

// dirSlots bounds the slots of a directory (4 bytes each).
const dirSlots = 1 << 16

// index builds the directory of d.pending over the root's range.
func (d *Sample) index() {
	d.dir, d.hot = nil, nil
	d.los, d.his = d.los[:0], d.his[:0]
	for _, q := range d.pending {
		d.los, d.his = append(d.los, q.lo), append(d.his, q.hi)
	}
	if d.root == nil || len(d.pending) == 0 {
		return
	}
	r := d.root
	span := r.hi - r.lo
	d.dirShift = 0
	for span>>d.dirShift >= dirSlots {
		d.dirShift++
	}
	ns := int(span>>d.dirShift) + 1
	d.dir = make([]int32, ns+1)
	j := 0
	for s := range ns {
		lo := r.lo + uint64(s)<<d.dirShift
		for j < len(d.pending) && d.pending[j].hi < lo {
			j++
		}
		d.dir[s] = int32(j)
	}
	d.dir[ns] = int32(len(d.pending))
	// Mark the slots some request overlaps: most values fall in none, and
	// the bitmap (8 KB) answers that from the L1 cache.
	d.hot = make([]uint64, (ns+63)/64)
	for _, q := range d.pending {
		lo, hi := max(q.lo, r.lo), min(q.hi, r.hi)
		if lo > hi {
			continue
		}
		for s := (lo - r.lo) >> d.dirShift; s <= (hi-r.lo)>>d.dirShift; s++ {
			d.hot[s>>6] |= 1 << (s & 63)
		}
	}
}

// find returns the leaf holding rank r (0 <= r < d.n).
func (d *Sample) find(r int64) leaf {
	c := d.root
	for {
		nb := len(c.cum) - 1
		i, j := 0, nb-1 // the first bin whose end exceeds r
		for i < j {
			h := int(uint(i+j) >> 1)
			if c.cum[h+1] > r {
				j = h
			} else {
				i = h + 1
			}
		}
		if k := c.kids[i]; k != nil {
			c = k
			continue
		}
		l := leaf{c: c, i: i, start: c.cum[i], end: c.cum[i+1]}
		if v, ok := c.vals[i]; ok {
			l.vals = v
			return l
		}
		if lo, hi := c.keys(i); lo == hi {
			l.single, l.key = true, lo
		}
		return l
	}
}

// request is a bin to refine (hist) or collect in the next pass; the root
// histogram is a request with no parent.
type request struct {
	parent  *cell
	i       int
	lo, hi  uint64
	hist    *cell
	collect bool
	vals    []uint64
	want    int64 // values expected, -1 if unknown
}

// ObserveAll adds the values of vs, read in the current pass, to the
// pending requests whose ranges hold them; NaNs and values outside every
// request are skipped. One goroutine at a time per sample. A pass is
// hundreds of millions of observations at scale: taking them a batch at a
// time keeps the sample's directory in registers rather than reloading it
// per value, and the first pass (one histogram over everything) has a loop
// of its own.
func (d *Sample) ObserveAll(vs []float64) {
	los, his := d.los, d.his
	if len(los) == 0 {
		return
	}
	first, last := los[0], his[len(his)-1]
	if len(los) == 1 && !d.pending[0].collect && d.dir == nil {
		c := d.pending[0].hist
		for _, v := range vs {
			if k := toKey(v); k >= first && k <= last && v == v {
				c.add(k)
			}
		}
		return
	}
	dir, hot, shift, pending := d.dir, d.hot, d.dirShift, d.pending
	var rootLo, rootHi uint64
	if dir != nil {
		rootLo, rootHi = d.root.lo, d.root.hi
	}
	for _, v := range vs {
		if v != v {
			continue
		}
		k := toKey(v)
		if k < first || k > last {
			continue
		}
		i, j := 0, len(los)
		if dir != nil {
			if k < rootLo || k > rootHi {
				continue
			}
			s := (k - rootLo) >> shift
			if hot[s>>6]&(1<<(s&63)) == 0 {
				continue
			}
			i, j = int(dir[s]), min(int(dir[s+1])+1, len(los))
		}
		lo := i
		for i < j {
			h := int(uint(i+j) >> 1)
			if los[h] <= k {
				i = h + 1
			} else {
				j = h
			}
		}
		if i == lo || k > his[i-1] {
			continue
		}
		q := pending[i-1]
		if q.collect {
			q.vals = append(q.vals, k)
			continue
		}
		q.hist.add(k)
	}
}

// Finish files the pass's results; ok is false when a request did not see
// the values the earlier passes counted (the passes differ).
func (d *Sample) Finish() (ok bool) {
	ok = true
	for _, q := range d.pending {
		var got int64
		if q.collect {
			slices.Sort(q.vals)
			got = int64(len(q.vals))
			if q.parent.vals == nil {
				q.parent.vals = make(map[int][]uint64)
			}
			q.parent.vals[q.i] = q.vals
		} else {
			before := int64(0)
			if q.parent != nil {
				before = q.parent.cum[q.i]
				if q.parent.kids == nil {
					q.parent.kids = make(map[int]*cell)
				}
				q.parent.kids[q.i] = q.hist
			} else {
				d.root = q.hist
			}
			got = q.hist.finish(before)
			if q.parent == nil && q.want < 0 {
				d.n = got
			}
		}
		if q.want >= 0 && got != q.want {
			ok = false
		}
	}
	d.pending, d.dir, d.hot = nil, nil, nil
	d.los, d.his = d.los[:0], d.his[:0]
	return ok
}

// StartAll makes the next pass count the sample (N) and build its
// first-level histogram over every value, in at most bins bins (bins >=
// 2). With minmax the bins record their smallest and largest values, at
// four times the memory: that resolves a bin of a single value (ties) at
// once.
func (d *Sample) StartAll(bins int, minmax bool) { d.start(0, math.MaxUint64, bins, minmax) }

// Start is StartAll for a sample whose values lie in [lo, hi] (lo <= hi):
// the bins are over that range only, and other values are skipped.
func (d *Sample) Start(lo, hi float64, bins int, minmax bool) {
	d.start(toKey(lo), toKey(hi), bins, minmax)
}

func (d *Sample) start(lo, hi uint64, bins int, minmax bool) {
	d.root, d.n = nil, 0
	d.pending = []*request{{lo: lo, hi: hi, hist: newCell(lo, hi, bins, minmax), want: -1}}
	d.index()
}

// N is the sample's size, known once the first pass is finished.
func (d *Sample) N() int64 { return d.n }

// leafID names a bin of a cell.
type leafID struct {
	c *cell
	i int
}

// Planner chooses the bins the next pass refines or collects, within a
// memory budget in 8-byte words shared by all samples. The leaf each sample
// is stuck at is always taken so that every round makes progress. A
// planner serves one round: the values asked of the samples (Quantile,
// Steps and Plan), then Start, then a pass.
type Planner struct {
	left, collectMax int
	taken            bool
	seen             map[leafID]bool
	reqs             map[*Sample][]*request
}

// NewPlanner returns a planner with a budget of limit 8-byte words.
func NewPlanner(limit int) *Planner {
	return &Planner{left: limit, collectMax: max(1, limit/4), seen: make(map[leafID]bool), reqs: make(map[*Sample][]*request)}
}

// add asks for the unresolved leaf l of d; false means the budget is spent.
// A forced leaf is taken whatever the budget (as little of it as can be).
func (p *Planner) add(d *Sample, l leaf, force bool) bool {
	return p.ask(d, l, force, false, 16)
}

// ask is add, refining the leaf (into bins of about per values) rather
// than collecting it if refine.
func (p *Planner) ask(d *Sample, l leaf, force, refine bool, per int64) bool {
	id := leafID{l.c, l.i}
	if p.seen[id] {
		return true
	}
	n := l.end - l.start
	lo, hi := l.c.keys(l.i)
	q := &request{parent: l.c, i: l.i, lo: lo, hi: hi, want: n}
	if n <= int64(p.collectMax) && (n <= int64(p.left) && !refine || force && n <= int64(2*cellWords(2, true))) {
		q.collect = true
		q.vals = make([]uint64, 0, n)
		p.left -= int(n)
	} else {
		// Aim at bins of about per values: collectable next pass.
		nb := 2
		if n > 2*per {
			nb = 1 << bits.Len64(uint64(n-1)/uint64(per))
		}
		nb = min(nb, maxRefineBins)
		for nb > 2 && cellWords(nb, true) > p.left {
			nb /= 2
		}
		if cellWords(nb, true) > p.left && !force {
			return false
		}
		q.hist = newCell(lo, hi, nb, true)
		p.left -= cellWords(len(q.hist.cum)-1, true)
	}
	p.taken = true
	p.seen[id] = true
	p.reqs[d] = append(p.reqs[d], q)
	return true
}

// full reports whether the budget is spent.
func (p *Planner) full() bool { return p.left <= 0 }

// within runs plan with at most words of the budget.
func (p *Planner) within(words int, plan func()) {
	rest := p.left - min(words, p.left)
	p.left -= rest
	plan()
	p.left += rest
}

// Start hands each sample its requests for the next pass; it reports
// whether there is anything to do.
func (p *Planner) Start() bool {
	for d, qs := range p.reqs {
		slices.SortFunc(qs, func(a, b *request) int {
			if a.lo < b.lo {
				return -1
			}
			if a.lo > b.lo {
				return 1
			}
			return 0
		})
		d.pending = qs
		d.index()
	}
	return p.taken
}

// value returns the value of rank r, or asks p for its leaf.
func (d *Sample) value(r int64, p *Planner) (float64, bool) {
	l := d.find(r)
	if !l.resolved() {
		p.add(d, l, true)
		return 0, false
	}
	k, _ := l.at(r)
	return fromKey(k), true
}

// Quantile is stats.Quantile(sorted sample, q), numpy's linear
// interpolation, read from the ranks it needs (NaN for an empty sample);
// ok is false, and p asked for what it lacks, while they are not known.
func (d *Sample) Quantile(q float64, p *Planner) (v float64, ok bool) {
	n := d.n
	if n == 0 {
		return math.NaN(), true
	}
	pos := q * float64(n-1)
	lo := int64(math.Floor(pos))
	if lo >= n-1 {
		return d.value(n-1, p)
	}
	if lo < 0 {
		return d.value(0, p)
	}
	a, okA := d.value(lo, p)
	b, okB := d.value(lo+1, p)
	if !okA || !okB {
		return 0, false
	}
	return stats.Lerp(a, b, pos-float64(lo)), true
}

// stepper is figures' ECDF.Downsample rule over a sample of n values: after keeping a
// step whose count of values <= it is c, the next step kept is the first
// value whose count C has float64(C)/n - float64(c)/n > 1/points, else the
// maximum. Counts are monotone in rank, so that is the value of rank T-1
// for the smallest such C = T.
type stepper struct {
	n       int64
	nf, eps float64
}

func newStepper(n int64, points int) stepper {
	return stepper{n: n, nf: float64(n), eps: 1 / float64(points)}
}

// next returns the rank of the step kept after one with count c < n.
func (s stepper) next(c int64) int64 {
	pc := float64(c) / s.nf
	ok := func(C int64) bool { return float64(C)/s.nf-pc > s.eps }
	if !ok(s.n) {
		return s.n - 1
	}
	lo, hi := c+1, s.n // ok(hi)
	for lo < hi {
		h := lo + (hi-lo)/2
		if ok(h) {
			hi = h
		} else {
			lo = h + 1
		}
	}
	return lo - 1
}

// Walk is a walk over a sample's exact ECDF, as far as it is known,
// keeping the steps that figures' ECDF.Downsample(points) keeps: the first
// and last, and each step whose share exceeds the last kept one's by more
// than 1/points.
type Walk struct {
	// X and P are the steps kept so far: values ascending and the share of
	// the sample <= each.
	X, P []float64
	// Done is set when the walk reached the sample's maximum: X and P are
	// then every step kept.
	Done bool

	d *Sample
	s stepper
	r int64 // the rank of the next step, unresolved: in leaf l
	l leaf
}

// Steps walks d's ECDF as far as it is known: to the end (w.Done) or to the
// first unresolved step, which Planner.Plan asks for. points must be
// positive.
func (d *Sample) Steps(points int) *Walk {
	w := &Walk{d: d}
	if d.n == 0 {
		w.Done = true
		return w
	}
	w.s = newStepper(d.n, points)
	for r := int64(0); ; {
		l := d.find(r)
		if !l.resolved() {
			w.r, w.l = r, l
			return w
		}
		k, c := l.at(r)
		w.X = append(w.X, fromKey(k))
		w.P = append(w.P, float64(c)/w.s.nf)
		if c == d.n {
			w.Done = true
			return w
		}
		r = w.s.next(c)
	}
}

// Plan asks p for the leaves the walks lack: first each one's unresolved
// leaf, then the leaves later steps may need, the budget shared among the
// walks, so that one pass resolves many steps of each.
func (p *Planner) Plan(ws ...*Walk) {
	var open []*Walk
	for _, w := range ws {
		if !w.Done {
			p.add(w.d, w.l, true)
			open = append(open, w)
		}
	}
	for _, spec := range []func(*Walk, *Planner){(*Walk).optimistic, (*Walk).pessimistic} {
		for i, w := range open {
			p.within(p.left/(len(open)-i), func() { spec(w, p) })
		}
	}
}

// optimistic asks p for the leaves along the path that assumes no ties in
// unresolved leaves: exact for continuous data. It collects them if they
// all fit, else refines them all into bins small enough to collect next
// pass: two passes rather than one per budgetful.
func (w *Walk) optimistic(p *Planner) {
	d, s := w.d, w.s
	var path []leaf
	var total int64
	for c := w.r + 1; c < d.n; {
		r := s.next(c)
		l := d.find(r)
		if l.resolved() {
			_, c = l.at(r)
			continue
		}
		if len(path) == 0 || path[len(path)-1].c != l.c || path[len(path)-1].i != l.i {
			path = append(path, l)
			total += l.end - l.start
		}
		c = r + 1
	}
	refine := total > int64(p.left)
	// Refining costs 4 words a bin and bins come in powers of two: bins of
	// about per values cost up to 8*total/per, which must fit the budget
	// for the whole path to be refined in one pass.
	per := max(16, 10*total/int64(max(p.left, 1)))
	for _, l := range path {
		if !p.ask(d, l, false, refine, per) {
			return
		}
	}
}

// speculateVisits bounds the leaves one speculation looks at.
const speculateVisits = 1 << 16

// pessimistic asks p for every leaf the steps can reach whatever the ties
// in unresolved leaves, in step order: that resolves tied data.
func (w *Walk) pessimistic(p *Planner) {
	d, s := w.d, w.s
	visits := 0
	bound := func(r int64, upper bool) int64 {
		l := d.find(r)
		if l.resolved() {
			_, c := l.at(r)
			return c
		}
		if upper {
			return l.end
		}
		return r + 1
	}
	for cLo, cHi := w.r+1, w.l.end; cLo < d.n && !p.full(); {
		rLo, rHi := s.next(cLo), d.n-1
		if cHi < d.n {
			rHi = s.next(cHi)
		}
		for q := rLo; q <= rHi; {
			lq := d.find(q)
			if visits++; visits > speculateVisits {
				return
			}
			if !lq.resolved() && !p.add(d, lq, false) {
				return
			}
			q = lq.end
		}
		cLo, cHi = bound(rLo, false), bound(rHi, true)
	}
}
