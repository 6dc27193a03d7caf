package policy_test

import (
	"fmt"

	"github.com/afsel/afsel/policy"
)

// Happy Eyeballs with Chrome's 300 ms head start, replayed on three rounds
// of recorded durations (ms).
func ExampleParse() {
	sp, err := policy.Parse("he:chrome")
	if err != nil {
		panic(err)
	}
	st, _ := sp.New()
	st.Reset(nil)
	for _, d := range [][2]float64{{90, 120}, {90, 350}, {20, 350}} {
		o := st.Play(policy.Both(d[0], d[1]))
		fmt.Printf("v4 %3v v6 %3v: arm %d after %v ms, %d connection(s)\n", d[0], d[1], o.Arm, o.Latency, o.Conns)
	}
	fmt.Println(sp)
	// Output:
	// v4  90 v6 120: arm 1 after 120 ms, 1 connection(s)
	// v4  90 v6 350: arm 1 after 350 ms, 2 connection(s)
	// v4  20 v6 350: arm 0 after 320 ms, 2 connection(s)
	// he:delay=300ms
}
