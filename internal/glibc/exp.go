// Package glibc reproduces, bit for bit, the C library functions the
// artefacts' Python code reaches through its math module, so that
// reimplementations of their numerics agree to the last bit. It holds exp,
// which EXP3's weight update calls.
package glibc

import "math"

// Python's math.exp calls the C library's exp. On Linux that is glibc's
// (2.28 and later), which evaluates exp(x) = 2^(k/N) * exp(r) with a 128-entry
// table of 2^(i/128) and a degree-5 polynomial; the algorithm and constants
// come from Arm's optimized-routines (math/exp.c, MIT licence). On x86-64
// CPUs with FMA, glibc runs a build of it compiled with -mfma, where the
// compiler fuses each a*b + c; that build is what Exp reproduces, with
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

// Constants of the N = 128, polynomial order 5 variant (exp_data.c),
// exported for vectorised copies of Exp (replay's assembly kernel), which
// must use the very same values.
const (
	ExpTableBits = 7
	ExpN         = 1 << ExpTableBits
	ExpInvLn2N   = 0x1.71547652b82fep0 * ExpN // N/ln2
	ExpNegLn2hiN = -0x1.62e42fefa0000p-8      // -ln2/N, high part
	ExpNegLn2loN = -0x1.cf79abc9e3b3ap-47     // -ln2/N, low part
	ExpShift     = 0x1.8p52                   // rounds to an integer by addition
	ExpC2        = 0x1.ffffffffffdbdp-2
	ExpC3        = 0x1.555555555543cp-3
	ExpC4        = 0x1.55555cf172b91p-5
	ExpC5        = 0x1.1111167a4d017p-7
)

// Exp returns e**x as glibc's FMA build of exp does, for 2^-54 <= |x| < 512
// (the range with no overflow or underflow handling); for tiny |x| it returns
// 1 + x as glibc does, and outside the range (never reached by EXP3, whose
// arguments lie in [gamma/K, 1]) it falls back to math.Exp.
func Exp(x float64) float64 {
	abstop := uint32(math.Float64bits(x)>>52) & 0x7ff
	const tiny, huge = 0x3c9, 0x408 // top 12 bits of 0x1p-54 and 512.0
	if abstop-tiny >= huge-tiny {   // unsigned: also true when abstop < tiny
		if abstop < tiny {
			return 1 + x
		}
		return math.Exp(x)
	}
	// x = k*ln2/N + r with integer k and |r| <= ln2/2N.
	kd := math.FMA(ExpInvLn2N, x, ExpShift)
	ki := math.Float64bits(kd)
	kd -= ExpShift
	r := math.FMA(kd, ExpNegLn2loN, math.FMA(kd, ExpNegLn2hiN, x))
	// 2^(k/N) ~= scale * (1 + tail).
	idx := 2 * (ki % ExpN)
	top := ki << (52 - ExpTableBits)
	tail := math.Float64frombits(ExpTable[idx])
	scale := math.Float64frombits(ExpTable[idx+1] + top)
	// exp(x) ~= scale + scale * (tail + exp(r) - 1).
	r2 := r * r
	tmp := math.FMA(r2*r2, math.FMA(r, ExpC5, ExpC4), math.FMA(r2, math.FMA(r, ExpC3, ExpC2), tail+r))
	return math.FMA(scale, tmp, scale)
}
