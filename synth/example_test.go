package synth_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/synth"
)

// Generate a small week of paired tests and write them in the authors' CSV
// layout. The data are a function of the seed: the same Config always
// gives the same rows, whatever the number of workers.
func Example() {
	cfg := synth.DefaultConfig()
	cfg.Pairs = 20
	cfg.Seed = 42
	r, err := synth.New(context.Background(), cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Release()
	var b bytes.Buffer
	rows, err := ingest.WriteCSV(context.Background(), &b, r)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("probes:", r.Probes(), "rows:", rows)
	for _, line := range strings.SplitN(b.String(), "\n", 4)[:3] {
		fmt.Println(line)
	}
	// Output:
	// probes: 7 rows: 5226
	// prb_id,anchor_id,start_time,v4_duration,v6_duration,v4_v6_ratio
	// 616,6466,2023-06-01 00:01:56.993438 UTC,72.854837,68.98988,1.056022086137851
	// 616,6878,2023-06-01 00:06:14.513287 UTC,302.704874,280.814498,1.0779531546836303
}
