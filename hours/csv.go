package hours

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/afsel/afsel/internal/csvtable"
	"github.com/afsel/afsel/stats"
)

// ErrBadInput is wrapped by ReadCSV's errors about the file's content
// (csvtable's, as the other readers').
var ErrBadInput = csvtable.ErrBadInput

// Columns is the header of hours.csv.
var Columns = []string{"zone", "hour", "pairs", "q1_diff_ms", "median_diff_ms", "q3_diff_ms"}

// WriteOptions are WriteCSV's options.
type WriteOptions struct {
	// Labels appends the column zone_label after the others (whose bytes
	// stay the same): the zone's stats.Zone.Label, "all" for all zones.
	Labels bool
}

// ZoneLabelColumn is the column WriteOptions.Labels adds.
const ZoneLabelColumn = "zone_label"

// WriteCSV writes hours.csv, one row per zone and hour: zone (1, 2, 3 or
// "all"), hour (UTC, 0–23), pairs with tests in the hour, and the
// quartiles over them of median(v4) − median(v6) in ms; empty where there
// are no pairs. With opt's Labels, zone_label follows.
func WriteCSV(w io.Writer, rows []Row, opt ...WriteOptions) error {
	labels := len(opt) > 0 && opt[0].Labels
	cw := csv.NewWriter(w)
	if labels {
		cw.Write(append(slices.Clip(Columns), ZoneLabelColumn))
	} else {
		cw.Write(Columns)
	}
	for _, r := range rows {
		zone := "all"
		if r.Zone != 0 {
			zone = strconv.Itoa(int(r.Zone))
		}
		rec := []string{zone, strconv.Itoa(r.Hour), strconv.Itoa(r.Pairs),
			csvtable.FormatFloat(r.Q1), csvtable.FormatFloat(r.Median), csvtable.FormatFloat(r.Q3)}
		if labels {
			rec = append(rec, r.Zone.Label())
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

// ReadCSV reads hours.csv as WriteCSV writes it, with or without
// zone_label.
func ReadCSV(r io.Reader) ([]Row, error) {
	t, err := csvtable.Read(r, Columns...)
	if err != nil {
		return nil, fmt.Errorf("hours.csv: %w", err)
	}
	rows := make([]Row, t.Len())
	for i := range rows {
		row := &rows[i]
		switch z := t.Str(i, "zone"); z {
		case "all":
		case "1", "2", "3":
			row.Zone = stats.Zone(z[0] - '0')
		default:
			return nil, fmt.Errorf("hours.csv: %w: row %d: zone %q: want 1, 2, 3 or all", ErrBadInput, i+2, z)
		}
		h, err := t.Int(i, "hour")
		if err == nil && (h < 0 || h >= Hours) {
			err = fmt.Errorf("%w: row %d: hour %d: want 0 to 23", ErrBadInput, i+2, h)
		}
		if err != nil {
			return nil, fmt.Errorf("hours.csv: %w", err)
		}
		n, err := t.Int(i, "pairs")
		if err == nil && n < 0 {
			err = fmt.Errorf("%w: row %d: pairs %d: negative", ErrBadInput, i+2, n)
		}
		if err != nil {
			return nil, fmt.Errorf("hours.csv: %w", err)
		}
		row.Hour, row.Pairs = int(h), int(n)
		if err := t.Floats(i, Columns[3:], &row.Q1, &row.Median, &row.Q3); err != nil {
			return nil, fmt.Errorf("hours.csv: %w", err)
		}
	}
	return rows, nil
}
