package changepoint

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestMerge(t *testing.T) {
	tests := []struct {
		name string
		a, b []int
		want []int
	}{
		{"both empty", nil, nil, []int{}},
		{"one empty", []int{30, 60}, nil, []int{30, 60}},
		{"disjoint", []int{30, 90, 120}, []int{60, 120}, []int{30, 60, 90, 120}},
		{"identical", []int{45, 50, 313}, []int{45, 50, 313}, []int{45, 50, 313}},
		{"interleaved with shared end", []int{40, 70, 100, 296}, []int{50, 70, 80, 296}, []int{40, 50, 70, 80, 100, 296}},
		{"duplicates inside one input", []int{5, 5, 10}, []int{10, 10}, []int{5, 10}},
		{"unsorted input", []int{90, 30}, []int{60, 30}, []int{30, 60, 90}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := slices.Clone(tt.a), slices.Clone(tt.b)
			got := Merge(nil, tt.a, tt.b)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Merge(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
			if !slices.Equal(a, tt.a) || !slices.Equal(b, tt.b) {
				t.Errorf("inputs modified")
			}
		})
	}
}

// TestMergeRandom compares Merge with sorted(set(a + b)) built from a map.
func TestMergeRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var dst []int
	for range 2000 {
		gen := func() []int {
			x := make([]int, r.IntN(20))
			for i := range x {
				x[i] = 5 * r.IntN(40)
			}
			if r.IntN(4) > 0 {
				slices.Sort(x)
			}
			return x
		}
		a, b := gen(), gen()
		set := map[int]bool{}
		for _, v := range slices.Concat(a, b) {
			set[v] = true
		}
		want := []int{}
		for v := range set {
			want = append(want, v)
		}
		slices.Sort(want)
		dst = Merge(dst, a, b)
		if !slices.Equal(dst, want) {
			t.Fatalf("Merge(%v, %v) = %v, want %v", a, b, dst, want)
		}
	}
}
