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
#define GT_OQ $0x1e

// The four phases of a step of one group (see exp3Kernel), each on the
// group K bytes before AX, passing values through its scratch slots S0-S3.
//
// Phase A: p = (1-gamma)*(w/s) + gamma/2 (Exp3.refresh). S0 = p0,
// S1 = p0 + p1, S3 = p1.
#define PHASE_A(K) \
	VMOVUPD W0-K(AX), Y0; \
	VMOVUPD W1-K(AX), Y1; \
	VADDPD  Y1, Y0, Y2; \
	VDIVPD  Y2, Y0, Y3; \
	VDIVPD  Y2, Y1, Y4; \
	VMULPD  OMG(BX), Y3, Y3; \
	VMULPD  OMG(BX), Y4, Y4; \
	VADDPD  GK(BX), Y3, Y3; \
	VADDPD  GK(BX), Y4, Y4; \
	VMOVUPD Y3, S0-K(AX); \
	VADDPD  Y4, Y3, Y5; \
	VMOVUPD Y5, S1-K(AX); \
	VMOVUPD Y4, S3-K(AX)

// Phase B: choose arm 0 where u*(p0+p1) < p0 (u: the four lanes' draws at
// R9, R9 + stride, ...), the arms going to the mask byte at R14, which it
// advances; the reward is mine <= the other family's last duration;
// scores, masked by Y14 (all ones when the round is scored: adding
// +0 changes no sum, which is never -0). S0 = reward & arm 0, S1 = reward &
// arm 1, S2 = p of the chosen arm. Advances R9 to the next group's draws.
#define PHASE_B(K) \
	VMOVSD      (R9), X8; \
	VMOVHPD     (R9)(R10*1), X8, X8; \
	VMOVSD      (R9)(R10*2), X11; \
	VMOVHPD     (R9)(R11*1), X11, X11; \
	VINSERTF128 $1, X11, Y8, Y8; \
	LEAQ        (R9)(R10*4), R9; \
	VMULPD      S1-K(AX), Y8, Y5; \
	VMOVUPD     S0-K(AX), Y3; \
	VCMPPD      LT_OQ, Y3, Y5, Y5; \
	VMOVMSKPD   Y5, DI; \
	MOVB        DI, (R14); \
	INCQ        R14; \
	VMOVUPD     S3-K(AX), Y4; \
	VBLENDVPD   Y5, Y3, Y4, Y4; \
	VMOVUPD     Y4, S2-K(AX); \
	VBLENDVPD   Y5, Y12, Y13, Y6; \
	VBLENDVPD   Y5, Y13, Y12, Y7; \
	VMOVUPD     LAST4-K(AX), Y8; \
	VMOVUPD     LAST6-K(AX), Y9; \
	VBLENDVPD   Y5, Y9, Y8, Y10; \
	VCMPPD      LE_OQ, Y10, Y6, Y10; \
	VANDPD      Y5, Y10, Y0; \
	VMOVUPD     Y0, S0-K(AX); \
	VANDNPD     Y10, Y5, Y1; \
	VMOVUPD     Y1, S1-K(AX); \
	VBLENDVPD   Y5, Y6, Y8, Y8; \
	VBLENDVPD   Y5, Y9, Y6, Y9; \
	VMOVUPD     Y8, LAST4-K(AX); \
	VMOVUPD     Y9, LAST6-K(AX); \
	VSUBPD      Y6, Y7, Y8; \
	VANDPD      Y14, Y8, Y8; \
	VADDPD      GAIN-K(AX), Y8, Y8; \
	VMOVUPD     Y8, GAIN-K(AX); \
	VSUBPD      Y7, Y6, Y8; \
	VMAXPD      ZERO(BX), Y8, Y8; \
	VANDPD      Y14, Y8, Y8; \
	VADDPD      REGRET-K(AX), Y8, Y8; \
	VMOVUPD     Y8, REGRET-K(AX); \
	VCMPPD      LE_OQ, Y7, Y6, Y8; \
	VANDPD      Y14, Y8, Y8; \
	VANDPD      ONE(BX), Y8, Y8; \
	VADDPD      BEST-K(AX), Y8, Y8; \
	VMOVUPD     Y8, BEST-K(AX)

// Phase C: x = 1/p * gamma / 2 for the chosen arm's p (Python's reward / p
// * gamma / K with reward 1; halving is exact, so it is 1/p * (gamma/2) to
// the bit), e = exp(x) as glibc.Exp (x = k*ln2/N + r, 2^(k/N) from the
// table: each lane's tail and scale bits are 16 contiguous bytes, loaded
// for lanes 0 and 2 into Y2, 1 and 3 into Y3, then unpacked); S0 = the
// factor of w0 (e where arm 0 was rewarded, else 1: multiplying by 1
// changes no bit), S1 that of w1.
#define PHASE_C(K) \
	VMOVUPD      ONE(BX), Y8; \
	VDIVPD       S2-K(AX), Y8, Y8; \
	VMULPD       GK(BX), Y8, Y8; \
	VMOVUPD      SHIFT(BX), Y9; \
	VFMADD231PD  INVLN2N(BX), Y8, Y9; \
	VSUBPD       SHIFT(BX), Y9, Y11; \
	VFMADD231PD  NEGHI(BX), Y11, Y8; \
	VFMADD231PD  NEGLO(BX), Y11, Y8; \
	VPAND        MASK(BX), Y9, Y11; \
	VPADDQ       Y11, Y11, Y11; \
	VPSLLQ       $45, Y9, Y9; \
	VEXTRACTI128 $1, Y11, X4; \
	VMOVQ        X11, DI; \
	VMOVQ        X4, R8; \
	VMOVUPD      (R12)(DI*8), X2; \
	VINSERTF128  $1, (R12)(R8*8), Y2, Y2; \
	VPEXTRQ      $1, X11, DI; \
	VPEXTRQ      $1, X4, R8; \
	VMOVUPD      (R12)(DI*8), X3; \
	VINSERTF128  $1, (R12)(R8*8), Y3, Y3; \
	VUNPCKHPD    Y3, Y2, Y4; \
	VUNPCKLPD    Y3, Y2, Y2; \
	VPADDQ       Y9, Y4, Y3; \
	VMULPD       Y8, Y8, Y9; \
	VADDPD       Y8, Y2, Y2; \
	VMOVUPD      C2(BX), Y11; \
	VFMADD231PD  C3(BX), Y8, Y11; \
	VFMADD231PD  Y11, Y9, Y2; \
	VMOVUPD      C4(BX), Y11; \
	VFMADD231PD  C5(BX), Y8, Y11; \
	VMULPD       Y9, Y9, Y9; \
	VFMADD231PD  Y11, Y9, Y2; \
	VFMADD231PD  Y2, Y3, Y3; \
	VMOVUPD      ONE(BX), Y8; \
	VMOVUPD      S0-K(AX), Y0; \
	VBLENDVPD    Y0, Y3, Y8, Y0; \
	VMOVUPD      Y0, S0-K(AX); \
	VMOVUPD      S1-K(AX), Y1; \
	VBLENDVPD    Y1, Y3, Y8, Y1; \
	VMOVUPD      Y1, S1-K(AX)

// Phase D: w *= its factor; f = maxWeight / (w0 + w1); w = max(1, w*f),
// NaN to 1.
#define PHASE_D(K) \
	VMOVUPD W0-K(AX), Y0; \
	VMOVUPD W1-K(AX), Y1; \
	VMULPD  S0-K(AX), Y0, Y0; \
	VMULPD  S1-K(AX), Y1, Y1; \
	VADDPD  Y1, Y0, Y2; \
	VMOVUPD MAXW(BX), Y9; \
	VDIVPD  Y2, Y9, Y9; \
	VMOVUPD ONE(BX), Y8; \
	VMULPD  Y9, Y0, Y0; \
	VMAXPD  Y8, Y0, Y0; \
	VMULPD  Y9, Y1, Y1; \
	VMAXPD  Y8, Y1, Y1; \
	VMOVUPD Y0, W0-K(AX); \
	VMOVUPD Y1, W1-K(AX)

#define G1 352
#define G2 704
#define G3 1056

// func exp3Kernel(groups *kernelGroup, ngroups int, v4, v6, u *float64, n, train int, c *kernelConsts, table *uint64, masks *uint8)
//
// For each round i, the replayRuns step of bandit.Exp3 for every group of
// four runs (lanes), lane l drawing u[l*n + i]. A step is a long chain of
// dependent operations (three divisions and an exp), so done group by group
// the CPU could overlap only one or two groups. Instead the step is cut into
// the four phases above and the groups are pipelined: iteration g of a
// round runs phase A of group g, B of g-1, C of g-2 and D of g-3, work that
// is independent, mixes the divider's with the rest, and keeps every unit
// busy. A round needs at least three groups (ngroups >= 3).
//
// There are no gather instructions: they are slow on CPUs with the Gather
// Data Sampling mitigation, and plain loads do the same work.
//
// Go's operand order: VDIVPD b, a, d is d = a / b; VCMPPD p, b, a, d is
// d = a p b; VBLENDVPD m, b, a, d is d = m ? b : a; VFMADD231PD b, a, d is
// d = a*b + d; VMAXPD b, a, d is d = a > b ? a : b.
TEXT ·exp3Kernel(SB), NOSPLIT, $0-80
	MOVQ v4+16(FP), SI
	MOVQ v6+24(FP), DX
	MOVQ n+40(FP), R10
	SHLQ $3, R10           // stride between lanes' draws, in bytes
	LEAQ (R10)(R10*2), R11 // three strides
	MOVQ c+56(FP), BX
	MOVQ table+64(FP), R12
	MOVQ masks+72(FP), R14 // R14 is free in ABI0 code
	XORQ CX, CX

round:
	CMPQ CX, n+40(FP)
	JGE  done
	VBROADCASTSD (SI)(CX*8), Y12 // this round's v4
	VBROADCASTSD (DX)(CX*8), Y13 // and v6
	// Y14: all ones when the round is scored (index > train).
	CVTSQ2SD     CX, X14
	CVTSQ2SD     train+48(FP), X0
	VCMPSD       GT_OQ, X0, X14, X14
	VBROADCASTSD X14, Y14
	MOVQ u+32(FP), R9
	LEAQ (R9)(CX*8), R9 // the first lane's draw of this round
	MOVQ groups+0(FP), AX
	MOVQ ngroups+8(FP), R13
	SUBQ $3, R13

	// Fill the pipeline: groups 0, 1, 2.
	PHASE_A(0)
	ADDQ $GROUPSIZE, AX
	PHASE_A(0)
	PHASE_B(G1)
	ADDQ $GROUPSIZE, AX
	PHASE_A(0)
	PHASE_B(G1)
	PHASE_C(G2)
	ADDQ $GROUPSIZE, AX

steady:
	TESTQ R13, R13
	JZ    drain
	PHASE_A(0)
	PHASE_B(G1)
	PHASE_C(G2)
	PHASE_D(G3)
	ADDQ  $GROUPSIZE, AX
	DECQ  R13
	JMP   steady

drain:
	PHASE_B(G1)
	PHASE_C(G2)
	PHASE_D(G3)
	ADDQ $GROUPSIZE, AX
	PHASE_C(G2)
	PHASE_D(G3)
	ADDQ $GROUPSIZE, AX
	PHASE_D(G3)

	INCQ CX
	JMP  round

done:
	VZEROUPPER
	RET
