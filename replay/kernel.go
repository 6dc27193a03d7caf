package replay

import (
	"math"

	"github.com/afsel/afsel/internal/glibc"
)

// The vector kernel (kernel_amd64.s) steps the runs of a pair four at a time
// in the lanes of AVX2 registers, with the operations of bandit.Exp3 and
// replayRuns in the same order: the divisions, products and sums are IEEE
// operations whose vector forms round exactly as the scalar ones, the fused
// multiply-adds of glibc's exp are the same fused operations, and the
// kernel's exp uses glibc's table and constants. Its results are therefore
// bit for bit those of replayRuns (TestKernelMatchesScalar), only faster:
// one instruction serves four runs, and the step is cut into phases that are
// pipelined across the groups of four, so that the CPU always has
// independent work besides each step's long chain of dependent operations.

// kernelGroup is the state of four runs (lanes) in the kernel; the assembly
// reads it at fixed offsets, 32 bytes per field.
type kernelGroup struct {
	w0, w1       [4]float64    // weights
	last4, last6 [4]float64    // last observed durations, NaN before any
	best         [4]float64    // best choices in scored rounds (a count)
	gain, regret [4]float64    // sums over scored rounds
	s            [4][4]float64 // values passed between the phases of a round
}

// kernelConsts are the kernel's operands, each broadcast to four lanes; the
// assembly reads them at fixed offsets.
type kernelConsts struct {
	oneMinusGamma, gammaOverK, one, zero, maxWeight      [4]float64
	shift, invLn2N, negLn2hiN, negLn2loN, c2, c3, c4, c5 [4]float64
	mask                                                 [4]uint64
}

func newKernelConsts(gamma, maxWeight float64) *kernelConsts {
	b := func(x float64) [4]float64 { return [4]float64{x, x, x, x} }
	return &kernelConsts{
		// As bandit.NewExp3 computes them.
		oneMinusGamma: b(1.0 - gamma), gammaOverK: b(gamma / 2),
		one: b(1), zero: b(0), maxWeight: b(maxWeight),
		shift: b(glibc.ExpShift), invLn2N: b(glibc.ExpInvLn2N),
		negLn2hiN: b(glibc.ExpNegLn2hiN), negLn2loN: b(glibc.ExpNegLn2loN),
		c2: b(glibc.ExpC2), c3: b(glibc.ExpC3), c4: b(glibc.ExpC4), c5: b(glibc.ExpC5),
		mask: [4]uint64{glibc.ExpN - 1, glibc.ExpN - 1, glibc.ExpN - 1, glibc.ExpN - 1},
	}
}

// kernelUsable reports whether the kernel computes exactly what replayRuns
// does on this pair and gamma. Its exp has no special cases: EXP3's argument
// gamma/(2 p) lies in [gamma/2, 1], inside exp's main range when gamma >=
// 2^-50. Its regret uses the CPU's max, which differs from Go's only for NaN,
// and the durations must be finite for mine - other to be a number.
func kernelUsable(gamma float64, v4, v6 []float64) bool {
	if !hasKernel || gamma < 0x1p-50 {
		return false
	}
	for i := range v4 {
		if math.IsInf(v4[i]-v6[i], 0) || v4[i]-v6[i] != v4[i]-v6[i] {
			return false
		}
	}
	return true
}

// kernelScratch is the vector kernel's working space, reused between calls.
type kernelScratch struct {
	groups []kernelGroup
	// masks[i*len(groups)+g] has bit j set when run 4g+j chose arm 0 in
	// round i.
	masks []uint8
}

// kernelRuns is replayRuns for len(res) runs at once with the vector kernel:
// run l reads the draws u[l*n:(l+1)*n]. The kernel steps whole groups of
// four runs, at least three groups, so u must hold kernelDraws(len(res), n)
// draws; the runs past len(res) are computed and dropped. kernelUsable must
// hold. It leaves the runs' arms in s.masks.
func kernelRuns(c *kernelConsts, v4, v6, u []float64, train int, res []runResult, s *kernelScratch) {
	n, k := len(v4), len(res)
	if len(u) < kernelDraws(k, n) {
		panic("replay: kernelRuns: too few draws")
	}
	ng := kernelGroups(k)
	s.groups = append(s.groups[:0], make([]kernelGroup, ng)...)
	if cap(s.masks) < ng*n {
		s.masks = make([]uint8, ng*n)
	}
	s.masks = s.masks[:ng*n]
	nan := math.NaN()
	for g := range s.groups {
		gr := &s.groups[g]
		for j := range 4 {
			gr.w0[j], gr.w1[j] = 1, 1
			gr.last4[j], gr.last6[j] = nan, nan
		}
	}
	if n > 0 {
		exp3Kernel(&s.groups[0], ng, &v4[0], &v6[0], &u[0], n, train, c, &glibc.ExpTable[0], &s.masks[0])
	}
	for l := range res {
		gr := &s.groups[l/4]
		j := l % 4
		res[l] = runResult{best: int(gr.best[j]), gain: gr.gain[j], regret: gr.regret[j]}
	}
}

// kernelGroups is the number of groups of four runs the kernel steps for
// runs runs: at least three, which its pipeline needs.
func kernelGroups(runs int) int { return max(3, (runs+3)/4) }

// kernelDraws is the number of draws kernelRuns reads for runs runs of n
// rounds: whole groups of four runs, at least three groups.
func kernelDraws(runs, n int) int { return kernelGroups(runs) * 4 * n }
