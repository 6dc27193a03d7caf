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
#define S0 224
#define S1 256
#define S2 288
#define S3 320
#define GROUPSIZE 352

// Offsets of kernelConsts (kernel.go).
#define OMG 0
#define GK 32
#define ONE 64
#define ZERO 96
#define MAXW 128
#define SHIFT 160
#define INVLN2N 192
#define NEGHI 224
#define NEGLO 256
#define C2 288
#define C3 320
#define C4 352
#define C5 384
#define MASK 416

// Comparison predicates of VCMPPD: ordered, so false when NaN is involved,
// as Go's < and <= are.
#define LT_OQ $0x11
#define LE_OQ $0x12

// func exp3Kernel(groups *kernelGroup, ngroups int, v4, v6, u *float64, n, train int, c *kernelConsts, table *uint64)
//
// For each round i, the replayRuns step of bandit.Exp3 for every group of
// four runs (lanes), lane l drawing u[l*n + i]. One step is a long chain of
// dependent operations (three divisions and an exp); done group by group,
// the CPU could overlap only one or two groups' chains. So each round runs
// in four phases, each a loop over all groups whose iterations are short
// and independent, passing values through the groups' scratch slots S0-S3:
//
//	A: probabilities p0, p1, their sum and both arms' exp arguments
//	B: choice, reward, last durations, scores; the chosen arm's argument
//	C: exp, and the factor of each weight (exp or 1)
//	D: weights times their factors, rescaled
//
// There are no gather instructions: they are slow on CPUs with the Gather
// Data Sampling mitigation, and plain loads do the same work.
//
// Go's operand order: VDIVPD b, a, d is d = a / b; VCMPPD p, b, a, d is
// d = a p b; VBLENDVPD m, b, a, d is d = m ? b : a; VFMADD231PD b, a, d is
// d = a*b + d; VMAXPD b, a, d is d = a > b ? a : b.
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

	// Phase A: p = (1-gamma)*(w/s) + gamma/2 (Exp3.refresh); the exp
	// argument x = 1/p * gamma / 2 of both arms (Python's reward / p * gamma
	// / K with reward 1; halving is exact, so it is 1/p * (gamma/2) to the
	// bit). S0 = p0, S1 = p0 + p1, S2 = x0, S3 = x1.
	MOVQ groups+0(FP), AX
	MOVQ ngroups+8(FP), R13
phaseA:
	VMOVUPD W0(AX), Y0
	VMOVUPD W1(AX), Y1
	VADDPD  Y1, Y0, Y2
	VDIVPD  Y2, Y0, Y3
	VDIVPD  Y2, Y1, Y4
	VMULPD  OMG(BX), Y3, Y3
	VMULPD  OMG(BX), Y4, Y4
	VADDPD  GK(BX), Y3, Y3 // p0
	VADDPD  GK(BX), Y4, Y4 // p1
	VMOVUPD Y3, S0(AX)
	VADDPD  Y4, Y3, Y5
	VMOVUPD Y5, S1(AX)
	VMOVUPD ONE(BX), Y2
	VDIVPD  Y3, Y2, Y6
	VDIVPD  Y4, Y2, Y7
	VMULPD  GK(BX), Y6, Y6
	VMULPD  GK(BX), Y7, Y7
	VMOVUPD Y6, S2(AX)
	VMOVUPD Y7, S3(AX)
	ADDQ    $GROUPSIZE, AX
	DECQ    R13
	JNZ     phaseA

	// Phase B: choose arm 0 where u*(p0+p1) < p0; the reward is mine <=
	// the other family's last duration; rounds with index > train are
	// scored. S0 = reward & arm 0, S1 = reward & arm 1, S2 = x of the
	// chosen arm.
	VBROADCASTSD (SI)(CX*8), Y12 // this round's v4
	VBROADCASTSD (DX)(CX*8), Y13 // and v6
	MOVQ groups+0(FP), AX
	MOVQ ngroups+8(FP), R13
	MOVQ u+32(FP), R9
	LEAQ (R9)(CX*8), R9          // the first lane's draw of this round
phaseB:
	VMOVSD      (R9), X8
	VMOVHPD     (R9)(R10*1), X8, X8
	VMOVSD      (R9)(R10*2), X11
	VMOVHPD     (R9)(R11*1), X11, X11
	VINSERTF128 $1, X11, Y8, Y8  // u
	VMULPD      S1(AX), Y8, Y5
	VMOVUPD     S0(AX), Y3
	VCMPPD      LT_OQ, Y3, Y5, Y5 // m0
	VMOVUPD     S3(AX), Y4
	VBLENDVPD   Y5, S2(AX), Y4, Y4 // x = m0 ? x0 : x1
	VMOVUPD     Y4, S2(AX)

	VBLENDVPD Y5, Y12, Y13, Y6 // mine = m0 ? v4 : v6
	VBLENDVPD Y5, Y13, Y12, Y7 // other = m0 ? v6 : v4
	VMOVUPD   LAST4(AX), Y8
	VMOVUPD   LAST6(AX), Y9
	VBLENDVPD Y5, Y9, Y8, Y10
	VCMPPD    LE_OQ, Y10, Y6, Y10 // reward
	VANDPD    Y5, Y10, Y0
	VMOVUPD   Y0, S0(AX)          // reward & arm 0
	VANDNPD   Y10, Y5, Y1
	VMOVUPD   Y1, S1(AX)          // reward & arm 1
	VBLENDVPD Y5, Y6, Y8, Y8      // last4 = m0 ? mine : last4
	VBLENDVPD Y5, Y9, Y6, Y9      // last6 = m0 ? last6 : mine
	VMOVUPD   Y8, LAST4(AX)
	VMOVUPD   Y9, LAST6(AX)

	CMPQ CX, train+48(FP)
	JLE  nextB
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
nextB:
	ADDQ $GROUPSIZE, AX
	LEAQ (R9)(R10*4), R9 // the next group's first lane
	DECQ R13
	JNZ  phaseB

	// Phase C: e = exp(x) as glibc.Exp; S0 = the factor of w0 (e where arm
	// 0 was rewarded, else 1: multiplying by 1 changes no bit), S1 of w1.
	MOVQ groups+0(FP), AX
	MOVQ ngroups+8(FP), R13
phaseC:
	VMOVUPD     S2(AX), Y8
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
	VUNPCKHPD    Y3, Y14, Y4  // scale bits - top
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

	VMOVUPD   ONE(BX), Y8
	VMOVUPD   S0(AX), Y0
	VBLENDVPD Y0, Y3, Y8, Y0
	VMOVUPD   Y0, S0(AX)
	VMOVUPD   S1(AX), Y1
	VBLENDVPD Y1, Y3, Y8, Y1
	VMOVUPD   Y1, S1(AX)
	ADDQ      $GROUPSIZE, AX
	DECQ      R13
	JNZ       phaseC

	// Phase D: w *= its factor; f = maxWeight / (w0 + w1); w = max(1, w*f),
	// NaN to 1.
	MOVQ    groups+0(FP), AX
	MOVQ    ngroups+8(FP), R13
	VMOVUPD ONE(BX), Y8
	VMOVUPD MAXW(BX), Y10
phaseD:
	VMOVUPD W0(AX), Y0
	VMOVUPD W1(AX), Y1
	VMULPD  S0(AX), Y0, Y0
	VMULPD  S1(AX), Y1, Y1
	VADDPD  Y1, Y0, Y2
	VDIVPD  Y2, Y10, Y9
	VMULPD  Y9, Y0, Y0
	VMAXPD  Y8, Y0, Y0
	VMULPD  Y9, Y1, Y1
	VMAXPD  Y8, Y1, Y1
	VMOVUPD Y0, W0(AX)
	VMOVUPD Y1, W1(AX)
	ADDQ    $GROUPSIZE, AX
	DECQ    R13
	JNZ     phaseD

	INCQ CX
	JMP  round

done:
	VZEROUPPER
	RET
