package pyrand

import (
	"math"
	"strings"
	"testing"
)

// The values below are Python 3.11's random.Random outputs. Those in the
// vectorsMD tests are copied from shared/golden/vectors.md; the others were
// produced with CPython 3.11.7 by
//
//	r = random.Random(seed)
//	u = [r.getrandbits(32) for _ in range(3)]
//	for _ in range(999): r.random()
//	print(u, r.random().hex(), r.getrandbits(64))

func TestVectorsMDUint32(t *testing.T) {
	// vectors.md: random.Random("test"): first ten 32-bit outputs.
	want := []uint32{2815763625, 3602221911, 3155217344, 3700664675, 1075349142,
		2727807919, 3262725517, 1009679959, 809403453, 4140816559}
	r := NewString("test")
	for i, w := range want {
		if got := r.Uint32(); got != w {
			t.Fatalf("output %d = %d, want %d", i, got, w)
		}
	}
}

func TestVectorsMDFloat64(t *testing.T) {
	tests := []struct {
		name string
		r    *Rand
		want []float64
	}{
		// vectors.md: random.Random("test"): first five random() values.
		{"string test", NewString("test"), []float64{0.6555960613392863,
			0.7346312914910028, 0.25037423249421464, 0.7596624809137317, 0.18845392736873756}},
		// vectors.md: random.Random(12345): first three random() values.
		{"int 12345", NewInt(12345), []float64{0.41661987254534116,
			0.010169169457068361, 0.8252065092537432}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i, w := range tt.want {
				checkBits(t, i, tt.r.Float64(), w)
			}
		})
	}
}

func checkBits(t *testing.T, i int, got, want float64) {
	t.Helper()
	if math.Float64bits(got) != math.Float64bits(want) {
		t.Errorf("value %d = %v (%x), want %v (%x)", i, got, got, want, want)
	}
}

func TestSeeds(t *testing.T) {
	tests := []struct {
		name   string
		r      *Rand
		first  [3]uint32 // getrandbits(32) x 3
		r1000  float64   // the 1000th random() after those
		bits64 uint64    // getrandbits(64) after that
	}{
		{"empty string", NewString(""), [3]uint32{4124137760, 1951988028, 2557274880}, 0x1.3130d85575af0p-3, 2837233900893159123},
		{"a", NewString("a"), [3]uint32{1168357962, 2173948116, 289208638}, 0x1.2b51894e3c948p-3, 10851008487187110573},
		{"test", NewString("test"), [3]uint32{2815763625, 3602221911, 3155217344}, 0x1.884120803a350p-3, 13226767523775947202},
		{"non-ASCII", NewString("é∂"), [3]uint32{278477511, 222787109, 2767692705}, 0x1.7712c22ecc6f0p-2, 169384633805046818},                           // UTF-8 bytes
		{"long string", NewString(strings.Repeat("x", 3000)), [3]uint32{2036772161, 3538435759, 2616830263}, 0x1.1bc13e89d6e14p-3, 7155423618771575916}, // key longer than the state
		{"bytes 00", NewBytes([]byte{0}), [3]uint32{3269491616, 3280019994, 1936315298}, 0x1.21595eb7c3c2dp-1, 16783575137638052856},                    // leading zero byte dropped
		{"bytes 000001", NewBytes([]byte{0, 0, 1}), [3]uint32{3176686039, 2688765016, 4220903980}, 0x1.af93e2cc0a141p-1, 17499587693311558017},
		{"int 0", NewInt(0), [3]uint32{3626764237, 1654615998, 3255389356}, 0x1.541334b460766p-1, 14362962130681964666}, // key is one zero word
		{"int 1", NewInt(1), [3]uint32{577090037, 2444712010, 3639700191}, 0x1.2fcb392154e34p-3, 3602844510035242882},
		{"int -1", NewInt(-1), [3]uint32{577090037, 2444712010, 3639700191}, 0x1.2fcb392154e34p-3, 3602844510035242882}, // sign ignored
		{"int 12345", NewInt(12345), [3]uint32{1789368711, 3146859322, 43676229}, 0x1.076434530b55cp-2, 17952511089320291479},
		{"int 2^32-1", NewInt(1<<32 - 1), [3]uint32{2728839433, 2661025012, 872737089}, 0x1.791868e4906bcp-1, 1332874727108228800}, // one word
		{"int 2^32", NewInt(1 << 32), [3]uint32{485306839, 1508871100, 1794561286}, 0x1.dbdca7f05593bp-1, 2618831663306565037},     // two words
		{"int -(2^40+5)", NewInt(-(1<<40 + 5)), [3]uint32{2166296868, 2220160828, 1153647273}, 0x1.7595f82d22573p-1, 1069999332718833280},
		{"int MaxInt64", NewInt(math.MaxInt64), [3]uint32{1359979423, 2819855560, 2711238091}, 0x1.996a23ef222a2p-1, 6855300687138669580},
		{"int MinInt64", NewInt(math.MinInt64), [3]uint32{2377109768, 1691753470, 4039908392}, 0x1.c69979225a544p-1, 13276404779983574008}, // magnitude 2^63
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.r
			for i, w := range tt.first {
				if got := r.Uint32(); got != w {
					t.Errorf("output %d = %d, want %d", i, got, w)
				}
			}
			for range 999 {
				r.Float64()
			}
			checkBits(t, 1000, r.Float64(), tt.r1000)
			if got := r.Uint64(); got != tt.bits64 {
				t.Errorf("Uint64 = %d, want %d", got, tt.bits64)
			}
		})
	}
}

func TestReseed(t *testing.T) {
	r := NewInt(7)
	for range 1000 {
		r.Uint32()
	}
	r.SeedString("test")
	checkBits(t, 0, r.Float64(), 0.6555960613392863)
	r.SeedInt(12345)
	checkBits(t, 0, r.Float64(), 0.41661987254534116)
}

func TestFill(t *testing.T) {
	// Fill must consume the stream exactly as Float64 does, whatever the
	// position in the block and the parity of the word index.
	tests := []struct {
		name    string
		skip    int // Uint32 calls before filling
		lengths []int
	}{
		{"empty", 0, []int{0}},
		{"one", 0, []int{1}},
		{"one block", 0, []int{312}},
		{"across blocks", 0, []int{1000}},
		{"odd start", 1, []int{1000}},
		{"odd start at block end", 623, []int{3}},
		{"pieces", 5, []int{1, 311, 0, 2, 700, 313}},
		{"many blocks", 3, []int{10007}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := NewString("fill"), NewString("fill")
			for range tt.skip {
				a.Uint32()
				b.Uint32()
			}
			for _, n := range tt.lengths {
				dst := make([]float64, n)
				a.Fill(dst)
				for i := range dst {
					checkBits(t, i, dst[i], b.Float64())
				}
			}
			if a.Uint32() != b.Uint32() {
				t.Error("streams differ after Fill")
			}
		})
	}
}

func TestFillNoAlloc(t *testing.T) {
	r := NewString("test")
	dst := make([]float64, 5000)
	if n := testing.AllocsPerRun(10, func() { r.Fill(dst) }); n != 0 {
		t.Errorf("Fill allocates %v times per call", n)
	}
}

func TestFloat64Range(t *testing.T) {
	r := NewInt(1)
	for i := range 100000 {
		if u := r.Float64(); !(u >= 0 && u < 1) {
			t.Fatalf("draw %d = %v, outside [0, 1)", i, u)
		}
	}
}

func TestKeyFromBigEndian(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want []uint32
	}{
		{"empty is zero", nil, []uint32{0}},
		{"zeros are zero", []byte{0, 0, 0}, []uint32{0}},
		{"one byte", []byte{0x12}, []uint32{0x12}},
		{"leading zeros dropped", []byte{0, 0, 0, 0, 0x01, 0x02, 0x03, 0x04}, []uint32{0x01020304}},
		{"five bytes", []byte{0x05, 0x01, 0x02, 0x03, 0x04}, []uint32{0x01020304, 0x05}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := keyFromBigEndian(tt.in)
			if len(got) != len(tt.want) {
				t.Fatalf("key = %x, want %x", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("key = %x, want %x", got, tt.want)
				}
			}
		})
	}
}
