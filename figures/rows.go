package figures

import (
	"encoding/csv"
	"io"

	"github.com/afsel/afsel/internal/csvtable"
)

// RowsColumns is the layout of the tidy CSVs WriteRows writes.
var RowsColumns = []string{"figure", "panel", "series", "x", "y"}

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

// WriteRows writes rows as CSV: figure,panel,series,x,y.
func WriteRows(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	cw.Write(RowsColumns)
	for _, r := range rows {
		cw.Write([]string{r.Figure, r.Panel, r.Series, csvtable.FormatFloat(r.X), csvtable.FormatFloat(r.Y)})
	}
	cw.Flush()
	return cw.Error()
}

// ReadRows reads a tidy CSV as WriteRows writes it: figure,panel,series,x,y.
func ReadRows(r io.Reader) ([]Row, error) {
	t, err := csvtable.Read(r, RowsColumns...)
	if err != nil {
		return nil, err
	}
	out := make([]Row, 0, t.Len())
	for i := range t.Len() {
		row := Row{Figure: t.Str(i, RowsColumns[0]), Panel: t.Str(i, RowsColumns[1]), Series: t.Str(i, RowsColumns[2])}
		if err := t.Floats(i, RowsColumns[3:], &row.X, &row.Y); err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, nil
}
