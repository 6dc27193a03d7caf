package figures

import (
	"bytes"
	"errors"
	"github.com/afsel/afsel/replay"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
)

// TestBuildFigure1Later: with Figure 1 given through Inputs.Figure1, Build
// returns the same files in the same order with the same bytes as with
// Fig1, marks exactly those that need Figure 1 as waiting, and the others
// are written without calling it; its error reaches every waiting file.
func TestBuildFigure1Later(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	v4, v6 := lognormal(rng, 5000, 0.001)
	f1, err := Figure1(v4, v6)
	if err != nil {
		t.Fatal(err)
	}
	sim := readGolden(t, "ripe_simulation.csv", func(f *os.File) ([]replay.Pair, error) { return replay.ReadSimulation(f) })
	eager, _, err := Build(Inputs{Sim: sim, Fig1: f1}, DefaultPoints)
	if err != nil {
		t.Fatal(err)
	}

	ready := make(chan struct{})
	calls := 0
	later, rep, err := Build(Inputs{Sim: sim, Figure1: sync.OnceValues(func() (*Fig1, error) {
		calls++
		<-ready
		return f1, nil
	})}, DefaultPoints)
	if err != nil {
		t.Fatal(err)
	}
	if len(later) != len(eager) {
		t.Fatalf("%d files, want %d", len(later), len(eager))
	}
	wantWaits := map[string]bool{"fig1.csv": true, "fig1.svg": true, "fig1.png": true, "report.html": true, "report.md": true}
	got := make(map[string][]byte)
	// The files that do not wait are written while Figure 1 is not ready.
	for _, f := range later {
		if f.Waits != wantWaits[f.Name] {
			t.Errorf("%s: Waits = %v", f.Name, f.Waits)
		}
		if f.Waits {
			continue
		}
		var b bytes.Buffer
		if err := f.Write(&b); err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		got[f.Name] = b.Bytes()
	}
	if calls != 0 {
		t.Fatal("a file that does not wait asked for Figure 1")
	}
	if rep.Fig1 != nil {
		t.Fatal("the report has Figure 1 before any file needed it")
	}
	close(ready)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for _, f := range later {
		if !f.Waits {
			continue
		}
		wg.Go(func() {
			var b bytes.Buffer
			err := f.Write(&b)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Errorf("%s: %v", f.Name, err)
			}
			got[f.Name] = b.Bytes()
		})
	}
	wg.Wait()
	for i, f := range eager {
		if later[i].Name != f.Name {
			t.Errorf("file %d is %s, want %s", i, later[i].Name, f.Name)
			continue
		}
		var want bytes.Buffer
		if err := f.Write(&want); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got[f.Name], want.Bytes()) {
			t.Errorf("%s differs from the file with Fig1 given", f.Name)
		}
	}
	if rep.Fig1 != f1 {
		t.Error("the report's Fig1 is not Figure 1")
	}

	boom := errors.New("boom")
	failed, _, err := Build(Inputs{Sim: sim, Figure1: func() (*Fig1, error) { return nil, boom }}, DefaultPoints)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range failed {
		var b bytes.Buffer
		err := f.Write(&b)
		if f.Waits != errors.Is(err, boom) {
			t.Errorf("%s: error %v (waits %v)", f.Name, err, f.Waits)
		}
	}
}
