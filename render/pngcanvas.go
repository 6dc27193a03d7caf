package render

import (
	"image"
	"image/color"
	"math"

	"git.sr.ht/~sbinet/gg"
	xfont "golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"
)

// pngCanvas is the canvas a PNG is drawn on: vgimg's, drawing on img
// through ctx, with a faster way to draw text. gg draws each glyph through
// a general affine resampling (x/image/draw's BiLinear Transform) even
// when the transformation is the identity, as it is for all but rotated
// text; that took a sixth of the drawing. There pngCanvas composites the
// glyph masks directly, as font.Drawer does: the same pixels
// (TestPNGCanvasText).
type pngCanvas struct {
	*vgimg.Canvas
	ctx   *gg.Context
	img   *image.RGBA
	color []color.Color // the colour stack, kept as vgimg keeps its own
}

// newPNGCanvas returns a white canvas of width × height at dpi. vgimg.NewWith
// would draw on a copy of its image (gg.NewContextForImage); given the image
// and a context on it, set up as NewWith sets up its own, it draws on the
// image itself.
func newPNGCanvas(width, height, dpi int) *pngCanvas {
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	ctx := gg.NewContextForRGBA(img)
	ctx.SetLineCapButt()
	ctx.InvertY()
	c := vgimg.NewWith(vgimg.UseImageWithContext(img, ctx), vgimg.UseDPI(dpi))
	return &pngCanvas{Canvas: c, ctx: ctx, img: img, color: []color.Color{color.Black}}
}

// SetColor implements vg.Canvas.
func (c *pngCanvas) SetColor(clr color.Color) {
	if clr == nil {
		clr = color.Black
	}
	c.color[len(c.color)-1] = clr
	c.Canvas.SetColor(clr)
}

// Push implements vg.Canvas.
func (c *pngCanvas) Push() {
	c.color = append(c.color, c.color[len(c.color)-1])
	c.Canvas.Push()
}

// Pop implements vg.Canvas.
func (c *pngCanvas) Pop() {
	c.color = c.color[:len(c.color)-1]
	c.Canvas.Pop()
}

// FillString implements vg.Canvas: as vgimg.Canvas.FillString, which
// draws with gg's y axis inverted once more.
func (c *pngCanvas) FillString(f font.Face, pt vg.Point, str string) {
	if f.Font.Size == 0 {
		return
	}
	c.ctx.Push()
	c.ctx.InvertY()
	identity := c.isIdentity()
	c.ctx.Pop()
	if !identity {
		c.Canvas.FillString(f, pt, str)
		return
	}
	face := f.FontFace(c.DPI())
	defer face.Close()
	_, h := c.Size()
	x, y := pt.X.Dots(c.DPI()), h.Dots(c.DPI())-pt.Y.Dots(c.DPI())
	d := xfont.Drawer{Dst: c.img, Src: image.NewUniform(c.color[len(c.color)-1]), Face: face,
		Dot: fixed.Point26_6{X: fixed.Int26_6(math.Round(x * 64)), Y: fixed.Int26_6(math.Round(y * 64))}}
	d.DrawString(str)
}

// isIdentity reports whether ctx's transformation is the identity.
func (c *pngCanvas) isIdentity() bool {
	for _, p := range [3][2]float64{{0, 0}, {1, 0}, {0, 1}} {
		if x, y := c.ctx.TransformPoint(p[0], p[1]); x != p[0] || y != p[1] {
			return false
		}
	}
	return true
}
