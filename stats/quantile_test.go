package stats_test

import (
	"math"
	"testing"

	"github.com/afsel/afsel/stats"
)

// TestLerp checks numpy's interpolation rule (numpy >= 1.22 _lerp, which
// pandas' quantile uses): from t = 0.5 on it is b - (b-a)*(1-t), which
// differs from a + (b-a)*t in the last bit for these arguments (the wanted
// values computed with Python floats).
func TestLerp(t *testing.T) {
	tests := []struct{ a, b, t, want float64 }{
		{377.51199998492416, 414.6013494479606, 0.8975967827828484, 410.8032807384545},
		{27.113084687332695, 50.39421740623796, 0.9716783584991568, 49.73485751163958},
		{183.3727070284068, 230.6500847009276, 0.8248460746506205, 222.3692664213605},
		{19.7, 575.5, 0.25, 158.64999999999998},
		{1, 2, 0, 1},
		{1, 2, 1, 2},
		{0.1, 0.7, 1, 0.7}, // exact at t = 1
	}
	for _, tt := range tests {
		if got := stats.Lerp(tt.a, tt.b, tt.t); math.Float64bits(got) != math.Float64bits(tt.want) {
			t.Errorf("Lerp(%v, %v, %v) = %v, want %v", tt.a, tt.b, tt.t, got, tt.want)
		}
	}
}

func TestQuantile(t *testing.T) {
	sorted := []float64{377.51199998492416, 414.6013494479606}
	tests := []struct{ q, want float64 }{
		{0, 377.51199998492416},
		{1, 414.6013494479606},
		{0.8975967827828484, 410.8032807384545}, // pos = q
		{-0.1, 377.51199998492416},
		{1.5, 414.6013494479606},
	}
	for _, tt := range tests {
		if got := stats.Quantile(sorted, tt.q); math.Float64bits(got) != math.Float64bits(tt.want) {
			t.Errorf("Quantile(%v) = %v, want %v", tt.q, got, tt.want)
		}
	}
	if got := stats.Quantile(nil, 0.5); !math.IsNaN(got) {
		t.Errorf("Quantile of nothing = %v, want NaN", got)
	}
	// numpy: np.quantile([1, 2, 3, 4], 0.05) = 1.15
	if got := stats.Quantile([]float64{1, 2, 3, 4}, 0.05); got != 1.15 {
		t.Errorf("Quantile([1 2 3 4], 0.05) = %v, want 1.15", got)
	}
}
