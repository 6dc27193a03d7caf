package numfmt

import (
	"math"
	"testing"
)

func TestFloat(t *testing.T) {
	tests := []struct {
		x    float64
		want string
	}{
		{0, "0"},
		{0.1, "0.1"},
		{1e21, "1e+21"},
		{-2.5, "-2.5"},
		{math.Inf(1), "+Inf"},
		{math.NaN(), ""},
	}
	for _, tt := range tests {
		if got := Float(tt.x); got != tt.want {
			t.Errorf("Float(%v) = %q, want %q", tt.x, got, tt.want)
		}
	}
}
