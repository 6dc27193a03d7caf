package render

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	plottext "gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// TestEncodePNG decodes what encodePNG wrote for opaque images of several
// shapes (including IDATs of several chunks) with image/png and finds every
// pixel of the source; a translucent image is image/png's file.
func TestEncodePNG(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	noise := func(w, h int, opaque bool) *image.RGBA {
		m := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := range h {
			for x := range w {
				a := uint8(rng.Uint32())
				if opaque {
					a = 0xff
				}
				m.Set(x, y, color.NRGBA{uint8(rng.Uint32()), uint8(rng.Uint32()), uint8(rng.Uint32()), a})
			}
		}
		return m
	}
	white := image.NewRGBA(image.Rect(0, 0, 300, 200))
	for i := range white.Pix {
		white.Pix[i] = 0xff
	}
	white.Set(17, 33, color.RGBA{1, 2, 3, 0xff})
	sub := noise(64, 64, true).SubImage(image.Rect(5, 7, 60, 30)).(*image.RGBA)
	cases := []struct {
		name string
		m    *image.RGBA
	}{
		{"1x1", noise(1, 1, true)},
		{"white with one dot", white},
		{"noise, several IDAT chunks", noise(400, 300, true)},
		{"sub-image", sub},
		{"translucent", noise(40, 30, false)},
		{"empty", image.NewRGBA(image.Rect(0, 0, 0, 0))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := encodePNG(&b, c.m); err != nil {
				t.Fatal(err)
			}
			if c.m.Bounds().Empty() {
				return // image/png refuses a 0×0 image; so may we
			}
			if !c.m.Opaque() {
				// image/png's own file: its alpha round trip is not exact
				// at low alpha.
				var want bytes.Buffer
				if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&want, c.m); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(b.Bytes(), want.Bytes()) {
					t.Fatal("a translucent image not written by image/png")
				}
				return
			}
			got, err := png.Decode(&b)
			if err != nil {
				t.Fatal(err)
			}
			r := c.m.Bounds()
			if got.Bounds().Size() != r.Size() {
				t.Fatalf("size %v, want %v", got.Bounds().Size(), r.Size())
			}
			for y := range r.Dy() {
				for x := range r.Dx() {
					want := c.m.RGBAAt(r.Min.X+x, r.Min.Y+y)
					if g := color.RGBAModel.Convert(got.At(x, y)).(color.RGBA); g != want {
						t.Fatalf("pixel (%d,%d) = %v, want %v", x, y, g, want)
					}
				}
			}
		})
	}
}

// TestEncodePNGError passes a writer's failure on.
func TestEncodePNGError(t *testing.T) {
	m := image.NewRGBA(image.Rect(0, 0, 10, 10))
	for i := range m.Pix {
		m.Pix[i] = 0xff
	}
	if err := encodePNG(failWriter{}, m); err == nil {
		t.Fatal("no error from a failing writer")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

// BenchmarkEncodePNG compares encodePNG with image/png at its fastest level
// on Figure 4 as drawn for its PNG.
func BenchmarkEncodePNG(b *testing.B) {
	figs := testFigures(b)
	var f4 *Figure
	for _, f := range figs {
		if f.Name == "fig4" {
			f4 = f
		}
	}
	c := newPNGCanvas(WidthPx, f4.HeightPx(), DPI)
	f4.draw(c, false)
	m := c.img
	for _, e := range []struct {
		name string
		enc  func(io.Writer) error
	}{
		{"encodePNG", func(w io.Writer) error { return encodePNG(w, m) }},
		{"image-png", func(w io.Writer) error { return (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(w, m) }},
	} {
		b.Run(e.name, func(b *testing.B) {
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := e.enc(&buf); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len()), "bytes")
		})
	}
}

// TestPNGCanvasText: text drawn on a pngCanvas, and every figure, have the
// pixels they have drawn on vgimg's own canvas: level and rotated text, in
// colours set inside and outside pushed states, at fractional positions.
func TestPNGCanvasText(t *testing.T) {
	const w, h = 4 * vg.Inch, 3 * vg.Inch
	ref := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(DPI), vgimg.UseBackgroundColor(color.White))
	c := newPNGCanvas(int(w.Dots(DPI)), int(h.Dots(DPI)), DPI)
	for _, cv := range []vg.CanvasSizer{ref, c} {
		dc := draw.New(cv)
		sty := plottext.Style{Color: color.RGBA{0xc0, 0x20, 0x20, 0xff}, Font: font.From(plot.DefaultFont, vg.Points(11)), Handler: plot.DefaultTextHandler}
		dc.FillText(sty, vg.Point{X: vg.Points(10.3), Y: vg.Points(20.7)}, "red, level: Wg 0.25")
		dc.Push()
		dc.SetColor(color.RGBA{0, 0, 0xff, 0xff}) // not the text's: FillText sets its own
		sty.Color = color.RGBA{0x1b, 0x9e, 0x77, 0xff}
		sty.Rotation = math.Pi / 2
		dc.FillText(sty, vg.Point{X: vg.Points(150), Y: vg.Points(40)}, "green, rotated")
		dc.Pop()
		sty.Rotation = 0
		sty.Color = nil // the canvas's colour: black
		dc.FillText(sty, vg.Point{X: vg.Points(40.5), Y: vg.Points(150.25)}, "default colour")
	}
	if !bytes.Equal(c.img.Pix, ref.Image().(*image.RGBA).Pix) {
		t.Error("text differs from vgimg's drawing")
	}

	figs := testFigures(t)
	for _, f := range figs {
		ref := vgimg.NewWith(vgimg.UseWH(Width, f.Height), vgimg.UseDPI(DPI), vgimg.UseBackgroundColor(color.White))
		f.draw(ref, false)
		c := newPNGCanvas(WidthPx, f.HeightPx(), DPI)
		f.draw(c, false)
		want := ref.Image().(*image.RGBA)
		if !bytes.Equal(c.img.Pix, want.Pix) {
			diff := 0
			for i := range want.Pix {
				if c.img.Pix[i] != want.Pix[i] {
					diff++
				}
			}
			t.Errorf("%s: %d bytes differ from vgimg's drawing", f.Name, diff)
		}
	}
}
