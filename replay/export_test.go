package replay

// UseKernel turns the vector kernel on or off for a test (it stays off
// where the machine has none) and returns a function restoring the setting.
func UseKernel(on bool) (restore func()) {
	old := hasKernel
	hasKernel = on && old
	return func() { hasKernel = old }
}

// HasKernel reports whether the vector kernel is in use.
func HasKernel() bool { return hasKernel }
