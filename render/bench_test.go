package render

import (
	"io"
	"sync"
	"testing"
)

// BenchmarkRender draws and encodes each figure of the rendering tests
// (Figure 1 from 20,000 paired tests, Figure 4 and the coverage from the
// golden ripe_simulation.csv), as reproduce does once per output file.
func BenchmarkRender(b *testing.B) {
	figs := testFigures(b)
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
