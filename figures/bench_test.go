package figures

import (
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"testing"
)

// BenchmarkECDF builds the exact ECDF of n values and downsamples it to
// DefaultPoints, as Figure 1 does for each column (the golden set: 207k
// paired tests; the paper: 157M).
func BenchmarkECDF(b *testing.B) {
	for _, n := range []int{1000, 100_000, 1_000_000} {
		rng := rand.New(rand.NewPCG(1, uint64(n)))
		x := make([]float64, n)
		for i := range x {
			x[i] = rng.ExpFloat64() * 100
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				NewECDF(x).Downsample(DefaultPoints)
			}
		})
	}
}

// BenchmarkRender draws and encodes each figure of the rendering tests
// (Figure 1 from 20,000 paired tests, Figure 4 and the coverage from the
// golden ripe_simulation.csv), as reproduce does once per output file.
func BenchmarkRender(b *testing.B) {
	figs, _ := testFigures(b)
	for _, f := range figs {
		b.Run(f.Name+"/png", func(b *testing.B) {
			for b.Loop() {
				if err := f.WritePNG(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(f.Name+"/svg", func(b *testing.B) {
			for b.Loop() {
				f.svg.once = sync.Once{}
				if err := f.WriteSVG(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
