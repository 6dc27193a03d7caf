package transition_test

import (
	"fmt"
	"math"

	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/stats"
	"github.com/afsel/afsel/transition"
)

func ExampleDiff() {
	pair := func(probe int64, z stats.Zone, bestChoice float64) transition.Pair {
		return transition.Pair{Key: pairs.Key{Probe: probe, Anchor: 6000}, Eligible: z != 0, Zone: z, BestChoice: bestChoice}
	}
	week1 := &transition.Run{Dir: "week1", BestChoice: true, Pairs: []transition.Pair{
		pair(1, stats.ZoneV4, 0.9), pair(2, stats.ZoneNone, 0.5), pair(3, stats.ZoneV6, 0.8), pair(4, stats.ZoneV6, 0.85),
	}}
	week2 := &transition.Run{Dir: "week2", BestChoice: true, Pairs: []transition.Pair{
		pair(1, stats.ZoneV4, 0.92), pair(2, stats.ZoneV6, 0.7), pair(3, stats.ZoneV6, 0.8), pair(4, 0, math.NaN()), pair(5, stats.ZoneNone, 0.5),
	}}
	res, err := transition.Diff(week1, week2, false)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("eligible in both: %d, keeping their class: %d (%.0f%%)\n", res.Both, res.Kept, 100*res.KeptShare)
	fmt.Printf("None is better -> IPv6 is better: %d\n", res.Matrix[1][2].Pairs)
	fmt.Printf("best-choice change: median %+.2f, mean %+.3f\n", res.BestChoice.Median, res.BestChoice.Mean)
	fmt.Printf("new %v, gone %v\n", res.New[0].Key, res.Gone[0].Key)
	// Output:
	// eligible in both: 3, keeping their class: 2 (67%)
	// None is better -> IPv6 is better: 1
	// best-choice change: median +0.02, mean +0.073
	// new 5:6000, gone 4:6000
}
