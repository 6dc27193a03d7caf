//go:build amd64 && !purego

#include "textflag.h"

// Offsets of kernelGroup (kernel.go).
#define W0 0
#define W1 32
#define LAST4 64
#define LAST6 96
#define BEST 128
#define GAIN 160
#define REGRET 192
#define GROUPSIZE 224

// Offsets of kernelConsts (kernel.go).
#define OMG 0
#define GK 32
#define GAMMA 64
#define HALF 96
#define ONE 128
#define ZERO 160
#define MAXW 192
#define SHIFT 224
#define INVLN2N 256
#define NEGHI 288
#define NEGLO 320
#define C2 352
#define C3 384
#define C4 416
#define C5 448
#define MASK 480

// Comparison predicates of VCMPPD: ordered, so false when NaN is involved,
// as Go's < and <= are.
#define LT_OQ $0x11
#define LE_OQ $0x12

// func exp3Kernel(groups *kernelGroup, ngroups int, v4, v6, u *float64, n, train int, c *kernelConsts, table *uint64)
//
// For each round i, for each group: the replayRuns step of bandit.Exp3 in
// four lanes. Lane l (of all groups) draws u[l*n + i]. There are no gather
// instructions: they are slow on CPUs with the Gather Data Sampling
// mitigation, and four loads do the same work. Go's operand order: VDIVPD b, a, d is d = a / b; VCMPPD p, b,
// a, d is d = a p b; VBLENDVPD m, b, a, d is d = m ? b : a;
// VFMADD231PD b, a, d is d = a*b + d; VMAXPD b, a, d is d = a > b ? a : b.
TEXT ·exp3Kernel(SB), NOSPLIT, $0-72
	MOVQ v4+16(FP), SI
	MOVQ v6+24(FP), DX
	MOVQ n+40(FP), R10
	SHLQ $3, R10           // stride between lanes' draws, in bytes
	LEAQ (R10)(R10*2), R11 // three strides
	MOVQ c+56(FP), BX
	MOVQ table+64(FP), R12
	XORQ CX, CX

round:
	CMPQ CX, n+40(FP)
	JGE  done
	VBROADCASTSD (SI)(CX*8), Y12 // this round's v4
	VBROADCASTSD (DX)(CX*8), Y13 // and v6
	MOVQ groups+0(FP), AX
	MOVQ ngroups+8(FP), R13
	MOVQ u+32(FP), R9
	LEAQ (R9)(CX*8), R9          // the first lane's draw of this round

group:
	// u = the four lanes' draws of this round.
	VMOVSD      (R9), X8
	VMOVHPD     (R9)(R10*1), X8, X8
	VMOVSD      (R9)(R10*2), X11
	VMOVHPD     (R9)(R11*1), X11, X11
	VINSERTF128 $1, X11, Y8, Y8

	// Probabilities (Exp3.refresh): p = (1-gamma)*(w/s) + gamma/2.
	VMOVUPD W0(AX), Y0
	VMOVUPD W1(AX), Y1
	VADDPD  Y1, Y0, Y2
	VDIVPD  Y2, Y0, Y3
	VDIVPD  Y2, Y1, Y4
	VMULPD  OMG(BX), Y3, Y3
	VMULPD  OMG(BX), Y4, Y4
	VADDPD  GK(BX), Y3, Y3 // p0
	VADDPD  GK(BX), Y4, Y4 // p1

	// The exp argument x = 1/p * gamma / 2 of both arms, before the choice
	// is known, so that the divisions overlap it. It is Python's reward / p
	// * gamma / K with reward 1; halving is exact, so (1/p * gamma) / 2 is
	// 1/p * (gamma/2) to the bit.
	VMOVUPD ONE(BX), Y2
	VDIVPD  Y3, Y2, Y14
	VDIVPD  Y4, Y2, Y2
	VMULPD  GK(BX), Y14, Y14 // x0
	VMULPD  GK(BX), Y2, Y2   // x1

	// Choose: arm 0 where u*(p0+p1) < p0; Y5 is that mask (m0).
	VADDPD Y4, Y3, Y5
	VMULPD Y5, Y8, Y5
	VCMPPD LT_OQ, Y3, Y5, Y5

	VBLENDVPD Y5, Y12, Y13, Y6 // mine = m0 ? v4 : v6
	VBLENDVPD Y5, Y13, Y12, Y7 // other = m0 ? v6 : v4

	// Reward: mine <= the other family's last duration (Y10 mask).
	VMOVUPD   LAST4(AX), Y8
	VMOVUPD   LAST6(AX), Y9
	VBLENDVPD Y5, Y9, Y8, Y10
	VCMPPD    LE_OQ, Y10, Y6, Y10
	VBLENDVPD Y5, Y6, Y8, Y8   // last4 = m0 ? mine : last4
	VBLENDVPD Y5, Y9, Y6, Y9   // last6 = m0 ? last6 : mine
	VMOVUPD   Y8, LAST4(AX)
	VMOVUPD   Y9, LAST6(AX)

	// Scoring of rounds with index > train.
	CMPQ CX, train+48(FP)
	JLE  update
	VSUBPD  Y6, Y7, Y8 // gain += other - mine
	VADDPD  GAIN(AX), Y8, Y8
	VMOVUPD Y8, GAIN(AX)
	VSUBPD  Y7, Y6, Y8 // regret += max(mine - other, 0)
	VMAXPD  ZERO(BX), Y8, Y8
	VADDPD  REGRET(AX), Y8, Y8
	VMOVUPD Y8, REGRET(AX)
	VCMPPD  LE_OQ, Y7, Y6, Y8 // best += mine <= other
	VANDPD  ONE(BX), Y8, Y8
	VADDPD  BEST(AX), Y8, Y8
	VMOVUPD Y8, BEST(AX)

update:
	VBLENDVPD Y5, Y14, Y2, Y8 // x of the chosen arm

	// exp(x) as glibc.Exp: x = k*ln2/N + r, 2^(k/N) from the table.
	VMOVUPD     SHIFT(BX), Y9
	VFMADD231PD INVLN2N(BX), Y8, Y9 // kd (its bits: ki)
	VSUBPD      SHIFT(BX), Y9, Y11
	VFMADD231PD NEGHI(BX), Y11, Y8
	VFMADD231PD NEGLO(BX), Y11, Y8  // r
	VPAND       MASK(BX), Y9, Y11
	VPADDQ      Y11, Y11, Y11       // idx = 2*(ki % N): table[idx], table[idx+1]
	VPSLLQ      $45, Y9, Y9         // top = ki << (52 - 7)

	// Each lane's (tail, scale bits) pair is 16 contiguous bytes: load
	// lanes 0 and 2 into Y14, 1 and 3 into Y3, then unpack.
	VEXTRACTI128 $1, Y11, X4
	VMOVQ        X11, DI
	VMOVQ        X4, R8
	VMOVUPD      (R12)(DI*8), X14
	VINSERTF128  $1, (R12)(R8*8), Y14, Y14
	VPEXTRQ      $1, X11, DI
	VPEXTRQ      $1, X4, R8
	VMOVUPD      (R12)(DI*8), X3
	VINSERTF128  $1, (R12)(R8*8), Y3, Y3
	VUNPCKHPD    Y3, Y14, Y4 // scale bits - top
	VUNPCKLPD    Y3, Y14, Y14 // tail
	VPADDQ       Y9, Y4, Y3   // scale

	VMULPD      Y8, Y8, Y9   // r2
	VADDPD      Y8, Y14, Y14 // tail + r
	VMOVUPD     C2(BX), Y11
	VFMADD231PD C3(BX), Y8, Y11 // r*C3 + C2
	VFMADD231PD Y11, Y9, Y14    // r2*(r*C3 + C2) + tail + r
	VMOVUPD     C4(BX), Y11
	VFMADD231PD C5(BX), Y8, Y11 // r*C5 + C4
	VMULPD      Y9, Y9, Y9      // r2*r2
	VFMADD231PD Y11, Y9, Y14    // tmp
	VFMADD231PD Y14, Y3, Y3     // exp(x) = scale*tmp + scale

	// Rewarded lanes multiply the chosen arm's weight by exp(x); the others
	// by 1, which changes no bit.
	VMOVUPD   ONE(BX), Y8
	VBLENDVPD Y10, Y3, Y8, Y3 // e = reward ? exp(x) : 1
	VBLENDVPD Y5, Y3, Y8, Y9  // e0 = m0 ? e : 1
	VBLENDVPD Y5, Y8, Y3, Y3  // e1 = m0 ? 1 : e
	VMULPD    Y9, Y0, Y0
	VMULPD    Y3, Y1, Y1

	// Rescale: f = maxWeight / (w0 + w1); w = max(1, w*f), NaN to 1.
	VADDPD  Y1, Y0, Y2
	VMOVUPD MAXW(BX), Y9
	VDIVPD  Y2, Y9, Y9
	VMULPD  Y9, Y0, Y0
	VMAXPD  Y8, Y0, Y0
	VMULPD  Y9, Y1, Y1
	VMAXPD  Y8, Y1, Y1
	VMOVUPD Y0, W0(AX)
	VMOVUPD Y1, W1(AX)

	ADDQ $GROUPSIZE, AX
	LEAQ (R9)(R10*4), R9 // the next group's first lane
	DECQ R13
	JNZ  group

	INCQ CX
	JMP  round

done:
	VZEROUPPER
	RET
