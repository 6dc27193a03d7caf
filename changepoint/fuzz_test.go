package changepoint

import (
	"encoding/binary"
	"math"
	"slices"
	"testing"
)

// fuzzInput turns fuzzer bytes into a configuration and a series. The first
// byte picks the configuration; each following pair of bytes is one value: an
// int16 scaled to ms with a few decimals, so that runs, ties and spikes come
// easily, unless the high bit of the first byte is set, in which case the
// next 8 bytes are a raw float64 (NaN, Inf, huge and tiny values included).
func fuzzInput(data []byte) ([]float64, Config) {
	if len(data) == 0 {
		return nil, DefaultConfig()
	}
	cfgs := []Config{
		DefaultConfig(),
		{MinSize: 5, Jump: 5, Penalty: 5},
		{MinSize: 2, Jump: 1, Penalty: 1},
		{MinSize: 3, Jump: 4, Penalty: 0},
		{MinSize: 7, Jump: 3, Penalty: 50},
		{MinSize: 0, Jump: 2, Penalty: -1},
	}
	cfg := cfgs[int(data[0])%len(cfgs)]
	raw := data[0]&0x80 != 0
	data = data[1:]
	// The naive reference is roughly cubic in the number of ends; keep small
	// jumps to short series so that the fuzzer stays fast.
	maxN := 400
	if cfg.Jump <= 2 {
		maxN = 120
	}
	var x []float64
	for len(x) < maxN {
		if raw && len(data) >= 8 {
			x = append(x, math.Float64frombits(binary.LittleEndian.Uint64(data)))
			data = data[8:]
			continue
		}
		if len(data) < 2 {
			break
		}
		v := int16(binary.LittleEndian.Uint16(data))
		x = append(x, float64(v)/64)
		data = data[2:]
	}
	return x, cfg
}

// FuzzPelt checks that the guarded fast path agrees with the naive reference
// (and with the exact path) on arbitrary series.
func FuzzPelt(f *testing.F) {
	f.Add([]byte{0})
	f.Add(append([]byte{0}, make([]byte, 120)...))
	step := []byte{1}
	for i := range 60 {
		v := uint16(1000)
		if i >= 30 {
			v = 9000
		}
		step = binary.LittleEndian.AppendUint16(step, v+uint16(i%3))
	}
	f.Add(step)
	raw := []byte{0x80}
	for i := range 40 {
		raw = binary.LittleEndian.AppendUint64(raw, math.Float64bits(113.660974+float64(i%5)))
	}
	f.Add(raw)

	var fast, exact Pelt
	exact.Exact = true
	f.Fuzz(func(t *testing.T, data []byte) {
		x, cfg := fuzzInput(data)
		want, errRef := refPelt(x, cfg.MinSize, cfg.Jump, cfg.Penalty)
		got, err := fast.Breakpoints(nil, x, cfg)
		gotExact, errExact := exact.Breakpoints(nil, x, cfg)
		if (err != nil) != (errRef != nil) || (errExact != nil) != (errRef != nil) {
			t.Fatalf("%+v n=%d: errors fast %v, exact %v, reference %v", cfg, len(x), err, errExact, errRef)
		}
		if !slices.Equal(got, want) || !slices.Equal(gotExact, want) {
			t.Fatalf("%+v x=%v:\n fast      %v\n exact     %v\n reference %v", cfg, x, got, gotExact, want)
		}
	})
}
