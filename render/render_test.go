package render

import (
	"bytes"
	"encoding/xml"
	"flag"
	"image"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/afsel/afsel/changepoint"
	"github.com/afsel/afsel/figures"
	"github.com/afsel/afsel/internal/figtest"
	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/replay"
	"github.com/afsel/afsel/stats"
)

var update = flag.Bool("update", false, "rewrite the golden PNGs in testdata")

// testFigures renders every figure from deterministic synthetic data (and,
// for Figure 4 and the coverage, the artefacts' simulation CSV).
func testFigures(t testing.TB) []*Figure {
	t.Helper()
	rng := rand.New(rand.NewPCG(3, 4))
	n := 20000
	v4, v6 := make([]float64, n), make([]float64, n)
	for i := range v4 {
		base := math.Exp(4 + rng.NormFloat64())
		v4[i] = base * math.Exp(0.1*rng.NormFloat64())
		v6[i] = base * math.Exp(0.1*rng.NormFloat64()-0.02)
	}
	f1, err := figures.Figure1(v4, v6)
	if err != nil {
		t.Fatal(err)
	}
	s := figures.PairSeries{Key: pairs.Key{Probe: 7, Anchor: 8}}
	var segs []changepoint.Segment
	t0 := time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	for i := range 300 {
		s.Time = append(s.Time, t0+int64(i)*30*60*1e6) // every 30 minutes
		lvl := 60.0
		if i >= 100 && i < 200 {
			lvl = 90
		}
		s.V4 = append(s.V4, lvl+5*rng.NormFloat64())
		s.V6 = append(s.V6, 75+5*rng.NormFloat64())
	}
	for i, z := range []stats.Zone{1, 3, 2, 1} {
		end := []int{100, 200, 250, 300}[i]
		start := []int{0, 100, 200, 250}[i]
		segs = append(segs, changepoint.Segment{Start: start, End: end, Zone: z})
	}
	f2, err := figures.Figure2(s, segs, stats.ZoneV4)
	if err != nil {
		t.Fatal(err)
	}
	sim := figtest.Golden(t, "ripe_simulation.csv", func(f *os.File) ([]replay.Pair, error) { return replay.ReadSimulation(f) })
	f4, cov := figures.Figure4(sim), figures.ComputeCoverage(sim)
	r1, err := Figure1(f1, figures.DefaultPoints)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := Figure2(f2)
	if err != nil {
		t.Fatal(err)
	}
	r4, err := Figure4(f4, figures.DefaultPoints)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := Coverage(cov, figures.DefaultPoints)
	if err != nil {
		t.Fatal(err)
	}
	return []*Figure{r1, r2, r4, rc}
}

// svgTexts parses an SVG as XML and returns the content of its <text>
// elements.
func svgTexts(t *testing.T, r io.Reader) []string {
	t.Helper()
	dec := xml.NewDecoder(r)
	var texts []string
	var in bool
	var root string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not XML: %v", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = el.Name.Local
			}
			if el.Name.Local == "text" {
				in = true
				texts = append(texts, "")
			}
		case xml.EndElement:
			in = in && el.Name.Local != "text"
		case xml.CharData:
			if in {
				texts[len(texts)-1] += string(el)
			}
		}
	}
	if root != "svg" {
		t.Fatalf("root element %q, want svg", root)
	}
	return texts
}

// TestRender checks each figure's SVG (well-formed XML, every legend entry
// drawn once: the series count) and PNG (decodes, 1200 px wide, ink share
// close to the golden image's).
func TestRender(t *testing.T) {
	figs := testFigures(t)
	wantLegend := map[string]int{
		"fig1":     5, // IPv4, IPv6, ratio, two ±10% marks
		"fig2":     5, // IPv4, IPv6, three segment zones
		"fig4":     6, // below the panels: three colours, three strategies
		"coverage": 2,
	}
	for _, f := range figs {
		t.Run(f.Name, func(t *testing.T) {
			if len(f.Legend) != wantLegend[f.Name] {
				t.Errorf("%d legend entries %q, want %d", len(f.Legend), f.Legend, wantLegend[f.Name])
			}
			var svg bytes.Buffer
			if err := f.WriteSVG(&svg); err != nil {
				t.Fatal(err)
			}
			texts := svgTexts(t, bytes.NewReader(svg.Bytes()))
			count := make(map[string]int)
			for _, s := range texts {
				count[s]++
			}
			for _, l := range f.Legend {
				// An entry listed n times is drawn n times.
				want := strings.Count(strings.Join(f.Legend, "\x00")+"\x00", l+"\x00")
				if count[l] != want {
					t.Errorf("legend entry %q drawn %d times, want %d", l, count[l], want)
				}
			}
			var pngb bytes.Buffer
			if err := f.WritePNG(&pngb); err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(pngb.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != WidthPx || b.Dy() != f.HeightPx() {
				t.Errorf("PNG %dx%d, want %dx%d", b.Dx(), b.Dy(), WidthPx, f.HeightPx())
			}
			golden := filepath.Join("testdata", f.Name+".png")
			if *update {
				if err := os.WriteFile(golden, pngb.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			gf, err := os.Open(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			defer gf.Close()
			want, err := png.Decode(gf)
			if err != nil {
				t.Fatal(err)
			}
			if img.Bounds() != want.Bounds() {
				t.Fatalf("size %v, golden %v", img.Bounds(), want.Bounds())
			}
			gi, wi := inkShare(img), inkShare(want)
			if gi < 0.01 {
				t.Errorf("image nearly blank: %.4f of pixels drawn", gi)
			}
			if math.Abs(gi-wi) > 0.15*wi+0.002 {
				t.Errorf("drawn pixels %.4f, golden %.4f", gi, wi)
			}
		})
	}
}

// inkShare is the share of pixels that are not (near) white.
func inkShare(img image.Image) float64 {
	b := img.Bounds()
	var ink int
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r < 0xf000 || g < 0xf000 || bl < 0xf000 {
				ink++
			}
		}
	}
	return float64(ink) / float64(b.Dx()*b.Dy())
}

// TestRenderDegenerate: no eligible pair, and no paired test kept by the
// filter, still render (empty curves) without error.
func TestRenderDegenerate(t *testing.T) {
	sim := []replay.Pair{{Probe: 1, Anchor: 2}}
	r4, err := Figure4(figures.Figure4(sim), 10)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Coverage(figures.ComputeCoverage(sim), 10)
	if err != nil {
		t.Fatal(err)
	}
	f1, err := figures.Figure1([]float64{1, 1, 1}, []float64{2, 2, 2})
	if err != nil {
		t.Fatal(err)
	}
	r1, err := Figure1(f1, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []*Figure{r4, c, r1} {
		var b bytes.Buffer
		if err := f.WriteSVG(&b); err != nil {
			t.Error(err)
		}
		if err := f.WritePNG(io.Discard); err != nil {
			t.Error(err)
		}
	}
}

// TestOuterBoxes: a plot of lines added with addLines is drawn exactly as
// with plot.Add, whatever the axes clip: linear and log axes, points
// inside and outside the ranges, thick and thin lines.
func TestOuterBoxes(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	svg := func(p *plot.Plot) []byte {
		c := vgsvg.New(4*vg.Inch, 3*vg.Inch)
		p.Draw(draw.New(c))
		var b bytes.Buffer
		if _, err := c.WriteTo(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	for trial := range 40 {
		var lines [2][]*plotter.Line
		for range 1 + rng.IntN(3) {
			xy := make(plotter.XYs, 1+rng.IntN(50))
			for i := range xy {
				xy[i] = plotter.XY{X: math.Exp(3 * rng.NormFloat64()), Y: rng.NormFloat64()}
			}
			w := vg.Points(0.5 + 10*rng.Float64())
			for k := range lines {
				l, err := plotter.NewLine(xy)
				if err != nil {
					t.Fatal(err)
				}
				l.Width = w
				lines[k] = append(lines[k], l)
			}
		}
		var plots [2]*plot.Plot
		for k := range plots {
			p := plot.New()
			if k == 0 {
				for _, l := range lines[k] {
					p.Add(l)
				}
			} else {
				addLines(p, lines[k]...)
			}
			if trial%2 == 1 {
				p.X.Scale = plot.LogScale{}
				p.X.Tick.Marker = plot.LogTicks{}
			}
			if trial%4 >= 2 { // clip: some points fall outside
				p.X.Min, p.X.Max = 0.5, 20
				p.Y.Min, p.Y.Max = -1, 1
			}
			plots[k] = p
		}
		if !bytes.Equal(svg(plots[0]), svg(plots[1])) {
			t.Fatalf("trial %d: addLines draws differently from plot.Add", trial)
		}
	}
}

// TestHeightWholePixels: every figure's height is a whole number of PNG
// pixels, as WritePNG's canvas assumes.
func TestHeightWholePixels(t *testing.T) {
	figs := testFigures(t)
	for _, n := range []int{1, 8, 10} { // one to three rows of panels
		pol, err := Policies(policyRows(n), figures.DefaultPoints)
		if err != nil {
			t.Fatal(err)
		}
		figs = append(figs, pol)
	}
	for _, f := range figs {
		if px := f.Height.Points() / 72 * DPI; px != math.Round(px) {
			t.Errorf("%s: %v pixels high", f.Name, px)
		}
	}
}

// TestDrawConcurrently draws every figure's PNG and SVG at the same time, as
// reproduce does (run with -race).
func TestDrawConcurrently(t *testing.T) {
	figs := testFigures(t)
	var wg sync.WaitGroup
	for _, f := range figs {
		for _, write := range []func(io.Writer) error{f.WritePNG, f.WriteSVG, f.WritePNG} {
			wg.Go(func() {
				if err := write(io.Discard); err != nil {
					t.Error(err)
				}
			})
		}
	}
	wg.Wait()
}
