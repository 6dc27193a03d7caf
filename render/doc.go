// Package render draws the figures of package figures as SVG and PNG with
// gonum.org/v1/plot: Figure1, Figure2, Figure4, Coverage and Policies each
// lay out a Figure (panels side by side, 1200 px wide), which writes
// itself as SVG (drawn once, also inlined in the report) and PNG.
//
// What every figure shares:
//   - one palette (Palette: Okabe and Ito's, colour-blind safe): IPv4 and
//     IPv6 are the same two colours everywhere, and series that are not
//     families (policies) differ in colour and dash at once;
//   - legends that cover no data: a panel's legend goes in the first corner
//     of its data area that no line or mark passes through, or else in a
//     row below the panels;
//   - axes cut short of a CDF's sample say so: a triangle where each curve
//     leaves the axis, and a note in the axis label;
//   - at least four labelled ticks on every axis (denseTicks, timeTicks).
//
// Figure 2 draws its series through the first, lowest, highest and last
// point of each pixel column (envelope): the same line, with a number of
// points bounded by the width, however long the pair's series.
//
// PNGs are drawn on vgimg's canvas with a faster path for level text and
// written without row filters (pngCanvas, encodePNG): the same pixels, in
// a third of the time.
package render
