package render

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/afsel/afsel/figures"
)

// thumbColor is the colour a legend thumbnail shows.
func thumbColor(t *testing.T, th plot.Thumbnailer) color.Color {
	t.Helper()
	switch v := th.(type) {
	case *plotter.Line:
		return v.Color
	case *envelope:
		return v.style.Color
	case *plotter.Polygon:
		return v.Color
	}
	t.Fatalf("thumbnail %T", th)
	return nil
}

// legendColor is the colour of the legend entry of f that starts with
// prefix, opaque.
func legendColor(t *testing.T, f *Figure, prefix string) color.RGBA {
	t.Helper()
	// The panels in drawing order (f.panels is a map), an entry named
	// prefix exactly before one that only starts with it ("IPv4" before
	// "IPv4/IPv6 RCT ratio").
	for _, exact := range []bool{true, false} {
		for _, pl := range f.Panels {
			p := f.panels[pl]
			if p == nil {
				continue
			}
			for _, e := range p.legend.entries {
				if e.text == prefix || !exact && strings.HasPrefix(e.text, prefix) {
					// Unpremultiplied: a band's tint is its zone's colour.
					n := color.NRGBAModel.Convert(thumbColor(t, e.thumbs[0])).(color.NRGBA)
					return color.RGBA{n.R, n.G, n.B, 0xff}
				}
			}
		}
	}
	t.Fatalf("%s: no legend entry %q", f.Name, prefix)
	return color.RGBA{}
}

// TestOnePalette: IPv4, IPv6 and neither are drawn in the palette's
// colours in every figure that shows them: lines, segment bands, zones.
func TestOnePalette(t *testing.T) {
	figs := map[string]*Figure{}
	for _, f := range testFigures(t) {
		figs[f.Name] = f
	}
	for _, c := range []struct {
		fig, entry string
		want       color.RGBA
	}{
		{"fig1", "IPv4", Palette.V4}, {"fig1", "IPv6", Palette.V6},
		{"fig1", "IPv4 >10% faster", Palette.V4}, {"fig1", "IPv6 >10% faster", Palette.V6},
		{"fig2", "IPv4", Palette.V4}, {"fig2", "IPv6", Palette.V6},
		{"fig2", "segment: IPv4 is better", Palette.V4}, {"fig2", "segment: IPv6 is better", Palette.V6},
		{"fig2", "segment: None is better", Palette.None},
		{"fig4", "IPv4 is better", Palette.V4}, {"fig4", "IPv6 is better", Palette.V6},
		{"fig4", "None is better", Palette.None},
	} {
		if got := legendColor(t, figs[c.fig], c.entry); got != c.want {
			t.Errorf("%s %q: %v, want %v", c.fig, c.entry, got, c.want)
		}
	}
	if Palette.V4 == Palette.V6 || Palette.V4 == Palette.None || Palette.V6 == Palette.None {
		t.Error("the families' colours are not distinct")
	}
}

var svgColor = regexp.MustCompile(`(?:stroke|fill):#([0-9A-Fa-f]{6})`)

// TestSVGColoursFromPalette: every colour drawn in every figure is a grey
// (axes, grid, text, reference lines) or one of the palette's: no figure
// has colours of its own.
func TestSVGColoursFromPalette(t *testing.T) {
	allowed := append([]color.RGBA{Palette.V4, Palette.V6, Palette.None}, Palette.Series...)
	near := func(a, b uint8) bool { return math.Abs(float64(a)-float64(b)) <= 2 }
	for _, f := range allFigures(t) {
		var svg bytes.Buffer
		if err := f.WriteSVG(&svg); err != nil {
			t.Fatal(err)
		}
		for _, m := range svgColor.FindAllStringSubmatch(svg.String(), -1) {
			v, _ := strconv.ParseUint(m[1], 16, 32)
			r, g, b := uint8(v>>16), uint8(v>>8), uint8(v)
			if r == g && g == b {
				continue
			}
			ok := false
			for _, c := range allowed {
				ok = ok || near(r, c.R) && near(g, c.G) && near(b, c.B)
			}
			if !ok {
				t.Errorf("%s: colour #%s is not the palette's", f.Name, m[1])
			}
		}
	}
}

// TestSeriesStylesDistinct: the policies' line styles differ for the
// first 28 series, and two neighbours differ in colour and in dash.
func TestSeriesStylesDistinct(t *testing.T) {
	seen := map[string]int{}
	for i := range 28 {
		c, d := seriesStyle(i)
		k := colorKey(c) + "/" + dashKey(d)
		if j, ok := seen[k]; ok {
			t.Errorf("series %d and %d look alike: %s", j, i, k)
		}
		seen[k] = i
		if i > 0 {
			pc, pd := seriesStyle(i - 1)
			if colorKey(pc) == colorKey(c) || dashKey(pd) == dashKey(d) {
				t.Errorf("series %d and %d share a colour or a dash", i-1, i)
			}
		}
	}
	// A policies figure of nine policies draws nine styles.
	fig, err := Policies(policyRows(9), figures.DefaultPoints)
	if err != nil {
		t.Fatal(err)
	}
	styles := map[string]bool{}
	for _, p := range fig.panels {
		for _, e := range p.legend.entries {
			l := e.thumbs[0].(*plotter.Line)
			styles[colorKey(l.Color)+"/"+dashKey(l.Dashes)] = true
		}
	}
	if len(styles) != 9 {
		t.Errorf("%d styles for 9 policies", len(styles))
	}
}

func colorKey(c color.Color) string {
	r, g, b, a := c.RGBA()
	return fmt.Sprint(r, g, b, a)
}

func dashKey(d []vg.Length) string { return fmt.Sprint(d) }
