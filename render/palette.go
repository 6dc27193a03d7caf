package render

import (
	"image/color"

	"gonum.org/v1/plot/vg"

	"github.com/afsel/afsel/stats"
)

// Okabe and Ito's colour-blind-safe palette ("Color Universal Design",
// 2008), less its yellow, which is too light on white.
var (
	OkabeItoBlack         = color.RGBA{0x00, 0x00, 0x00, 0xff}
	OkabeItoOrange        = color.RGBA{0xe6, 0x9f, 0x00, 0xff}
	OkabeItoSkyBlue       = color.RGBA{0x56, 0xb4, 0xe9, 0xff}
	OkabeItoBluishGreen   = color.RGBA{0x00, 0x9e, 0x73, 0xff}
	OkabeItoBlue          = color.RGBA{0x00, 0x72, 0xb2, 0xff}
	OkabeItoVermillion    = color.RGBA{0xd5, 0x5e, 0x00, 0xff}
	OkabeItoReddishPurple = color.RGBA{0xcc, 0x79, 0xa7, 0xff}
)

// Palette is the one set of colours every figure draws with: IPv4 and IPv6
// are the same two colours in every figure (lines, bands, marks), a pair
// or zone where neither family is better is grey, and other series
// (policies, coverage, the ratio) take Series in order.
var Palette = struct {
	V4, V6, None color.RGBA
	Series       []color.RGBA
}{
	V4:   OkabeItoBlue,
	V6:   OkabeItoVermillion,
	None: color.RGBA{0x6e, 0x6e, 0x6e, 0xff},
	Series: []color.RGBA{
		OkabeItoBlack, OkabeItoOrange, OkabeItoSkyBlue, OkabeItoBluishGreen,
		OkabeItoReddishPurple, OkabeItoBlue, OkabeItoVermillion,
	},
}

// Greys for what is not data: grid, reference lines, segment boundaries.
var (
	grey      = color.Gray{0xa0}
	gridGrey  = color.Gray{0xdd}
	boundGrey = color.Gray{0xb0}
)

// dashes are the line styles, in order: solid, dashed, dotted, dash-dot.
// Figure 4 tells its strategies apart by the first three; the policies
// figure pairs them with colours.
var dashes = [][]vg.Length{
	nil,
	{vg.Points(6), vg.Points(3)},
	{vg.Points(1.5), vg.Points(2.5)},
	{vg.Points(6), vg.Points(2), vg.Points(1.5), vg.Points(2)},
}

// zoneColor is the colour of a zone: that of the better family, or None.
func zoneColor(z stats.Zone) color.Color {
	switch z {
	case stats.ZoneV4:
		return Palette.V4
	case stats.ZoneV6:
		return Palette.V6
	}
	return Palette.None
}

// seriesStyle is the i-th series' colour and dash: colour and dash both
// change from one series to the next, and as 7 colours and 4 dashes are
// coprime, no two of the first 28 series look alike.
func seriesStyle(i int) (color.Color, []vg.Length) {
	return Palette.Series[i%len(Palette.Series)], dashes[i%len(dashes)]
}

// tint is c at alpha a, for backgrounds.
func tint(c color.Color, a uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), a}
}
