package stats

import (
	"math"

	"gonum.org/v1/gonum/mathext"
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
	return welchFinish(welchCore(momentsOf(a), momentsOf(b)), level)
}

// welchFinish adds the exact p-value and interval to a test's core.
func welchFinish(r TTest, level float64) TTest {
	switch {
	case math.IsNaN(r.T):
		r.P = math.NaN()
	case math.IsInf(r.T, 0):
		r.P = 0
	default:
		r.P = 2 * studentSurvival(math.Abs(r.T), r.DF)
	}
	tail := (1 - level) / 2
	r.Low = StudentTQuantile(tail, r.DF)*r.SE + r.Diff
	r.High = StudentTQuantile(1-tail, r.DF)*r.SE + r.Diff
	return r
}

// welchCore computes the test statistic, its degrees of freedom and standard
// error from the samples' moments: everything but the p-value and the
// interval.
func welchCore(a, b moments) TTest {
	na, nb := a.n, b.n
	va := a.sampleVar() / na
	vb := b.sampleVar() / nb
	r := TTest{Diff: a.mean - b.mean}
	r.DF = (va + vb) * (va + vb) / (va*va/(na-1) + vb*vb/(nb-1))
	if math.IsNaN(r.DF) && !math.IsNaN(va) && !math.IsNaN(vb) {
		r.DF = 1
	}
	r.SE = math.Sqrt(va + vb)
	r.T = r.Diff / r.SE
	return r
}

// StudentTQuantile returns the p-quantile of Student's t distribution with df
// degrees of freedom. It starts from Hill's approximation (CACM algorithm
// 396) and takes Newton steps on the tail probability computed with gonum's
// regularized incomplete beta: five times faster than gonum's
// StudentsT.Quantile, which inverts the incomplete beta numerically, and as
// accurate. Both agree with scipy's t.ppf to about 1e-11 relative (the
// incomplete beta's own error); on the golden set no classification depends
// on digits that far down.
func StudentTQuantile(p, df float64) float64 {
	switch {
	case math.IsNaN(p) || math.IsNaN(df) || p < 0 || p > 1 || !(df > 0):
		return math.NaN()
	case p == 0:
		return math.Inf(-1)
	case p == 1:
		return math.Inf(1)
	case p == 0.5:
		return 0
	}
	// Work with the upper tail probability of |T|: P(T > q) = tail.
	tail, sign := 1-p, 1.0
	if p < 0.5 {
		tail, sign = p, -1
	}
	if math.IsInf(df, 1) {
		return sign * -distuv.UnitNormal.Quantile(tail)
	}
	q := hillT(2*tail, df)
	for i := 0; i < 4; i++ {
		f := studentPDF(q, df)
		if !(f > 0) {
			break
		}
		step := (tail - studentSurvival(q, df)) / f // survival decreases in q
		q -= step
		if math.Abs(step) <= 4e-16*q {
			break
		}
	}
	return sign * q
}

// studentSurvival is P(T > x) for x >= 0.
func studentSurvival(x, df float64) float64 {
	return 0.5 * mathext.RegIncBeta(0.5*df, 0.5, df/(df+x*x))
}

func studentPDF(x, df float64) float64 {
	lg1, _ := math.Lgamma((df + 1) / 2)
	lg2, _ := math.Lgamma(df / 2)
	return math.Exp(lg1 - lg2 - 0.5*math.Log(df*math.Pi) - (df+1)/2*math.Log1p(x*x/df))
}

// hillT is G. W. Hill's approximation of the t quantile q with
// P(|T| > q) = p2 (CACM algorithm 396), the starting point of the Newton
// steps.
func hillT(p2, n float64) float64 { return hillTMemo(p2, n, nil) }

// halfQuantile memoises the standard normal quantile at p2/2 that hillT
// needs, for a caller that asks again and again at the same level.
type halfQuantile struct {
	p2, z float64
	ok    bool
}

// at returns the quantile at p2/2.
func (h *halfQuantile) at(p2 float64) float64 {
	if !h.ok || p2 != h.p2 {
		h.p2, h.z, h.ok = p2, distuv.UnitNormal.Quantile(0.5*p2), true
	}
	return h.z
}

// hillTMemo is hillT taking the normal quantile from h, if not nil.
func hillTMemo(p2, n float64, h *halfQuantile) float64 {
	if n == 1 {
		return 1 / math.Tan(p2*math.Pi/2)
	}
	if n == 2 {
		return math.Sqrt(2/(p2*(2-p2)) - 2)
	}
	a := 1 / (n - 0.5)
	b := 48 / (a * a)
	c := ((20700*a/b-98)*a-16)*a + 96.36
	d := ((94.5/(b+c)-3)/b + 1) * math.Sqrt(a*math.Pi/2) * n
	x := d * p2
	// The power only picks the branch, and the first does not use it. It
	// is skipped where the branch is certain: for n > 2, 0.05+a < 1 <=
	// x^(2/n) when x >= 1; for n >= 3, 0.05+a <= 0.45 and x^(2/n) >=
	// x^(2/3), well above x, when 0.05+a < x < 1. Hill's own power is needed
	// only at small df and tiny levels.
	y := 1.0
	if !(x >= 1 && n > 2 || x > 0.05+a && n >= 3) {
		y = math.Pow(x, 2/n)
	}
	if y > 0.05+a {
		if h != nil {
			x = h.at(p2)
		} else {
			x = distuv.UnitNormal.Quantile(0.5 * p2)
		}
		y = x * x
		if n < 5 {
			c += 0.3 * (n - 4.5) * (x + 0.6)
		}
		c = (((0.05*d*x-5)*x-7)*x-2)*x + b + c
		y = (((((0.4*y+6.3)*y+36)*y+94.5)/c-y-3)/b + 1) * x
		y = math.Expm1(a * y * y)
	} else {
		y = ((1/(((n+6)/(n*y)-0.089*d-0.822)*(n+2)*3)+0.5/(n+4))*y-1)*(n+1)/(n+2) + 1/y
	}
	return math.Sqrt(n * y)
}

func studentCDF(x, df float64) float64 {
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.CDF(x)
}

// hillTol bounds the relative error of hillT at df, with a margin: the
// worst errors measured over df in [lo, 1e6] at the levels used here (0.9
// to 0.999) were 4e-4 from df 2, 1e-5 from 3 and 6e-8 from 5. Below df 2 it
// returns 0: do not trust the approximation.
func hillTol(df float64) float64 {
	switch {
	case df >= 5:
		return 1e-6
	case df >= 3:
		return 2e-4
	case df >= 2:
		return 8e-3
	}
	return 0
}
