package synth_test

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/apache/arrow/go/v15/arrow/array"

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

// Generate the same week with failed tests: the rows are those above, but
// some tests failed instead of working, their duration null and their
// outcome named.
func ExampleConfig_failures() {
	cfg := synth.DefaultConfig()
	cfg.Pairs = 20
	cfg.Seed = 42
	cfg.Failures = true
	r, err := synth.New(context.Background(), cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Release()
	var names []string
	for _, f := range r.Schema().Fields() {
		names = append(names, f.Name)
	}
	fmt.Println("columns:", strings.Join(names, ","))
	rows := 0
	failed := map[string]int{}
	for r.Next() {
		rec := r.Record()
		rows += int(rec.NumRows())
		for _, col := range []int{ingest.IdxV4Outcome, ingest.IdxV6Outcome} {
			o := rec.Column(col).(*array.String)
			for i := range o.Len() {
				if o.Value(i) != "ok" {
					failed[rec.ColumnName(col)+" "+o.Value(i)]++
				}
			}
		}
	}
	fmt.Println("rows:", rows)
	for _, k := range slices.Sorted(maps.Keys(failed)) {
		fmt.Println(k, failed[k])
	}
	// Output:
	// columns: prb_id,anchor_id,start_time,v4_duration,v6_duration,v4_outcome,v6_outcome
	// rows: 5226
	// v4_outcome connect_failed 7
	// v4_outcome connect_timeout 3
	// v4_outcome http_error 2
	// v6_outcome connect_timeout 24
	// v6_outcome dns_error 2
	// v6_outcome http_error 16
	// v6_outcome read_timeout 4
}
