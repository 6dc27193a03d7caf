package figures

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"
)

// TestWriteRows checks the tidy CSV layout.
func TestWriteRows(t *testing.T) {
	var b bytes.Buffer
	rows := []Row{{"1", "rct", "IPv4", 12.5, 0.25}, {"4", "choice", "None is better / EXP3", 0.5, math.NaN()}}
	if err := WriteRows(&b, rows); err != nil {
		t.Fatal(err)
	}
	want := "figure,panel,series,x,y\n1,rct,IPv4,12.5,0.25\n4,choice,None is better / EXP3,0.5,\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestReadRows(t *testing.T) {
	rows := []Row{{"policies", "best_choice", "v6", 0, 0.5}, {"policies", "best_choice", "a,b", 0.5, 1}, {"policies", "regret_ms", "v6", 3, math.NaN()}}
	var b bytes.Buffer
	if err := WriteRows(&b, rows); err != nil {
		t.Fatal(err)
	}
	got, err := ReadRows(&b)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(rows) {
		t.Fatalf("%d rows, want %d", len(got), len(rows))
	}
	for i := range rows {
		if got[i].Series != rows[i].Series || got[i].Panel != rows[i].Panel || got[i].X != rows[i].X ||
			(got[i].Y != rows[i].Y && !(math.IsNaN(got[i].Y) && math.IsNaN(rows[i].Y))) {
			t.Errorf("row %d: %+v, want %+v", i, got[i], rows[i])
		}
	}
	if _, err := ReadRows(strings.NewReader("figure,panel,series,x,y\np,m,s,one,1\n")); !errors.Is(err, ErrBadInput) {
		t.Errorf("bad x: %v", err)
	}
}
