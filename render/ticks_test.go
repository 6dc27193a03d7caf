package render

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/plot"

	"github.com/afsel/afsel/figures"
)

// TestDenseTicks: at least Min labels, not many more, all inside the
// range, at a step of 1, 2 or 5 × 10^k.
func TestDenseTicks(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for range 2000 {
		lo := (rng.Float64() - 0.3) * math.Pow(10, float64(rng.IntN(12)-6))
		hi := lo + rng.Float64()*math.Pow(10, float64(rng.IntN(12)-6))
		if !(hi > lo) {
			continue
		}
		min := 2 + rng.IntN(6)
		ts := denseTicks{Min: min}.Ticks(lo, hi)
		var vals []float64
		for _, tk := range ts {
			if tk.Value < lo-1e-9*(hi-lo) || tk.Value > hi+1e-9*(hi-lo) {
				t.Fatalf("[%v, %v]: tick %v outside", lo, hi, tk.Value)
			}
			if tk.Label != "" {
				vals = append(vals, tk.Value)
			}
		}
		if len(vals) < min || len(vals) > 3*min {
			t.Fatalf("[%v, %v], Min %d: %d labels", lo, hi, min, len(vals))
		}
		step := vals[1] - vals[0]
		m := step / math.Pow(10, math.Floor(math.Log10(step)+1e-9))
		// The difference of two labels far from 0 loses digits.
		tol := 1e-9 + 1e-14*math.Max(math.Abs(lo), math.Abs(hi))/step
		if !(math.Abs(m-1) < tol || math.Abs(m-2) < tol || math.Abs(m-5) < tol || math.Abs(m-10) < 10*tol) {
			t.Fatalf("[%v, %v]: step %v", lo, hi, step)
		}
	}
	// Policies' regret axis, which gonum's default labelled "0" and "25000".
	if got := labelled(denseTicks{Min: 4}.Ticks(-500, 25500)); got < 4 {
		t.Errorf("regret axis: %d labels", got)
	}
}

// TestTimeTicks: from a minute to years, two to Max labels inside the
// range, distinct, as times of day below a day and dates above.
func TestTimeTicks(t *testing.T) {
	t0 := float64(time.Date(2023, 6, 1, 0, 13, 0, 0, time.UTC).Unix())
	for _, c := range []struct {
		span   time.Duration
		layout string // a label must parse with it
	}{
		{time.Minute, "15:04:05"},
		{10 * time.Minute, "Jan 2 15:04"},
		{5 * time.Hour, "Jan 2 15:04"},
		{2 * 24 * time.Hour, "Jan 2 15:04"},
		{7 * 24 * time.Hour, "Jan 2"},
		{60 * 24 * time.Hour, "Jan 2"},
		{400 * 24 * time.Hour, "Jan 2006"},
		{5 * 365 * 24 * time.Hour, "Jan 2006"},
	} {
		ts := timeTicks{Max: 10}.Ticks(t0, t0+c.span.Seconds())
		seen := map[string]bool{}
		for _, tk := range ts {
			if tk.Value < t0 || tk.Value > t0+c.span.Seconds() {
				t.Errorf("%v: tick %v outside", c.span, tk.Value)
			}
			if tk.Label == "" {
				continue
			}
			if seen[tk.Label] {
				t.Errorf("%v: label %q twice", c.span, tk.Label)
			}
			seen[tk.Label] = true
			if _, err := time.Parse(c.layout, tk.Label); err != nil {
				t.Errorf("%v: label %q, want like %q", c.span, tk.Label, c.layout)
			}
		}
		if n := len(seen); n < 2 || n > 10 {
			t.Errorf("%v: %d labels", c.span, n)
		}
	}
}

// TestEnoughTicks: every visible axis of every figure has at least four
// labels, and Figure 2's y axis (three in the issue) at least six.
func TestEnoughTicks(t *testing.T) {
	figs := testFigures(t)
	pol, err := Policies(policyRows(9), figures.DefaultPoints)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range append(figs, pol) {
		for i, p := range f.Panels {
			for _, a := range []struct {
				name string
				axis *plot.Axis
			}{{"x", &p.X}, {"y", &p.Y}} {
				ts := a.axis.Tick.Marker.Ticks(a.axis.Min, a.axis.Max)
				if len(ts) == 0 {
					continue // a hidden axis (the policies' legend panel)
				}
				want := 4
				if f.Name == "fig2" && a.name == "y" {
					want = 6
				}
				if n := labelled(ts); n < want {
					t.Errorf("%s panel %d (%s): %s axis has %d labels, want %d or more", f.Name, i, p.Title.Text, a.name, n, want)
				}
			}
		}
	}
}

// TestRatioTicks: Figure 1's ratio axis says on each side which family is
// faster, and by the same factor at r and 1/r.
func TestRatioTicks(t *testing.T) {
	byValue := map[float64]string{}
	for _, tk := range ratioTicks() {
		if tk.Label == "" {
			continue
		}
		byValue[tk.Value] = tk.Label
		switch {
		case tk.Value < 1 && !strings.HasPrefix(tk.Label, "IPv4 "):
			t.Errorf("ratio %v (IPv4 faster) labelled %q", tk.Value, tk.Label)
		case tk.Value > 1 && !strings.HasPrefix(tk.Label, "IPv6 "):
			t.Errorf("ratio %v (IPv6 faster) labelled %q", tk.Value, tk.Label)
		case tk.Value == 1 && tk.Label != "equal":
			t.Errorf("ratio 1 labelled %q", tk.Label)
		}
	}
	for v, l := range byValue {
		if v > 1 {
			if m := byValue[1/v]; strings.TrimPrefix(m, "IPv4") != strings.TrimPrefix(l, "IPv6") {
				t.Errorf("ratio %v labelled %q, 1/%v %q", v, l, v, m)
			}
		}
	}
	if byValue[2] == "" || byValue[0.5] == "" {
		t.Errorf("no label at 2 or 1/2: %v", byValue)
	}
}
