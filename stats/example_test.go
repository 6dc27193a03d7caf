package stats_test

import (
	"fmt"

	"github.com/afsel/afsel/stats"
)

func ExampleWelch() {
	v4 := []float64{20.3, 22.1, 21.9}
	v6 := []float64{18.9, 20.3, 19}
	r := stats.Welch(v4, v6, 0.95)
	fmt.Printf("t=%.4f df=%.4f p=%.4f CI=[%.4f, %.4f]\n", r.T, r.DF, r.P, r.Low, r.High)
	// Output:
	// t=2.7989 df=3.7999 p=0.0518 CI=[-0.0263, 4.0930]
}

func ExampleClassifier_Classify() {
	c := stats.NewClassifier(stats.DefaultConfig())
	v4 := make([]float64, 200)
	v6 := make([]float64, 200)
	for i := range v4 {
		v4[i] = 30 + float64(i%10) // IPv4: 30 to 39 ms
		v6[i] = 50 + float64(i%10) // IPv6: 20 ms slower
	}
	r := c.Classify(v4, v6)
	fmt.Println(r.Zone, r.Zone.BestPath(), r.Gain, r.Median)
	// Output:
	// IPv4 is better v4 20 55
}

func ExampleProbeFamily() {
	// Two pairs say IPv6, one none, one is ineligible (none).
	fmt.Printf("%q\n", stats.ProbeFamily([]string{"v6", "v6", "", ""}))
	fmt.Printf("%q\n", stats.ProbeFamily([]string{"v6", "v6", "v4", ""}))
	// Output:
	// ""
	// "v6"
}

// A pair's series is ranked once; the whole and each of its segments are
// then classified from those ranks, as Classify would classify them.
func ExampleRanked() {
	c := stats.NewClassifier(stats.DefaultConfig())
	v4 := make([]float64, 400)
	v6 := make([]float64, 400)
	for i := range v4 {
		v4[i] = 30 + float64(i%10)
		v6[i] = 50 + float64(i%10) // IPv6 20 ms slower...
		if i >= 200 {
			v6[i] = 10 + float64(i%10) // ...then 20 ms faster
		}
	}
	var r4, r6 stats.Ranked
	r4.Rank(v4)
	r6.Rank(v6)
	fmt.Println("whole:", c.ClassifyRanked(&r4, &r6).Zone)
	ends := []int{200, 400}
	r4.Split(ends)
	r6.Split(ends)
	for k := range ends {
		fmt.Printf("segment %d: %v\n", k, c.ClassifyPart(&r4, &r6, k).Zone)
	}
	// Output:
	// whole: None is better
	// segment 0: IPv4 is better
	// segment 1: IPv6 is better
}
