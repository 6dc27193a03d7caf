package figures

import (
	"encoding/csv"
	"io"
	"math"
	"strconv"
)

// Row is one point of a figure in tidy form: which figure, panel and series
// it belongs to, and its coordinates.
type Row struct {
	Figure, Panel, Series string
	X, Y                  float64
}

// appendECDF appends e's steps as rows of one series.
func appendECDF(rows []Row, figure, panel, series string, e ECDF) []Row {
	for i := range e.X {
		rows = append(rows, Row{figure, panel, series, e.X[i], e.P[i]})
	}
	return rows
}

// formatFloat prints the shortest decimal that round-trips; NaN is empty.
func formatFloat(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// WriteRows writes rows as CSV: figure,panel,series,x,y.
func WriteRows(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"figure", "panel", "series", "x", "y"})
	for _, r := range rows {
		cw.Write([]string{r.Figure, r.Panel, r.Series, formatFloat(r.X), formatFloat(r.Y)})
	}
	cw.Flush()
	return cw.Error()
}
