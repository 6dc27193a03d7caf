package main

import (
	"math"
	"os"
	"runtime/debug"

	"github.com/afsel/afsel/pipeline"
)

// smallInput is the input size, in bytes of files, up to which tuneGC gives
// the garbage collector more room.
const smallInput = 64 << 20

// tuneGC lets the heap grow to five times its live size between
// collections (GOGC 400) instead of twice when the input is small and the
// user has not set GOGC. With Go's default the heap starts at 4 MB and is
// collected about ten times on the golden set, a tenth of the run's CPU; the
// larger goal costs some 15 MB there. Large inputs keep the default, which
// bounds memory where it matters.
func tuneGC(inputBytes int64) {
	if _, set := os.LookupEnv("GOGC"); set || inputBytes > smallInput {
		return
	}
	debug.SetGCPercent(400)
}

// inputBytes is the total size of files, as far as they can be read: a
// missing file is reported when it is opened. An input of no known size
// (standard input, a pipe) counts as large.
func inputBytes(files []string) int64 {
	var n int64
	for _, f := range files {
		st, err := os.Stat(f)
		switch {
		case f == pipeline.Stdin, err == nil && !st.Mode().IsRegular():
			return math.MaxInt64
		case err == nil:
			n += st.Size()
		}
	}
	return n
}
