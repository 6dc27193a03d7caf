package outdir

import (
	"errors"

	"golang.org/x/sys/unix"
)

// exchange swaps the names a and b at once (renameat2 RENAME_EXCHANGE),
// or, where the file system cannot, with two renames.
func exchange(a, b string) error {
	err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EINVAL) {
		return renameAside(a, b)
	}
	return err
}
