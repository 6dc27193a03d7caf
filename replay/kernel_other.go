//go:build !amd64 || purego

package replay

// hasKernel is false: there is no vector kernel for this architecture, or
// the purego tag asks for none; replayRuns does the work.
var hasKernel = false

func exp3Kernel(groups *kernelGroup, ngroups int, v4, v6, u *float64, n, train int, c *kernelConsts, table *uint64, masks *uint8) {
	panic("replay: no vector kernel on this platform")
}
