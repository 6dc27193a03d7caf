package report

import (
	"bytes"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"github.com/afsel/afsel/figures"
	"github.com/afsel/afsel/internal/figtest"
	"github.com/afsel/afsel/render"
	"github.com/afsel/afsel/replay"
)

// TestBuildPieces: Draw, then Figure 1 rendered apart, then New and
// FileNames give the same files in the same order with the same bytes as
// Build: what reproduce does while it computes Figure 1 meanwhile. The
// drawn figures' files are written before Figure 1 exists.
func TestBuildPieces(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	v4, v6 := figtest.Lognormal(rng, 5000, 0.001)
	f1, err := figures.Figure1(v4, v6)
	if err != nil {
		t.Fatal(err)
	}
	sim := figtest.Golden(t, "ripe_simulation.csv", func(f *os.File) ([]replay.Pair, error) { return replay.ReadSimulation(f) })
	in := Inputs{Sim: sim, Fig1: f1}
	whole, _, err := Build(in, figures.DefaultPoints)
	if err != nil {
		t.Fatal(err)
	}
	write := func(f File) []byte {
		var b bytes.Buffer
		if err := f.Write(&b); err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		return b.Bytes()
	}
	got := map[string][]byte{}
	d, err := Draw(Inputs{Sim: sim}, figures.DefaultPoints)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range FileNames(d.CSV, d.Figures, nil) {
		got[f.Name] = write(f)
	}
	r1, err := render.Figure1(f1, figures.DefaultPoints)
	if err != nil {
		t.Fatal(err)
	}
	figs := append([]*render.Figure{r1}, d.Figures...)
	rep := New(in, figs, d.Coverage)
	pieces := FileNames(append([]File{RowsFile("fig1.csv", f1.Rows(figures.DefaultPoints))}, d.CSV...), figs, rep.Files())
	names := func(fs []File) (n []string) {
		for _, f := range fs {
			n = append(n, f.Name)
		}
		return n
	}
	want := []string{"fig1.csv", "fig4.csv", "coverage.csv", "fig1.svg", "fig1.png", "fig4.svg", "fig4.png", "coverage.svg", "coverage.png", "report.html", "report.md"}
	if !slices.Equal(names(whole), want) || !slices.Equal(names(pieces), want) {
		t.Fatalf("files %v and %v, want %v", names(whole), names(pieces), want)
	}
	for i, f := range whole {
		b, ok := got[f.Name]
		if !ok {
			b = write(pieces[i])
		}
		if !bytes.Equal(b, write(f)) {
			t.Errorf("%s differs from Build's", f.Name)
		}
	}
}
