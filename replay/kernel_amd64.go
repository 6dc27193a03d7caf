//go:build amd64 && !purego

package replay

import "golang.org/x/sys/cpu"

// hasKernel: the kernel needs AVX2 (vector doubles and gathers) and FMA
// (glibc's exp fuses its products as the scalar math.FMA does).
var hasKernel = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// exp3Kernel runs the EXP3 replay loop over n rounds for ngroups groups of
// four runs (kernel_amd64.s). Round i of lane l draws u[draw[l]+i]; rounds
// with index > train are scored. Byte i*ngroups+g of masks gets the arms of
// group g in round i: bit j set when its lane j chose arm 0.
//
//go:noescape
func exp3Kernel(groups *kernelGroup, ngroups int, v4, v6, u *float64, n, train int, c *kernelConsts, table *uint64, masks *uint8)
