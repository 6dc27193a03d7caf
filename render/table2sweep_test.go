package render

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"
	"strings"
	"testing"

	"github.com/afsel/afsel/changepoint"
	"github.com/afsel/afsel/tables"
)

func sweepRows(minSizes, jumps []int, pens []float64) []tables.SweepRow {
	var rows []tables.SweepRow
	for _, m := range minSizes {
		for _, j := range jumps {
			for k, p := range pens {
				t2 := tables.Table2{A: 10 + k, B: 20 - k, C: 5, Overlap: 2, Total: 100}
				for _, r := range tables.Rows2(t2) {
					rows = append(rows, tables.SweepRow{Pelt: changepoint.Config{MinSize: m, Jump: j, Penalty: p}, Row: r})
				}
			}
		}
	}
	return rows
}

// TestTable2Sweep: a panel per (min_size, jump), one line per group A to
// D in each, and no other line.
func TestTable2Sweep(t *testing.T) {
	for _, tc := range []struct {
		name   string
		rows   []tables.SweepRow
		panels int
		cols   bool
	}{
		{"two jumps", sweepRows([]int{30}, []int{1, 5}, []float64{1, 2, 5, 10, 20, 50}), 2, false},
		{"one combination", sweepRows([]int{30}, []int{5}, []float64{5}), 1, false},
		{"four panels", sweepRows([]int{10, 30}, []int{1, 5}, []float64{2, 5}), 4, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fig, err := Table2Sweep(tc.rows)
			if err != nil {
				t.Fatal(err)
			}
			if fig.Name != "table2_sweep" || len(fig.Panels) != tc.panels || len(fig.Legend) != 4*tc.panels {
				t.Fatalf("name %q, %d panels, legend %q", fig.Name, len(fig.Panels), fig.Legend)
			}
			if tc.cols && fig.Cols != 2 {
				t.Errorf("%d columns, want 2", fig.Cols)
			}
			for _, p := range fig.Panels {
				pn := fig.panel(p)
				if len(pn.shapes) != len(table2Groups) {
					t.Errorf("panel %q has %d lines, want %d", p.Title.Text, len(pn.shapes), len(table2Groups))
				}
				for _, s := range pn.shapes {
					if len(s.xy) != len(tc.rows)/6/tc.panels {
						t.Errorf("panel %q: a line of %d points", p.Title.Text, len(s.xy))
					}
				}
			}
			// Only the panel of the artefacts' min_size and jump rings
			// their penalty (every case sweeps it).
			d := changepoint.DefaultConfig()
			want := fmt.Sprintf("min_size %d, jump %d (ringed: penalty %g, the artefacts')", d.MinSize, d.Jump, d.Penalty)
			ringed := 0
			for _, p := range fig.Panels {
				if strings.Contains(p.Title.Text, "ringed") {
					ringed++
					if p.Title.Text != want {
						t.Errorf("panel title %q, want %q", p.Title.Text, want)
					}
				}
			}
			if ringed != 1 {
				t.Errorf("%d panels ring the artefacts' penalty, want 1", ringed)
			}
			var b bytes.Buffer
			if err := fig.WritePNG(&b); err != nil {
				t.Fatal(err)
			}
			m, err := png.Decode(&b)
			if err != nil {
				t.Fatal(err)
			}
			if m.Bounds().Dx() != WidthPx || m.Bounds().Dy() != fig.HeightPx() {
				t.Errorf("PNG %v, want %dx%d", m.Bounds(), WidthPx, fig.HeightPx())
			}
			b.Reset()
			if err := fig.WriteSVG(&b); err != nil || !bytes.Contains(b.Bytes(), []byte("jump")) {
				t.Errorf("SVG: %v", err)
			}
		})
	}
	if _, err := Table2Sweep(nil); !errors.Is(err, ErrNoSweep) {
		t.Errorf("no rows: %v, want ErrNoSweep", err)
	}
}
