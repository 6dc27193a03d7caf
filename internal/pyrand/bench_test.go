package pyrand

import (
	"fmt"
	"testing"
)

// The per-call benchmarks loop over b.N rather than b.Loop: here b.Loop's
// handling of the loop body roughly doubled the measured cost of Uint32,
// hiding the cost of the call itself.

// sink keeps results alive so the compiler cannot drop the work.
var sink int

func BenchmarkUint32(b *testing.B) {
	r := NewString("test")
	var acc uint32
	for i := 0; i < b.N; i++ {
		acc += r.Uint32()
	}
	sink = int(acc)
}

func BenchmarkFloat64(b *testing.B) {
	r := NewString("test")
	var acc float64
	for i := 0; i < b.N; i++ {
		acc += r.Float64()
	}
	sink = int(acc)
}

func BenchmarkFill(b *testing.B) {
	for _, n := range []int{100, 4096} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			r := NewString("test")
			dst := make([]float64, n)
			b.SetBytes(int64(8 * n))
			for b.Loop() {
				r.Fill(dst)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/value")
		})
	}
}

func BenchmarkNewString(b *testing.B) {
	for b.Loop() {
		NewString("test")
	}
}
