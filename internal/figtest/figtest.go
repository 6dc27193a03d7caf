// Package figtest gives the tests of figures, render and report their
// data: paired tests drawn at random and the golden set's files.
package figtest

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Lognormal returns n paired tests of correlated log-normal durations,
// rounded to multiples of round ms when round > 0.
func Lognormal(rng *rand.Rand, n int, round float64) (v4, v6 []float64) {
	v4, v6 = make([]float64, n), make([]float64, n)
	for i := range v4 {
		base := math.Exp(4 + rng.NormFloat64())
		v4[i] = base * math.Exp(0.1*rng.NormFloat64())
		v6[i] = base * math.Exp(0.1*rng.NormFloat64()-0.02)
		if round > 0 {
			v4[i] = math.Round(v4[i]/round) * round
			v6[i] = math.Round(v6[i]/round) * round
		}
	}
	return v4, v6
}

// Golden reads the golden set's file name (testdata/golden) with read.
func Golden[T any](t testing.TB, name string, read func(f *os.File) ([]T, error)) []T {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	f, err := os.Open(filepath.Join(filepath.Dir(here), "..", "..", "testdata", "golden", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, err := read(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}
