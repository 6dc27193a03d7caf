package figures_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"testing"

	"github.com/afsel/afsel/figures"
	"github.com/afsel/afsel/internal/figtest"
	"github.com/afsel/afsel/internal/rankstat"
	"github.com/afsel/afsel/report"
)

// TestFigure1PassesBuild: Build's files from Figure1Passes's result are
// byte for byte those from Figure1's.
func TestFigure1PassesBuild(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	v4, v6 := figtest.Lognormal(rng, 20000, 0.001)
	exact, err := figures.Figure1(v4, v6)
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range [][2]int{{16, 4096}, figures.DefaultPassConfig} {
		passed, err := figures.Figure1PassesConfig(context.Background(), rankstat.ColumnsPass(v4, v6, 1000), figures.DefaultPoints, cfg[0], cfg[1])
		if err != nil {
			t.Fatal(err)
		}
		want, got := buildFiles(t, exact), buildFiles(t, passed)
		for name, w := range want {
			if !bytes.Equal(got[name], w) {
				t.Errorf("%v: %s differs", cfg, name)
			}
		}
		if len(want) == 0 || want["fig1.csv"] == nil {
			t.Fatalf("Build wrote %d files, no fig1.csv", len(want))
		}
	}
}

func buildFiles(t *testing.T, f *figures.Fig1) map[string][]byte {
	t.Helper()
	files, _, err := report.Build(report.Inputs{Fig1: f}, figures.DefaultPoints)
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string][]byte)
	for _, file := range files {
		var b bytes.Buffer
		if err := file.Write(&b); err != nil {
			t.Fatalf("%s: %v", file.Name, err)
		}
		out[file.Name] = b.Bytes()
	}
	return out
}
