package stats

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
)

// Ranked is a series with its indices sorted by value, so that the sorted
// values of the whole series, and of consecutive parts of it (a pair's
// segments), come from one sort: a part's indices, in the whole series'
// order, are its values sorted, and one linear pass regroups every part's.
// It keeps its buffers between calls, so one per goroutine and family.
type Ranked struct {
	x      []float64
	all    []int32   // indices of x, ascending by Key of their values
	sorted []float64 // the values of x at all
	parts  []float64 // after Split: [ends[k-1], ends[k]) holds part k's values, ascending
	ends   []int
	partOf []int32 // scratch of Split: the part of each index
	next   []int32 // scratch of Split: each part's next free slot
	keys   []uint64
	sorter sortBuf
}

// Rank ranks x (no NaN), which r keeps until the next Rank: x must not be
// modified meanwhile. It panics if len(x) exceeds math.MaxInt32.
//
// The indices ride in the low bits of the values' keys, so the sort is
// sortKeys' on one word a value; keys equal above those bits (values a few
// ulps apart, or equal) come out by index, and are then put in key order.
func (r *Ranked) Rank(x []float64) {
	n := len(x)
	if n > math.MaxInt32 {
		panic("stats: series too long to rank")
	}
	r.x, r.ends = x, r.ends[:0]
	r.all = slices.Grow(r.all[:0], n)[:n]
	r.sorted = slices.Grow(r.sorted[:0], n)[:n]
	if n == 0 {
		return
	}
	b := uint(bits.Len(uint(n - 1)))
	mask := uint64(1)<<b - 1
	keys := slices.Grow(r.keys[:0], n)[:n]
	r.keys = keys
	lo, hi := ^uint64(0), uint64(0)
	for i, v := range x {
		k := Key(v)&^mask | uint64(i)
		keys[i] = k
		lo, hi = min(lo, k), max(hi, k)
	}
	sorted := r.sorter.sortRange(keys, lo, hi)
	all, vals := r.all[:n], r.sorted[:n]
	start, prev := 0, sorted[0]>>b
	for j, k := range sorted {
		i := int32(k & mask)
		all[j], vals[j] = i, x[i]
		if h := k >> b; h != prev {
			if j-start > 1 {
				r.sortGroup(start, j)
			}
			start, prev = j, h
		}
	}
	if n-start > 1 {
		r.sortGroup(start, n)
	}
}

// sortGroup puts ranks [start, end), whose keys are equal above the index
// bits, in key order.
func (r *Ranked) sortGroup(start, end int) {
	idx := r.all[start:end]
	sortByKey(idx, r.x)
	for j, i := range idx {
		r.sorted[start+j] = r.x[i]
	}
}

// sortByKey sorts the indices idx by the keys of their values in x: by
// insertion while few (they are in index order, mostly sorted already).
func sortByKey(idx []int32, x []float64) {
	if len(idx) > 16 {
		slices.SortFunc(idx, func(a, b int32) int { return cmp.Compare(Key(x[a]), Key(x[b])) })
		return
	}
	for i := 1; i < len(idx); i++ {
		v := idx[i]
		k := Key(x[v])
		j := i
		for ; j > 0 && Key(x[idx[j-1]]) > k; j-- {
			idx[j] = idx[j-1]
		}
		idx[j] = v
	}
}

// Len is the length of the series ranked.
func (r *Ranked) Len() int { return len(r.x) }

// Values is the series ranked.
func (r *Ranked) Values() []float64 { return r.x }

// part returns part k's values, ascending.
func (r *Ranked) part(k int) []float64 {
	start := 0
	if k > 0 {
		start = r.ends[k-1]
	}
	return r.parts[start:r.ends[k]]
}

// Split cuts the series ranked into the parts [0, ends[0]), [ends[0],
// ends[1]), ... and ranks each, in one pass over the whole series' ranks.
// ends must be increasing and end at Len; Split panics otherwise. Part k is
// then available to ClassifyPart until the next Rank or Split.
func (r *Ranked) Split(ends []int) {
	n := len(r.x)
	if len(ends) == 0 || ends[len(ends)-1] != n {
		panic("stats: parts do not end at the series' end")
	}
	r.partOf = slices.Grow(r.partOf[:0], n)[:n]
	start := 0
	for k, e := range ends {
		if e <= start {
			panic("stats: parts' ends not increasing")
		}
		for i := start; i < e; i++ {
			r.partOf[i] = int32(k)
		}
		start = e
	}
	r.ends = append(r.ends[:0], ends...)
	r.parts = slices.Grow(r.parts[:0], n)[:n]
	// next[k] is part k's next free slot; its slots are its index range.
	r.next = slices.Grow(r.next[:0], len(ends))[:len(ends)]
	next := r.next
	next[0] = 0
	for k := 1; k < len(ends); k++ {
		next[k] = int32(ends[k-1])
	}
	partOf, parts, x := r.partOf, r.parts, r.x
	for _, i := range r.all {
		k := partOf[i]
		parts[next[k]] = x[i]
		next[k]++
	}
}
