// Package render draws the figures of package figures as SVG and PNG with
// gonum.org/v1/plot: Figure1, Figure2, Figure4, Coverage and Policies each
// lay out a Figure (panels side by side, 1200 px wide), which writes
// itself as SVG (drawn once, also inlined in the report) and PNG.
//
// PNGs are drawn on vgimg's canvas with a faster path for level text and
// written without row filters (pngCanvas, encodePNG): the same pixels, in
// a third of the time.
package render
