package render

import (
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/afsel/afsel/figures"
	"github.com/afsel/afsel/internal/figtest"
	"github.com/afsel/afsel/replay"
)

// checkCuts checks the marks of panel p of fig: there are marks (and the
// axis label says the axis is cut) exactly when want, each on a cut edge
// of the axis and below 1 (or above 0) there, where its curve leaves it.
func checkCuts(t *testing.T, fig *Figure, i int, want bool) {
	t.Helper()
	p := fig.panels[fig.Panels[i]]
	noted := strings.Contains(p.X.Label.Text, "axis cut")
	if got := len(p.cuts) > 0; got != want || noted != want {
		t.Errorf("%s panel %d: %d marks, label %q; want cut marks and a note: %v", fig.Name, i, len(p.cuts), p.X.Label.Text, want)
	}
	for _, m := range p.cuts {
		switch {
		case m.right && (m.at.X > p.X.Max || m.at.Y >= 1):
			t.Errorf("%s panel %d: mark %+v, axis ends at %v", fig.Name, i, m, p.X.Max)
		case !m.right && (m.at.X != p.X.Min || m.at.Y <= 0):
			t.Errorf("%s panel %d: mark %+v, axis starts at %v", fig.Name, i, m, p.X.Min)
		}
	}
}

// TestAxisCutsMarked: where an axis stops short of a CDF's sample, the
// curve has a mark at the cut and the axis label says so; where nothing
// is cut, neither.
func TestAxisCutsMarked(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	ratios := func(spread float64) *figures.Fig1 {
		v4, v6 := make([]float64, 5000), make([]float64, 5000)
		for i := range v4 {
			v6[i] = 20 + 100*rng.Float64()
			v4[i] = v6[i] * math.Exp(spread*(2*rng.Float64()-1))
		}
		f, err := figures.Figure1(v4, v6)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	for _, c := range []struct {
		spread float64
		cut    bool
	}{{0.5, false}, {2, true}} { // ratios within e^±0.5 (inside ½–2), or e^±2
		fig, err := Figure1(ratios(c.spread), figures.DefaultPoints)
		if err != nil {
			t.Fatal(err)
		}
		checkCuts(t, fig, 0, false) // the RCT axis spans the sample
		checkCuts(t, fig, 1, c.cut)
		if c.cut {
			p := fig.panels[fig.Panels[1]]
			var left, right bool
			for _, m := range p.cuts {
				left, right = left || !m.right, right || m.right
			}
			if !left || !right {
				t.Errorf("ratios beyond both ends: marks %+v", p.cuts)
			}
		}
	}

	// The golden simulation: gains beyond 125 ms, relative gains all
	// below 0.5.
	sim := figtest.Golden(t, "ripe_simulation.csv", func(f *os.File) ([]replay.Pair, error) { return replay.ReadSimulation(f) })
	fig, err := Figure4(figures.Figure4(sim), figures.DefaultPoints)
	if err != nil {
		t.Fatal(err)
	}
	checkCuts(t, fig, 0, false)
	checkCuts(t, fig, 1, true)
	checkCuts(t, fig, 2, false)
}
