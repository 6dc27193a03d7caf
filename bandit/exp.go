package bandit

import "math"

// Python's math.exp calls the C library's exp. On Linux that is glibc's
// (2.28 and later), which evaluates exp(x) = 2^(k/N) * exp(r) with a 128-entry
// table of 2^(i/128) and a degree-5 polynomial; the algorithm and constants
// come from Arm's optimized-routines (math/exp.c, MIT licence). On x86-64
// CPUs with FMA, glibc runs a build of it compiled with -mfma, where the
// compiler fuses each a*b + c; that build is what exp below reproduces, with
// explicit math.FMA calls in the same places, so its results agree with
// Python's math.exp bit for bit (checked on millions of arguments, see
// exp_test.go). math.FMA is exact on every platform, in hardware or not, so
// the results do not depend on the machine. Go's math.Exp, by contrast,
// differs from glibc in the last bit for about one argument in eight, and is
// slower here because of its long dependency chain.
//
// glibc's build without FMA (x86-64 CPUs before FMA) rounds the products
// separately and so differs from this one in the last bit for a few
// arguments in ten thousand.

// Constants of the N = 128, polynomial order 5 variant (exp_data.c).
const (
	expTableBits = 7
	expN         = 1 << expTableBits
	expInvLn2N   = 0x1.71547652b82fep0 * expN // N/ln2
	expNegLn2hiN = -0x1.62e42fefa0000p-8      // -ln2/N, high part
	expNegLn2loN = -0x1.cf79abc9e3b3ap-47     // -ln2/N, low part
	expShift     = 0x1.8p52                   // rounds to an integer by addition
	expC2        = 0x1.ffffffffffdbdp-2
	expC3        = 0x1.555555555543cp-3
	expC4        = 0x1.55555cf172b91p-5
	expC5        = 0x1.1111167a4d017p-7
)

// exp returns e**x as glibc's FMA build of exp does, for 2^-54 <= |x| < 512
// (the range with no overflow or underflow handling); for tiny |x| it returns
// 1 + x as glibc does, and outside the range (never reached by EXP3, whose
// arguments lie in [gamma/K, 1]) it falls back to math.Exp.
func exp(x float64) float64 {
	abstop := uint32(math.Float64bits(x)>>52) & 0x7ff
	const tiny, huge = 0x3c9, 0x408 // top 12 bits of 0x1p-54 and 512.0
	if abstop-tiny >= huge-tiny {   // unsigned: also true when abstop < tiny
		if abstop < tiny {
			return 1 + x
		}
		return math.Exp(x)
	}
	// x = k*ln2/N + r with integer k and |r| <= ln2/2N.
	kd := math.FMA(expInvLn2N, x, expShift)
	ki := math.Float64bits(kd)
	kd -= expShift
	r := math.FMA(kd, expNegLn2loN, math.FMA(kd, expNegLn2hiN, x))
	// 2^(k/N) ~= scale * (1 + tail).
	idx := 2 * (ki % expN)
	top := ki << (52 - expTableBits)
	tail := math.Float64frombits(expTable[idx])
	scale := math.Float64frombits(expTable[idx+1] + top)
	// exp(x) ~= scale + scale * (tail + exp(r) - 1).
	r2 := r * r
	tmp := math.FMA(r2*r2, math.FMA(r, expC5, expC4), math.FMA(r2, math.FMA(r, expC3, expC2), tail+r))
	return math.FMA(scale, tmp, scale)
}
