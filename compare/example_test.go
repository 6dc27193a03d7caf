package compare_test

import (
	"context"
	"fmt"

	"github.com/afsel/afsel/compare"
	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/policy"
	"github.com/afsel/afsel/replay"
)

// Compare always-IPv6, the full race and Happy Eyeballs on one pair where
// IPv4 is 20 ms faster every other round.
func Example() {
	v4, v6 := make([]float64, 200), make([]float64, 200)
	for i := range v4 {
		v4[i], v6[i] = 100, 100
		if i%2 == 0 {
			v4[i] = 80
		}
	}
	p := pairs.Probe{ID: 1, Series: []pairs.Series{{Probe: 1, Anchor: 2, V4: v4, V6: v6}}}

	eng, err := replay.NewEngine(replay.DefaultConfig())
	if err != nil {
		panic(err)
	}
	specs, err := policy.ParseList("v6,race,he")
	if err != nil {
		panic(err)
	}
	c, err := compare.New(eng, compare.Config{Specs: specs})
	if err != nil {
		panic(err)
	}
	rp, _, err := eng.NewWorker().Probe(context.Background(), &p, nil)
	if err != nil {
		panic(err)
	}
	cp, err := c.NewWorker().Probe(context.Background(), &p, rp, nil)
	if err != nil {
		panic(err)
	}
	for j, l := range c.Labels() {
		m := cp[0].Metrics[j]
		fmt.Printf("%-14s best choice %.3f, mean %.0f ms, %.0f connection(s)\n", l, m.BestChoice, m.MeanMs, m.Conns)
	}
	// Output:
	// v6             best choice 0.500, mean 100 ms, 1 connection(s)
	// race           best choice 0.994, mean 90 ms, 2 connection(s)
	// he:delay=250ms best choice 0.500, mean 100 ms, 1 connection(s)
}
