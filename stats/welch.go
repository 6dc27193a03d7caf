package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// TTest is the result of Welch's unequal-variance t-test of a against b, as
// scipy's ttest_ind(a, b, equal_var=False) reports it.
type TTest struct {
	T    float64 // (mean(a) - mean(b)) / SE
	DF   float64 // Welch–Satterthwaite degrees of freedom; 1 when both variances are 0
	P    float64 // two-sided p-value; NaN when T is NaN
	Diff float64 // mean(a) - mean(b)
	SE   float64 // standard error of Diff
	Low  float64 // confidence interval of Diff, lower bound
	High float64 // confidence interval of Diff, upper bound
}

// Welch runs Welch's t-test of a against b with a two-sided confidence
// interval at level (0.95 is scipy's default). Both samples need at least two
// values; otherwise the fields are NaN, as scipy's are.
//
// It follows scipy's arithmetic: variances are numpy's population variance
// times n/(n-1); df is 1 when both variances are 0 (scipy replaces the 0/0);
// the interval is Diff + q*SE with q the Student t quantiles of (1-level)/2
// and its complement.
func Welch(a, b []float64, level float64) TTest {
	na, nb := float64(len(a)), float64(len(b))
	ma, mb := Mean(a), Mean(b)
	va := sampleVar(a, ma) / na
	vb := sampleVar(b, mb) / nb
	r := TTest{Diff: ma - mb}
	r.DF = (va + vb) * (va + vb) / (va*va/(na-1) + vb*vb/(nb-1))
	if math.IsNaN(r.DF) && !math.IsNaN(va) && !math.IsNaN(vb) {
		r.DF = 1
	}
	r.SE = math.Sqrt(va + vb)
	r.T = r.Diff / r.SE
	switch {
	case math.IsNaN(r.T):
		r.P = math.NaN()
	case math.IsInf(r.T, 0):
		r.P = 0
	default:
		r.P = 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: r.DF}.Survival(math.Abs(r.T))
	}
	tail := (1 - level) / 2
	r.Low = StudentTQuantile(tail, r.DF)*r.SE + r.Diff
	r.High = StudentTQuantile(1-tail, r.DF)*r.SE + r.Diff
	return r
}

// StudentTQuantile returns the p-quantile of Student's t distribution with df
// degrees of freedom. It starts from gonum's quantile (accurate to about
// 1e-9 relative) and refines it with Newton steps on gonum's CDF, which is
// accurate to about 1e-13, so that it agrees with scipy's t.ppf where a
// borderline interval bound could otherwise flip a classification.
func StudentTQuantile(p, df float64) float64 {
	d := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}
	q := d.Quantile(p)
	if math.IsNaN(q) || math.IsInf(q, 0) || p <= 0 || p >= 1 {
		return q
	}
	for i := 0; i < 3; i++ {
		f := d.Prob(q)
		if f <= 0 || math.IsNaN(f) {
			break
		}
		step := (d.CDF(q) - p) / f
		if math.IsNaN(step) || math.IsInf(step, 0) {
			break
		}
		q -= step
		if math.Abs(step) <= 1e-15*math.Abs(q) {
			break
		}
	}
	return q
}
