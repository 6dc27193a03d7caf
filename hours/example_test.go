package hours_test

import (
	"fmt"
	"os"

	"github.com/afsel/afsel/hours"
	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/stats"
)

func Example() {
	const h = 3_600_000_000 // an hour in µs
	// Two tests at 02:xx UTC, one at 14:xx.
	s := pairs.Series{Probe: 1, Anchor: 2,
		Time: []int64{2*h + 60e6, 2*h + 1800e6, 14 * h},
		V4:   []float64{40, 44, 30},
		V6:   []float64{30, 32, 35},
	}
	var a hours.Analyzer
	p, err := a.Pair(&s, stats.ZoneV6)
	if err != nil {
		panic(err)
	}
	fmt.Println("02 UTC:", p.Diff[2], "ms; 14 UTC:", p.Diff[14], "ms")
	rows := hours.Summarize([]hours.Pair{p})
	if err := hours.WriteCSV(os.Stdout, rows[2*hours.Hours+2:2*hours.Hours+3]); err != nil { // zone 3, hour 2
		panic(err)
	}
	// Output:
	// 02 UTC: 11 ms; 14 UTC: -5 ms
	// zone,hour,pairs,q1_diff_ms,median_diff_ms,q3_diff_ms
	// 3,2,1,11,11,11
}
