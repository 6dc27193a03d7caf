package figures

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/rand/v2"
	"testing"

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
	figs, _ := testFigures(b)
	var f4 *Figure
	for _, f := range figs {
		if f.Name == "fig4" {
			f4 = f
		}
	}
	c := vgimg.NewWith(vgimg.UseWH(Width, f4.Height), vgimg.UseDPI(DPI), vgimg.UseBackgroundColor(color.White))
	f4.draw(c, false)
	m := c.Image().(*image.RGBA)
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
