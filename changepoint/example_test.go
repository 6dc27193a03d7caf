package changepoint_test

import (
	"fmt"

	"github.com/afsel/afsel/changepoint"
)

// ExamplePelt_Breakpoints segments a pair's IPv4 and IPv6 latencies with the
// artefacts' parameters and builds the segments of the union, as Table 2 does.
func ExamplePelt_Breakpoints() {
	// IPv4: 60 tests near 113 ms, then 60 near 180 ms.
	// IPv6: 90 tests near 104 ms, then 30 near 95 ms.
	v4 := make([]float64, 120)
	v6 := make([]float64, 120)
	for i := range v4 {
		jitter := float64(i%7) * 0.013579
		v4[i], v6[i] = 113.660974+jitter, 104.783884+jitter
		if i >= 60 {
			v4[i] += 66.5
		}
		if i >= 90 {
			v6[i] -= 9.25
		}
	}

	var p changepoint.Pelt // reuse one per worker across series
	cfg := changepoint.DefaultConfig()
	b4, err := p.Breakpoints(nil, v4, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	b6, err := p.Breakpoints(nil, v6, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	union := changepoint.Merge(nil, b4, b6)
	fmt.Println("v4:", b4)
	fmt.Println("v6:", b6)
	fmt.Println("union:", union)

	_, err = p.Breakpoints(nil, v4[:20], cfg)
	fmt.Println(err)
	// Output:
	// v4: [60 120]
	// v6: [90 120]
	// union: [60 90 120]
	// changepoint: series shorter than the minimum segment size: 20 points, min_size 30
}

// ExampleMerge takes the union of two breakpoint lists, Python's
// sorted(set(a + b)).
func ExampleMerge() {
	v4 := []int{45, 75, 313}
	v6 := []int{50, 75, 120, 313}
	fmt.Println(changepoint.Merge(nil, v4, v6))
	// Output:
	// [45 50 75 120 313]
}
