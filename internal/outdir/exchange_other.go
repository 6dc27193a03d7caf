//go:build !linux

package outdir

// exchange swaps the names a and b with two renames.
func exchange(a, b string) error { return renameAside(a, b) }
