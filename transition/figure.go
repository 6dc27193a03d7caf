package transition

import (
	"fmt"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/afsel/afsel/render"
)

// Figure geometry: the PNG is figWidthPx pixels wide at render.DPI.
const (
	figWidth  = 7.5 * vg.Inch
	figHeight = 6 * vg.Inch
)

// Plot is the transition matrix as a heat map: class in A down the rows,
// class in B across the columns, each cell shaded by its row share (the
// share of A's pairs of that class going to that class in B) and labelled
// with its pairs and row share; the diagonal (class kept) is outlined.
func (r *Result) Plot() *plot.Plot { return r.plot(1) }

// plot is Plot with its text scale times larger, for a wider canvas.
func (r *Result) plot(scale float64) *plot.Plot {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Table 1 class from run A to run B: %d pairs eligible in both, %s keep their class", r.Both, pct(r.KeptShare))
	p.Title.TextStyle.Font.Size = vg.Points(11 * scale)
	for _, t := range []*text.Style{&p.X.Label.TextStyle, &p.Y.Label.TextStyle, &p.X.Tick.Label, &p.Y.Tick.Label} {
		t.Font.Size *= vg.Length(scale)
	}
	p.X.Label.Text = "class in B (" + shortDir(r.B.Dir) + ")"
	p.Y.Label.Text = "class in A (" + shortDir(r.A.Dir) + ")"
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -0.5, 2.5, -0.5, 2.5
	var xt, yt []plot.Tick
	for i, z := range Zones {
		xt = append(xt, plot.Tick{Value: float64(i), Label: z.String()})
		yt = append(yt, plot.Tick{Value: float64(2 - i), Label: z.String()})
	}
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.ConstantTicks(xt), plot.ConstantTicks(yt)
	p.X.Padding, p.Y.Padding = 0, 0
	p.Add(&matrix{r: r, scale: scale})
	return p
}

// shortDir is dir, cut to its last 40 characters.
func shortDir(dir string) string {
	if len(dir) > 40 {
		return "…" + dir[len(dir)-39:]
	}
	return dir
}

// matrix draws the cells of a Result.
type matrix struct {
	r     *Result
	scale float64 // of the text
}

// shade is the fill of a cell of row share s: white to the palette's blue.
func shade(s float64) color.Color {
	if math.IsNaN(s) {
		s = 0
	}
	mix := func(a uint8) uint8 { return uint8(math.Round(255 - s*(255-float64(a)))) }
	b := render.OkabeItoBlue
	return color.RGBA{mix(b.R), mix(b.G), mix(b.B), 0xff}
}

func (m *matrix) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	big := draw.TextStyle{Color: color.Black, Font: font.From(plot.DefaultFont, vg.Points(14*m.scale)), XAlign: draw.XCenter, YAlign: draw.YCenter, Handler: plot.DefaultTextHandler}
	small := big
	small.Font = font.From(plot.DefaultFont, vg.Points(10*m.scale))
	for i := range Zones {
		for j := range Zones {
			cell := m.r.Matrix[i][j]
			x0, x1 := tx(float64(j)-0.5), tx(float64(j)+0.5)
			y0, y1 := ty(float64(2-i)-0.5), ty(float64(2-i)+0.5)
			rect := []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}}
			c.FillPolygon(shade(cell.RowShare), rect)
			edge := draw.LineStyle{Color: color.White, Width: vg.Points(2)}
			c.StrokeLines(edge, append(rect, rect[0]))
			if i == j {
				in := vg.Points(3)
				inner := []vg.Point{{X: x0 + in, Y: y0 + in}, {X: x1 - in, Y: y0 + in}, {X: x1 - in, Y: y1 - in}, {X: x0 + in, Y: y1 - in}}
				c.StrokeLines(draw.LineStyle{Color: render.OkabeItoBlack, Width: vg.Points(1.5), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}, append(inner, inner[0]))
			}
			ink := color.Color(color.Black)
			if !math.IsNaN(cell.RowShare) && cell.RowShare > 0.55 {
				ink = color.White
			}
			b, s := big, small
			b.Color, s.Color = ink, ink
			mid := vg.Point{X: (x0 + x1) / 2, Y: (y0 + y1) / 2}
			c.FillText(b, vg.Point{X: mid.X, Y: mid.Y + vg.Points(9*m.scale)}, fmt.Sprintf("%d", cell.Pairs))
			c.FillText(s, vg.Point{X: mid.X, Y: mid.Y - vg.Points(9*m.scale)}, fmt.Sprintf("%s of row, %s of all", pct(cell.RowShare), pct(cell.Share)))
		}
	}
}

// draw draws the figure on c with a margin.
func (r *Result) draw(c vg.CanvasSizer) {
	m := vg.Points(10)
	r.Plot().Draw(draw.Crop(draw.New(c), m, -2*m, m, -m))
}

// WriteSVG writes the figure (Plot) as SVG.
func (r *Result) WriteSVG(w io.Writer) error {
	c := vgsvg.New(figWidth, figHeight)
	r.draw(c)
	_, err := c.WriteTo(w)
	return err
}

// WritePNG writes the figure (Plot) as PNG at render.DPI.
func (r *Result) WritePNG(w io.Writer) error {
	c := vgimg.NewWith(vgimg.UseWH(figWidth, figHeight), vgimg.UseDPI(render.DPI), vgimg.UseBackgroundColor(color.White))
	r.draw(c)
	_, err := vgimg.PngCanvas{Canvas: c}.WriteTo(w)
	return err
}
