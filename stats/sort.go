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
// pdqsort's insertion sorts are as fast.
const bucketMin = 32

// bucketSortKeys sorts keys, using spare (as long) and counts as scratch. A key is a float's bits, so equal-width ranges of
// keys are nearly equal ratios of durations: a sample of durations, whose
// logarithms spread like a normal's (lognormal RCTs), falls into a few
// keys a bucket even with outliers decades away. Each key goes to the
// bucket of its top bits over the keys' range, then each bucket is sorted
// in place: by insertion while small, by pdqsort if a bucket holds many
// (equal or clustered keys), so the worst case stays O(n log n). It
// returns the buffer holding the result; the sort is a sort, so its
// result is slices.Sort's.
func bucketSortKeys(keys, spare []uint64, counts *bucketCounts) []uint64 {
	return bucketSort(keys, spare, counts, len(counts)-1)
}

// bucketCounts are bucketSortKeys' counters, one slice a level.
type bucketCounts [3][]int32

// bucketSort is bucketSortKeys sorting clusters by buckets again, to depth
// more levels.
func bucketSort(keys, spare []uint64, cs *bucketCounts, depth int) []uint64 {
	n := len(keys)
	lo, hi := keys[0], keys[0]
	for _, k := range keys[1:] {
		lo, hi = min(lo, k), max(hi, k)
	}
	if lo == hi {
		return keys
	}
	// nb buckets, between n and 2n; shift maps hi-lo below nb.
	nbits := bits.Len(uint(n - 1))
	nb := 1 << nbits
	shift := max(bits.Len64(hi-lo)-nbits, 0)
	counts := slices.Grow(cs[depth][:0], nb+1)[:nb+1]
	cs[depth] = counts
	clear(counts)
	for _, k := range keys {
		counts[(k-lo)>>shift+1]++
	}
	for i := 1; i <= nb; i++ {
		counts[i] += counts[i-1]
	}
	for _, k := range keys {
		b := (k - lo) >> shift
		spare[counts[b]] = k
		counts[b]++
	}
	// counts[b] is now the end of bucket b.
	start := int32(0)
	for b := range nb {
		end := counts[b]
		switch bucket := spare[start:end]; {
		case len(bucket) <= 1:
		case len(bucket) <= 16:
			insertionSort(bucket)
		case depth > 0 && len(bucket) >= bucketMin:
			// A cluster: its own range spreads it over its own buckets.
			// keys is free, so its same part is the spare.
			sorted := bucketSort(bucket, keys[start:end], cs, depth-1)
			if &sorted[0] != &bucket[0] {
				copy(bucket, sorted)
			}
		default:
			slices.Sort(bucket)
		}
		start = end
	}
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
