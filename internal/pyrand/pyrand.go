package pyrand

import "crypto/sha512"

// MT19937 parameters, as in CPython's Modules/_randommodule.c.
const (
	mtN         = 624
	mtM         = 397
	mtMatrixA   = 0x9908b0df
	mtUpperMask = 0x80000000
	mtLowerMask = 0x7fffffff
)

// Rand is a Mersenne Twister (MT19937) random source that reproduces
// CPython's random.Random bit for bit: the same seeding (init_by_array), the
// same 32-bit outputs (getrandbits(32)) and the same random() doubles.
//
// A Rand is not safe for concurrent use. Its zero value is not seeded; use
// NewString, NewBytes or NewInt, or call a Seed method. A
// Rand holds no references, so copying the value snapshots its state.
type Rand struct {
	mt  [mtN]uint32
	idx int // next word of mt to temper; mtN means the block is used up
}

// NewString returns the source Python's random.Random(seed) creates for
// a str seed (seeding version 2, the default).
func NewString(seed string) *Rand {
	r := new(Rand)
	r.SeedString(seed)
	return r
}

// NewBytes returns the source Python's random.Random(seed) creates for
// a bytes seed; it equals NewString(string(seed)).
func NewBytes(seed []byte) *Rand {
	r := new(Rand)
	r.SeedBytes(seed)
	return r
}

// NewInt returns the source Python's random.Random(seed) creates for an
// int seed. As in CPython only |seed| matters, so seed and -seed give the
// same stream.
func NewInt(seed int64) *Rand {
	r := new(Rand)
	r.SeedInt(seed)
	return r
}

// SeedString reseeds r as Python's r.seed(seed) does for a str seed: the key
// is the integer whose big-endian bytes are seed's UTF-8 bytes followed by
// their SHA-512 digest.
func (r *Rand) SeedString(seed string) {
	r.SeedBytes([]byte(seed))
}

// SeedBytes reseeds r as Python's r.seed(seed) does for a bytes seed, which
// is the same as for the str with those UTF-8 bytes.
func (r *Rand) SeedBytes(seed []byte) {
	digest := sha512.Sum512(seed)
	b := make([]byte, 0, len(seed)+len(digest))
	b = append(b, seed...)
	b = append(b, digest[:]...)
	r.initByArray(keyFromBigEndian(b))
}

// SeedInt reseeds r as Python's r.seed(seed) does for an int seed: the key is
// the 32-bit words of |seed|, least significant first.
func (r *Rand) SeedInt(seed int64) {
	u := uint64(seed)
	if seed < 0 {
		u = -u // also right for math.MinInt64, whose magnitude fits in uint64
	}
	var key [2]uint32
	key[0], key[1] = uint32(u), uint32(u>>32)
	if key[1] == 0 {
		// CPython uses as many words as the magnitude needs, and one for 0.
		r.initByArray(key[:1])
		return
	}
	r.initByArray(key[:])
}

// keyFromBigEndian returns the init_by_array key CPython's random_seed builds
// from a non-negative integer: its 32-bit words, least significant first, as
// many as its bit length needs (one word for zero).
func keyFromBigEndian(b []byte) []uint32 {
	for len(b) > 0 && b[0] == 0 {
		b = b[1:]
	}
	if len(b) == 0 {
		return []uint32{0}
	}
	key := make([]uint32, (len(b)+3)/4)
	for i := range key {
		end := len(b) - 4*i
		start := max(end-4, 0)
		var w uint32
		for _, c := range b[start:end] {
			w = w<<8 | uint32(c)
		}
		key[i] = w
	}
	return key
}

// initGenrand is CPython's init_genrand.
func (r *Rand) initGenrand(s uint32) {
	mt := &r.mt
	mt[0] = s
	for i := 1; i < mtN; i++ {
		mt[i] = 1812433253*(mt[i-1]^(mt[i-1]>>30)) + uint32(i)
	}
	r.idx = mtN
}

// initByArray is CPython's init_by_array; key must not be empty.
func (r *Rand) initByArray(key []uint32) {
	r.initGenrand(19650218)
	mt := &r.mt
	i, j := 1, 0
	for k := max(mtN, len(key)); k > 0; k-- {
		mt[i] = (mt[i] ^ ((mt[i-1] ^ (mt[i-1] >> 30)) * 1664525)) + key[j] + uint32(j)
		i++
		j++
		if i >= mtN {
			mt[0] = mt[mtN-1]
			i = 1
		}
		if j >= len(key) {
			j = 0
		}
	}
	for k := mtN - 1; k > 0; k-- {
		mt[i] = (mt[i] ^ ((mt[i-1] ^ (mt[i-1] >> 30)) * 1566083941)) - uint32(i)
		i++
		if i >= mtN {
			mt[0] = mt[mtN-1]
			i = 1
		}
	}
	mt[0] = 0x80000000 // MSB is 1, so the state is never all zero
	r.idx = mtN
}

// twist generates the next block of mtN words, as genrand_uint32 does when
// its block is used up.
func (r *Rand) twist() {
	mt := &r.mt
	// mag01[y&1] without a table: the multiply by the low bit is branch-free.
	for k := 0; k < mtN-mtM; k++ {
		y := mt[k]&mtUpperMask | mt[k+1]&mtLowerMask
		mt[k] = mt[k+mtM] ^ y>>1 ^ (y&1)*mtMatrixA
	}
	for k := mtN - mtM; k < mtN-1; k++ {
		y := mt[k]&mtUpperMask | mt[k+1]&mtLowerMask
		mt[k] = mt[k+mtM-mtN] ^ y>>1 ^ (y&1)*mtMatrixA
	}
	y := mt[mtN-1]&mtUpperMask | mt[0]&mtLowerMask
	mt[mtN-1] = mt[mtM-1] ^ y>>1 ^ (y&1)*mtMatrixA
	r.idx = 0
}

// temper is MT19937's output transformation.
func temper(y uint32) uint32 {
	y ^= y >> 11
	y ^= y << 7 & 0x9d2c5680
	y ^= y << 15 & 0xefc60000
	y ^= y >> 18
	return y
}

// Uint32 returns the next 32-bit output, Python's r.getrandbits(32).
func (r *Rand) Uint32() uint32 {
	i := uint(r.idx)
	if i >= mtN {
		r.twist()
		i = 0
	}
	r.idx = int(i + 1)
	return temper(r.mt[i])
}

// Uint64 returns Python's r.getrandbits(64): two outputs, the first one in
// the low 32 bits. It makes *Rand a math/rand/v2 Source.
func (r *Rand) Uint64() uint64 {
	lo := r.Uint32()
	hi := r.Uint32()
	return uint64(hi)<<32 | uint64(lo)
}

// Float64 returns Python's r.random(): a double in [0, 1) built from the top
// 27 bits of one output and the top 26 of the next.
func (r *Rand) Float64() float64 {
	i := uint(r.idx)
	if i >= mtN-1 {
		// The two words straddle a twist (or the source is unseeded).
		a := r.Uint32() >> 5
		b := r.Uint32() >> 6
		return pyFloat(a, b)
	}
	r.idx = int(i + 2)
	return pyFloat(temper(r.mt[i])>>5, temper(r.mt[i+1])>>6)
}

// pyFloat is CPython's random_random: (a*67108864.0 + b) * (1.0/9007199254740992.0).
// a*2^26 + b < 2^53 is exact in integers and in doubles, and scaling by 2^-53
// is exact, so the integer form gives the same bits with one conversion.
func pyFloat(a, b uint32) float64 {
	return float64(uint64(a)<<26|uint64(b)) * (1.0 / 9007199254740992.0)
}

// Fill sets dst to the next len(dst) values of Float64, in order. It consumes
// the stream exactly as len(dst) calls to Float64 would, without allocating.
func (r *Rand) Fill(dst []float64) {
	for len(dst) > 0 {
		if r.idx >= mtN {
			r.twist()
		}
		pairs := (mtN - r.idx) / 2
		if pairs == 0 {
			// One word left in the block (only after an odd number of
			// Uint32 calls): let Float64 straddle the twist.
			dst[0] = r.Float64()
			dst = dst[1:]
			continue
		}
		n := min(pairs, len(dst))
		words := r.mt[r.idx : r.idx+2*n]
		out := dst[:n]
		for i := range out {
			w := words[2*i : 2*i+2 : 2*i+2]
			out[i] = pyFloat(temper(w[0])>>5, temper(w[1])>>6)
		}
		r.idx += 2 * n
		dst = dst[n:]
	}
}
