package synth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/outcome"
)

func smallConfig(pairs int, seed uint64, workers int) Config {
	cfg := DefaultConfig()
	cfg.Pairs, cfg.Seed, cfg.Workers = pairs, seed, workers
	cfg.BatchRows = 5000 // several batches, probes split across them
	return cfg
}

func csvBytes(t *testing.T, cfg Config) []byte {
	t.Helper()
	r, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	var b bytes.Buffer
	if _, err := ingest.WriteCSV(context.Background(), &b, r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestDeterministic(t *testing.T) {
	one := csvBytes(t, smallConfig(300, 7, 1))
	four := csvBytes(t, smallConfig(300, 7, 4))
	if !bytes.Equal(one, four) {
		t.Error("CSV differs between 1 and 4 workers")
	}
	other := csvBytes(t, smallConfig(300, 8, 4))
	if bytes.Equal(one, other) {
		t.Error("seeds 7 and 8 give the same data")
	}

	// Arrow IPC files too, byte for byte.
	dir := t.TempDir()
	var files [][]byte
	for _, w := range []int{1, 4} {
		r, err := New(context.Background(), smallConfig(300, 7, w))
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, fmt.Sprintf("w%d.arrow", w))
		if _, err := ingest.WriteIPC(context.Background(), path, r); err != nil {
			t.Fatal(err)
		}
		r.Release()
		files = append(files, readFile(t, path))
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Error("Arrow file differs between 1 and 4 workers")
	}
}

// TestOutput checks the invariants of the stream: schema, order, values,
// size, and that no buffer leaks.
func TestOutput(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	cfg := smallConfig(600, 3, 3)
	cfg.Allocator = mem
	r, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	if err := ingest.CheckSchema(r.Schema()); err != nil {
		t.Fatal(err)
	}
	type key struct{ probe, anchor int64 }
	var (
		rows, batches int
		lastProbe     int64 = -1
		lastProbeTime int64
		lastPairTime  = map[key]int64{}
		probes        = map[int64]bool{}
		start         = cfg.Start.UnixMicro()
		end           = cfg.Start.Add(time.Duration(cfg.Days) * 24 * time.Hour).UnixMicro()
	)
	for r.Next() {
		rec := r.Record()
		if err := ingest.CheckSchema(rec.Schema()); err != nil {
			t.Fatal(err)
		}
		batches++
		if n := rec.NumRows(); n > int64(cfg.BatchRows) {
			t.Fatalf("batch of %d rows > %d", n, cfg.BatchRows)
		}
		probe := rec.Column(ingest.IdxProbe).(*array.Int64).Int64Values()
		anchor := rec.Column(ingest.IdxAnchor).(*array.Int64).Int64Values()
		times := rec.Column(ingest.IdxStartTime).(*array.Timestamp).TimestampValues()
		v4 := rec.Column(ingest.IdxV4).(*array.Float64).Float64Values()
		v6 := rec.Column(ingest.IdxV6).(*array.Float64).Float64Values()
		for i := range probe {
			p, a, ts := probe[i], anchor[i], int64(times[i])
			switch {
			case p < lastProbe:
				t.Fatalf("row %d: probe %d after %d", rows, p, lastProbe)
			case p == lastProbe && ts < lastProbeTime:
				t.Fatalf("row %d: probe %d not in time order", rows, p)
			case p < 1 || a < 6000 || a > 7100:
				t.Fatalf("row %d: ids %d, %d out of range", rows, p, a)
			case ts < start || ts >= end:
				t.Fatalf("row %d: time %s outside the campaign", rows, ingest.FormatTimestamp(ts))
			case !(v4[i] > 0) || !(v6[i] > 0) || math.IsInf(v4[i], 0) || math.IsInf(v6[i], 0):
				t.Fatalf("row %d: durations %v, %v", rows, v4[i], v6[i])
			}
			if p != lastProbe {
				if probes[p] {
					t.Fatalf("probe %d appears twice", p)
				}
				probes[p] = true
			}
			k := key{p, a}
			if last, ok := lastPairTime[k]; ok && ts-last < int64(cfg.Interval/time.Microsecond)/5 {
				t.Fatalf("row %d: pair %v tests %d us apart", rows, k, ts-last)
			}
			lastPairTime[k] = ts
			lastProbe, lastProbeTime = p, ts
			rows++
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	if len(lastPairTime) != cfg.Pairs {
		t.Errorf("%d pairs, want %d", len(lastPairTime), cfg.Pairs)
	}
	if len(probes) != r.Probes() {
		t.Errorf("%d probes, reader says %d", len(probes), r.Probes())
	}
	if st := r.Stats(); st.RowsRead != int64(rows) || st.RowsKept != int64(rows) || st.DroppedTotal() != 0 {
		t.Errorf("stats %+v, want %d rows read and kept", st, rows)
	}
	// About 336 slots a week, most pairs covering most of it: the mean is
	// a bit over the eligible share of the slots.
	perPair := float64(rows) / float64(cfg.Pairs)
	if want := float64(cfg.Slots()) * 0.81; math.Abs(perPair-want) > 0.15*want {
		t.Errorf("%.1f rows per pair, want about %.0f", perPair, want)
	}
	if batches < 2 {
		t.Errorf("%d batches, want several", batches)
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r, err := New(ctx, smallConfig(2000, 1, 2))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	if !r.Next() {
		t.Fatal("no first batch")
	}
	cancel()
	for r.Next() {
	}
	if !errors.Is(r.Err(), context.Canceled) {
		t.Errorf("Err = %v, want context.Canceled", r.Err())
	}
}

func TestReleaseEarly(t *testing.T) {
	// Releasing before the end stops the workers (the test would hang
	// otherwise).
	r, err := New(context.Background(), smallConfig(2000, 1, 4))
	if err != nil {
		t.Fatal(err)
	}
	r.Next()
	r.Release()
}

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(*Config)
	}{
		{"negative pairs", func(c *Config) { c.Pairs = -1 }},
		{"no days", func(c *Config) { c.Days = 0 }},
		{"short interval", func(c *Config) { c.Interval = time.Minute }},
		{"no start", func(c *Config) { c.Start = time.Time{} }},
		{"share above 1", func(c *Config) { c.Model.ShortShare = 0.9; c.Model.PartialShare = 0.2 }},
		{"anchor pool too big", func(c *Config) { c.Model.AnchorPool = 5000 }},
		{"failures: rate above the cap", func(c *Config) { c.Failures = true; c.Model.V6FailRate = 0.3 }},
		{"failures: negative rate", func(c *Config) { c.Failures = true; c.Model.V4FailRate = -0.1 }},
		{"failures: NaN spread", func(c *Config) { c.Failures = true; c.Model.FailNetSpread = math.NaN() }},
		{"failures: runs shorter than a test", func(c *Config) { c.Failures = true; c.Model.FailBurst = 0.5 }},
		{"failures: cap out of the runs' reach", func(c *Config) { c.Failures = true; c.Model.FailBurst, c.Model.FailMaxRate = 1, 0.6 }},
		{"failures: no kinds", func(c *Config) { c.Failures = true; c.Model.FailKinds = nil }},
		{"failures: ok is no kind", func(c *Config) { c.Failures = true; c.Model.FailKinds = []FailKind{{outcome.OK, 1}} }},
		{"failures: unknown kind", func(c *Config) { c.Failures = true; c.Model.FailKinds = []FailKind{{outcome.Code(99), 1}} }},
		{"failures: shares sum to 0", func(c *Config) { c.Failures = true; c.Model.FailKinds = []FailKind{{outcome.DNSError, 0}} }},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := DefaultConfig()
			c.edit(&cfg)
			if _, err := New(context.Background(), cfg); err == nil {
				t.Error("no error")
			}
		})
	}
	if err := PaperScale().Validate(); err != nil {
		t.Errorf("PaperScale: %v", err)
	}
	// The failure parameters matter only with Failures.
	cfg := DefaultConfig()
	cfg.Model.FailKinds, cfg.Model.FailBurst = nil, 0
	if err := cfg.Validate(); err != nil {
		t.Errorf("without failures, their parameters: %v", err)
	}
	cfg = DefaultConfig()
	cfg.Failures = true
	cfg.Model.V4FailRate = 0 // no IPv4 failure at all
	if err := cfg.Validate(); err != nil {
		t.Errorf("IPv4 failure rate 0: %v", err)
	}
}

func TestZeroPairs(t *testing.T) {
	r, err := New(context.Background(), smallConfig(0, 1, 2))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	if r.Next() || r.Err() != nil {
		t.Errorf("want an empty stream, got a batch or %v", r.Err())
	}
}

func TestCSVReadsBack(t *testing.T) {
	cfg := smallConfig(50, 2, 2)
	path := filepath.Join(t.TempDir(), "x.csv.gz")
	r, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	n, err := ingest.WriteCSVFile(context.Background(), path, r)
	r.Release()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ingest.Open(path, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer back.Release()
	r2, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Release()
	var got, want []float64
	for back.Next() {
		got = append(got, back.Record().Column(ingest.IdxV4).(*array.Float64).Float64Values()...)
	}
	for r2.Next() {
		want = append(want, r2.Record().Column(ingest.IdxV4).(*array.Float64).Float64Values()...)
	}
	if back.Err() != nil || int64(len(got)) != n || len(got) != len(want) {
		t.Fatalf("read back %d rows (err %v), wrote %d, generated %d", len(got), back.Err(), n, len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("row %d: v4 %v read back as %v", i, want[i], got[i])
		}
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
