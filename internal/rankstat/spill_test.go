package rankstat

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
)

// TestSpill: what is added comes back, in chunks of at most spillChunk
// rows, on every pass and from ReadAll, and Reset empties the spill; in
// memory while it holds few enough rows, else through a file that is not
// left behind.
func TestSpill(t *testing.T) {
	for _, memory := range []int{0, 1000, spillChunk, 10 * spillChunk} {
		t.Run(fmt.Sprint(memory), func(t *testing.T) { testSpill(t, memory) })
	}
}

func testSpill(t *testing.T, memory int) {
	dir := t.TempDir()
	s := NewSpill(dir, memory)
	rng := rand.New(rand.NewPCG(1, 1))
	var want4, want6 []float64
	add := func(n int) {
		v4, v6 := make([]float64, n), make([]float64, n)
		for i := range v4 {
			v4[i], v6[i] = rng.Float64(), rng.Float64()
		}
		want4, want6 = append(want4, v4...), append(want6, v6...)
		s.Add(v4, v6)
	}
	add(10)
	s.Reset()
	want4, want6 = nil, nil
	for _, n := range []int{0, 1, 300, spillChunk - 1, 2, spillChunk + 5, 7} {
		add(n)
	}
	if err := s.Finish(); err != nil {
		t.Fatal(err)
	}
	for pass := range 2 {
		var got4, got6 []float64
		err := s.Pass()(context.Background(), func(v4, v6 []float64) error {
			if len(v4) != len(v6) || len(v4) == 0 || len(v4) > 2*spillChunk {
				t.Fatalf("pass %d: chunk of %d and %d tests", pass, len(v4), len(v6))
			}
			got4, got6 = append(got4, v4...), append(got6, v6...)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got4, want4) || !slices.Equal(got6, want6) {
			t.Fatalf("pass %d: %d tests back, want %d (or values differ)", pass, len(got4), len(want4))
		}
	}
	got4, got6, err := s.ReadAll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got4, want4) || !slices.Equal(got6, want6) {
		t.Fatalf("readAll: %d tests back, want %d (or values differ)", len(got4), len(want4))
	}
	if s.Rows() != int64(len(want4)) {
		t.Errorf("Rows() = %d, want %d", s.Rows(), len(want4))
	}
	if inMemory := len(want4) <= memory; s.InMemory() != inMemory {
		t.Fatalf("%d tests, %d in memory at most: in memory %v", len(want4), memory, s.InMemory())
	}
	s.Close()
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) > 0 {
		t.Errorf("spill files left behind: %q", left)
	}
}
