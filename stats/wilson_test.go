package stats

import (
	"math"
	"testing"
)

func TestWilson(t *testing.T) {
	// Reference values: Wilson's score interval with z the 0.975 normal
	// quantile, computed with Python's statistics.NormalDist.
	tests := []struct {
		k, n   int64
		lo, hi float64
	}{
		{0, 10, 0, 0.2775327},
		{5, 10, 0.2365931, 0.7634069},
		{10, 10, 0.7224673, 1},
		{1, 100, 0.00176743206, 0.0544861962},
		{14, 1000, 0.00835757513, 0.0233620341},
	}
	for _, tt := range tests {
		lo, hi := Wilson(tt.k, tt.n)
		if math.Abs(lo-tt.lo) > 1e-6 || math.Abs(hi-tt.hi) > 1e-6 {
			t.Errorf("Wilson(%d, %d) = %v, %v, want %v, %v", tt.k, tt.n, lo, hi, tt.lo, tt.hi)
		}
	}
	if lo, hi := Wilson(0, 0); !math.IsNaN(lo) || !math.IsNaN(hi) {
		t.Errorf("Wilson(0, 0) = %v, %v, want NaN", lo, hi)
	}
}
