package stats

import (
	"math"
	"math/bits"
	"slices"
)

// radixMin is the length from which SortFloats sorts by radix: below it the
// radix passes' 2048 counters a digit cost more than they save.
const radixMin = 1 << 12

// SortFloats sorts s (no NaN) ascending, as slices.Sort does. Long slices
// are sorted by radix, least significant digit first, on order-preserving
// integer keys (which put -0 before +0): 1.6–4 times faster than
// slices.Sort on 200,000 durations (the ECDFs of the figures).
func SortFloats(s []float64) {
	if len(s) < radixMin || len(s) > math.MaxInt32 { // radixSortKeys counts in int32
		slices.Sort(s)
		return
	}
	keys, spare := make([]uint64, len(s)), make([]uint64, len(s))
	for i, v := range s {
		keys[i] = Key(v)
	}
	for i, k := range radixSortKeys(keys, spare) {
		s[i] = FromKey(k)
	}
}

// radixSortKeys sorts keys with spare (as long) as the other buffer, skipping
// the digits every key shares, and returns whichever buffer holds the result.
// Digits are 11 bits: six passes instead of eight, with counters that still
// fit in the L1 cache.
func radixSortKeys(keys, spare []uint64) []uint64 {
	const bits, digits = 11, 6
	const mask = 1<<bits - 1
	var counts [digits][1 << bits]int32
	for _, k := range keys {
		for d := range digits {
			counts[d][(k>>(bits*d))&mask]++
		}
	}
	src, dst := keys, spare
	for d := range digits {
		c := &counts[d]
		shift := uint(bits * d)
		if int(c[(src[0]>>shift)&mask]) == len(src) {
			continue // every key has this digit
		}
		var sum int32
		for i, v := range c {
			c[i] = sum
			sum += v
		}
		for _, k := range src {
			b := (k >> shift) & mask
			dst[c[b]] = k
			c[b]++
		}
		src, dst = dst, src
	}
	return src
}

// bucketMin is the length from which sortKeys sorts by buckets: below it
// pdqsort's insertion sorts are as fast. From bucketMax on it does not
// either: the buckets, up to twice as many as keys, are counted in int32.
const (
	bucketMin = 32
	bucketMax = 1 << 29
)

// bucketSortKeys sorts keys, using spare (as long) and counts as scratch,
// and returns the buffer holding the result; the sort is a sort, so its
// result is slices.Sort's.
//
// A key is a float's bits, so equal-width ranges of keys are nearly equal
// ratios of durations. A pair's durations crowd around their typical value
// with outliers decades away, though, so buckets of equal width over the
// whole range would put most keys into a few buckets. The range is first
// cut into coarseBins bins of equal width, counted; each bin then gets its
// own buckets, as many as its keys (to a power of two), of equal width
// within it. Each key goes to its bucket, buckets of many keys (equal or
// still clustered) are sorted on their own, by buckets again or pdqsort, so
// the worst case stays O(n log n), and one insertion sort over all orders
// the rest.
func bucketSortKeys(keys, spare []uint64, counts *bucketCounts) []uint64 {
	return bucketSort(keys, spare, counts, len(counts)-1)
}

// bucketCounts are bucketSortKeys' counters, one slice a level.
type bucketCounts [3][]int32

// bucketSortKeys' first count has coarseBins bins.
const (
	coarseBits = 5
	coarseBins = 1 << coarseBits
)

// bucketSort is bucketSortKeys sorting clusters by buckets again, to depth
// more levels.
func bucketSort(keys, spare []uint64, cs *bucketCounts, depth int) []uint64 {
	lo, hi := keys[0], keys[0]
	for _, k := range keys[1:] {
		lo, hi = min(lo, k), max(hi, k)
	}
	return bucketSortRange(keys, spare, cs, depth, lo, hi)
}

// bucketSortRange is bucketSort of keys whose least and greatest are lo and
// hi.
func bucketSortRange(keys, spare []uint64, cs *bucketCounts, depth int, lo, hi uint64) []uint64 {
	if lo == hi {
		return keys
	}
	// Bin c holds the keys lo + [c, c+1) << cshift.
	cshift := max(bits.Len64(hi-lo)-coarseBits, 0)
	var bin [coarseBins]int32
	for _, k := range keys {
		bin[(k-lo)>>cshift]++
	}
	// Bin c's buckets are base[c] + [0, 1 << (cshift - fshift[c])).
	var base [coarseBins]int32
	var fshift [coarseBins]uint8
	nb := int32(0)
	for c, m := range bin {
		f := 0
		if m > 1 {
			f = min(bits.Len32(uint32(m-1)), cshift)
		}
		base[c], fshift[c] = nb, uint8(cshift-f)
		nb += 1 << f
	}
	cmask := uint64(1)<<cshift - 1
	bucket := func(k uint64) int32 {
		d := k - lo
		c := d >> cshift
		return base[c] + int32((d&cmask)>>fshift[c])
	}
	counts := slices.Grow(cs[depth][:0], int(nb))[:nb]
	cs[depth] = counts
	clear(counts)
	for _, k := range keys {
		counts[bucket(k)]++
	}
	// Each bucket's count becomes its start, the sum kept in a register.
	sum, big := int32(0), false
	for b, m := range counts {
		counts[b] = sum
		sum += m
		big = big || m > 16
	}
	for _, k := range keys {
		b := bucket(k)
		spare[counts[b]] = k
		counts[b]++
	}
	// counts[b] is now the end of bucket b.
	if big {
		start := int32(0)
		for _, end := range counts {
			if end-start > 16 {
				b := spare[start:end]
				if depth > 0 && len(b) >= bucketMin {
					// keys is free, so its same part is the spare.
					sorted := bucketSort(b, keys[start:end], cs, depth-1)
					if &sorted[0] != &b[0] {
						copy(b, sorted)
					}
				} else {
					slices.Sort(b)
				}
			}
			start = end
		}
	}
	// Each key moves within its bucket only.
	insertionSort(spare)
	return spare
}

func insertionSort(s []uint64) {
	for i := 1; i < len(s); i++ {
		k := s[i]
		j := i
		for ; j > 0 && s[j-1] > k; j-- {
			s[j] = s[j-1]
		}
		s[j] = k
	}
}
