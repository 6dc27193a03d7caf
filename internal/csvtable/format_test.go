package csvtable

import (
	"math"
	"testing"
)

func TestFormatFloat(t *testing.T) {
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
		if got := FormatFloat(tt.x); got != tt.want {
			t.Errorf("FormatFloat(%v) = %q, want %q", tt.x, got, tt.want)
		}
	}
}
