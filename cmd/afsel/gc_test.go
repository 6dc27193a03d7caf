package main

import (
	"math"
	"os"
	"runtime/debug"
	"testing"
)

// TestTuneGC: GOGC 400 for small inputs unless the user set GOGC; large
// inputs keep the default.
func TestTuneGC(t *testing.T) {
	old, had := os.LookupEnv("GOGC")
	prev := debug.SetGCPercent(100)
	t.Cleanup(func() {
		debug.SetGCPercent(prev)
		if had {
			os.Setenv("GOGC", old)
		} else {
			os.Unsetenv("GOGC")
		}
	})
	tests := []struct {
		name  string
		env   string // "-": unset
		bytes int64
		want  int
	}{
		{"small input", "-", 8 << 20, 400},
		{"at the bound", "-", smallInput, 400},
		{"large input", "-", smallInput + 1, 100},
		{"GOGC set", "100", 8 << 20, 100},
		{"GOGC set empty", "", 8 << 20, 100},
	}
	for _, tc := range tests {
		if tc.env == "-" {
			os.Unsetenv("GOGC")
		} else {
			os.Setenv("GOGC", tc.env)
		}
		debug.SetGCPercent(100)
		tuneGC(tc.bytes)
		if got := debug.SetGCPercent(100); got != tc.want {
			t.Errorf("%s: GOGC %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestInputBytes(t *testing.T) {
	dir := t.TempDir()
	a, b := dir+"/a", dir+"/b"
	os.WriteFile(a, make([]byte, 10), 0o644)
	os.WriteFile(b, make([]byte, 32), 0o644)
	if got := inputBytes([]string{a, b, dir + "/missing"}); got != 42 {
		t.Errorf("inputBytes = %d, want 42", got)
	}
	// Standard input and pipes have no size known beforehand: large.
	if got := inputBytes([]string{a, "-"}); got != math.MaxInt64 {
		t.Errorf("inputBytes with standard input = %d, want MaxInt64", got)
	}
}
