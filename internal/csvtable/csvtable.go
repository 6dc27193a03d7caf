// Package csvtable reads and writes the CSV tables the stages exchange:
// columns found by name in the header (a first column with an empty name,
// pandas' index, is ignored, as is any column not asked for), empty fields
// as NaN, floats as the shortest decimal that round-trips.
package csvtable

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/afsel/afsel/pairs"
)

// ErrBadInput is wrapped by every error about the content of a file.
var ErrBadInput = errors.New("bad input")

// Table is a CSV file read whole, with its columns by name.
type Table struct {
	col  map[string]int
	rows [][]string
}

// Read reads a whole CSV file whose header must name every column of want.
func Read(r io.Reader, want ...string) (*Table, error) {
	cr := csv.NewReader(r)
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadInput, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%w: empty file, want a header with %s", ErrBadInput, strings.Join(want, ","))
	}
	t := &Table{col: make(map[string]int), rows: recs[1:]}
	for i, name := range recs[0] {
		if name != "" {
			t.col[name] = i
		}
	}
	var missing []string
	for _, w := range want {
		if _, ok := t.col[w]; !ok {
			missing = append(missing, w)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: missing columns %s (header: %s)", ErrBadInput, strings.Join(missing, ","), strings.Join(recs[0], ","))
	}
	return t, nil
}

// Has reports whether the header names column name (for optional columns,
// which Read was not asked for).
func (t *Table) Has(name string) bool {
	_, ok := t.col[name]
	return ok
}

// Len is the number of rows after the header.
func (t *Table) Len() int { return len(t.rows) }

// Str is row i's field of column name, which Read was asked for.
func (t *Table) Str(i int, name string) string { return t.rows[i][t.col[name]] }

// Int parses row i's field of column name as an integer.
func (t *Table) Int(i int, name string) (int64, error) {
	s := t.Str(i, name)
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: row %d: %s %q: not an integer", ErrBadInput, i+2, name, s)
	}
	return v, nil
}

// Float parses row i's field of column name; an empty field is NaN, as
// pandas writes it.
func (t *Table) Float(i int, name string) (float64, error) {
	s := t.Str(i, name)
	if s == "" {
		return math.NaN(), nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: row %d: %s %q: not a number", ErrBadInput, i+2, name, s)
	}
	return v, nil
}

// Floats parses row i's fields of the named columns into the pointed-to
// values, in order.
func (t *Table) Floats(i int, cols []string, dst ...*float64) error {
	for k, name := range cols {
		v, err := t.Float(i, name)
		if err != nil {
			return err
		}
		*dst[k] = v
	}
	return nil
}

// Key parses row i's pair: columns ProbeCol and AnchorCol.
func (t *Table) Key(i int) (pairs.Key, error) {
	p, err := t.Int(i, ProbeCol)
	if err != nil {
		return pairs.Key{}, err
	}
	a, err := t.Int(i, AnchorCol)
	return pairs.Key{Probe: p, Anchor: a}, err
}

// The columns of a pair's identifiers, first in every per-pair file.
const (
	ProbeCol  = "prb_id"
	AnchorCol = "anchor_id"
)

// FormatFloat prints x as the shortest decimal that round-trips; NaN is
// empty, as pandas writes it.
func FormatFloat(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// FormatInt prints x in decimal.
func FormatInt(x int64) string { return strconv.FormatInt(x, 10) }

// ReadPairs reads a file of one pair a row, with columns ProbeCol,
// AnchorCol and cols: fill sets row i's value from its key and fields.
func ReadPairs[T any](r io.Reader, cols []string, fill func(t *Table, i int, k pairs.Key, v *T) error) ([]T, error) {
	t, err := Read(r, cols...)
	if err != nil {
		return nil, err
	}
	out := make([]T, t.Len())
	for i := range out {
		k, err := t.Key(i)
		if err != nil {
			return nil, err
		}
		if err := fill(t, i, k, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}
