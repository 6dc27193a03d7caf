package atlas_test

import (
	"bytes"
	"context"
	"io"
	"strconv"
	"testing"

	"github.com/afsel/afsel/ingest/atlas"
)

// BenchmarkPair measures pairing throughput on the golden results,
// decompressed in memory beforehand, at several input sizes (a prefix of
// the file, cut at a line end).
func BenchmarkPair(b *testing.B) { benchPair(b, atlas.Options{}) }

// BenchmarkPairKeepFailures is BenchmarkPair keeping failed tests (the
// golden results' non-200 and error tests, about 1%) and writing outcome
// columns.
func BenchmarkPairKeepFailures(b *testing.B) { benchPair(b, atlas.Options{KeepFailures: true}) }

func benchPair(b *testing.B, opts atlas.Options) {
	all := goldenText(b)
	opts.Anchors = loadAnchors(b)
	total := bytes.Count(all, []byte("\n"))
	for _, frac := range []int{10, 1} {
		data := all[:cutLines(all, total/frac)]
		results := total / frac
		b.Run("results="+strconv.Itoa(results), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				in := []atlas.Input{{Name: "golden", Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}}
				r, err := atlas.NewReader(context.Background(), in, opts)
				if err != nil {
					b.Fatal(err)
				}
				for r.Next() {
				}
				if err := r.Err(); err != nil {
					b.Fatal(err)
				}
				r.Release()
			}
			b.ReportMetric(float64(results)*float64(b.N)/b.Elapsed().Seconds(), "results/s")
		})
	}
}

// cutLines returns the length of the first n lines of data.
func cutLines(data []byte, n int) int {
	end := 0
	for range n {
		i := bytes.IndexByte(data[end:], '\n')
		if i < 0 {
			return len(data)
		}
		end += i + 1
	}
	return end
}
