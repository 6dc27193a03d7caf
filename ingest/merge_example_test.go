package ingest_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/afsel/afsel/ingest"
)

// ExampleOpenMerge merges two weeks, each sorted by prb_id, into one
// stream sorted by prb_id: a probe's rows of both weeks come together, the
// first week's first.
func ExampleOpenMerge() {
	dir, err := os.MkdirTemp("", "merge")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	weeks := []string{
		header + "1,9,2023-06-01 00:00:00,10,11,0\n3,9,2023-06-01 00:00:00,12,13,0\n",
		header + "1,9,2023-06-08 00:00:00,14,15,0\n2,9,2023-06-08 00:00:00,16,17,0\n",
	}
	var srcs []ingest.Source
	for i, text := range weeks {
		path := filepath.Join(dir, fmt.Sprintf("week-%d.csv", i+1))
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			panic(err)
		}
		srcs = append(srcs, ingest.Source{Path: path})
	}
	m, err := ingest.OpenMerge(srcs, ingest.Options{})
	if err != nil {
		panic(err)
	}
	defer m.Release()
	for m.Next() {
		rec := m.Record()
		for i := range int(rec.NumRows()) {
			fmt.Println(rec.Column(ingest.IdxProbe).(*array.Int64).Value(i), rec.Column(ingest.IdxV4).(*array.Float64).Value(i))
		}
	}
	fmt.Println(m.Err(), m.Stats().RowsKept)
	// Output:
	// 1 10
	// 1 14
	// 2 16
	// 3 12
	// <nil> 4
}
