package tables_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/afsel/afsel/changepoint"
	"github.com/afsel/afsel/tables"
)

func TestWriteSweep(t *testing.T) {
	cfgs := []changepoint.Config{{MinSize: 30, Jump: 5, Penalty: 5}, {MinSize: 30, Jump: 1, Penalty: 0.5}}
	t2 := []tables.Table2{{A: 1, B: 2, C: 1, Overlap: 1, Total: 8}, {}}
	rows := tables.SweepRows(cfgs, t2)
	var got, one bytes.Buffer
	if err := tables.WriteSweep(&got, rows); err != nil {
		t.Fatal(err)
	}
	want := `min_size,jump,penalty,group,count,share
30,5,5,A,1,0.125
30,5,5,B,2,0.25
30,5,5,C,1,0.125
30,5,5,D,4,0.5
30,5,5,total,8,1
30,5,5,overlap_A_B,1,0.125
30,1,0.5,A,0,0
30,1,0.5,B,0,0
30,1,0.5,C,0,0
30,1,0.5,D,0,0
30,1,0.5,total,0,0
30,1,0.5,overlap_A_B,0,0
`
	if got.String() != want {
		t.Errorf("got\n%s\nwant\n%s", got.String(), want)
	}
	// A configuration's count and share are table2.csv's.
	if err := tables.WriteTable(&one, tables.Rows2(t2[0])); err != nil {
		t.Fatal(err)
	}
	if w := "category,count,share\nA,1,0.125\nB,2,0.25\nC,1,0.125\nD,4,0.5\ntotal,8,1\noverlap_A_B,1,0.125\n"; one.String() != w {
		t.Errorf("table2.csv\n%s", one.String())
	}
}

func TestSweepRowsPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic on lengths that differ")
		}
	}()
	tables.SweepRows([]changepoint.Config{{}}, nil)
}

// TestReadSweep: what WriteSweep writes reads back, bytes and all; bad
// fields are errors naming the row.
func TestReadSweep(t *testing.T) {
	cfgs := []changepoint.Config{{MinSize: 30, Jump: 5, Penalty: 5}, {MinSize: 2, Jump: 1, Penalty: 0.25}}
	rows := tables.SweepRows(cfgs, []tables.Table2{{A: 1, B: 2, C: 1, Overlap: 1, Total: 7}, {A: 0, Total: 3}})
	var b bytes.Buffer
	if err := tables.WriteSweep(&b, rows); err != nil {
		t.Fatal(err)
	}
	got, err := tables.ReadSweep(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if err := tables.WriteSweep(&again, got); err != nil {
		t.Fatal(err)
	}
	if again.String() != b.String() || len(got) != len(rows) || got[7] != rows[7] {
		t.Errorf("read back\n%s\nwant\n%s", again.String(), b.String())
	}
	for _, c := range []struct{ name, in, err string }{
		{"no column", "min_size,jump,group,count,share\n", "penalty"},
		{"jump", "min_size,jump,penalty,group,count,share\n30,five,5,A,1,0.1\n", "row 2: jump"},
		{"count", "min_size,jump,penalty,group,count,share\n30,5,5,A,1.5,0.1\n", "row 2: count"},
		{"share", "min_size,jump,penalty,group,count,share\n30,5,5,A,1,x\n", "row 2: share"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := tables.ReadSweep(strings.NewReader(c.in))
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("error %v, want one naming %q", err, c.err)
			}
		})
	}
}

func FuzzReadSweep(f *testing.F) {
	f.Add("min_size,jump,penalty,group,count,share\n30,5,5,A,1,0.125\n")
	f.Add("min_size,jump,penalty,group,count,share\n30,5,,D,0,\n")
	f.Fuzz(func(t *testing.T, in string) {
		rows, err := tables.ReadSweep(strings.NewReader(in))
		if err != nil {
			return
		}
		var b bytes.Buffer
		if err := tables.WriteSweep(&b, rows); err != nil {
			t.Fatal(err)
		}
		again, err := tables.ReadSweep(&b)
		if err != nil || len(again) != len(rows) {
			t.Fatalf("written rows do not read back: %v", err)
		}
	})
}
