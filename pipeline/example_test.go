package pipeline_test

import (
	"context"
	"fmt"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/pipeline"
)

// Tables 1 and 2 of the golden set, as `afsel tables` computes them, with
// the artefacts' profile.
func ExampleRun() {
	in := pipeline.FileInput([]string{"../testdata/golden/data.csv.gz"}, "", ingest.Options{})
	res, err := pipeline.Run(context.Background(), in, pipeline.Artefacts(), pipeline.Stages{Tables: true}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer res.Close()
	t1, t2 := res.Table1, res.Table2
	fmt.Printf("Table 1: IPv4 %d, none %d, IPv6 %d of %d\n", t1.V4, t1.None, t1.V6, t1.Total())
	fmt.Printf("Table 2: A %d, B %d, C %d, D %d\n", t2.A, t2.B, t2.C, t2.D())
	// Output:
	// Table 1: IPv4 193, none 236, IPv6 215 of 644
	// Table 2: A 21, B 125, C 68, D 430
}
