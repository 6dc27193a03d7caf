package pairs

import (
	"fmt"
	"testing"
)

func TestKeyCompare(t *testing.T) {
	for _, c := range []struct {
		a, b Key
		want int
	}{
		{Key{1, 2}, Key{1, 2}, 0},
		{Key{1, 9}, Key{2, 0}, -1},
		{Key{2, 0}, Key{1, 9}, 1},
		{Key{1, 2}, Key{1, 3}, -1},
		{Key{-1, 5}, Key{0, 0}, -1},
	} {
		if got := Compare(c.a, c.b); got != c.want {
			t.Errorf("Compare(%v, %v) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestParseKey(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Key
		ok   bool
	}{
		{"1004:6404", Key{1004, 6404}, true},
		{"-1:2", Key{-1, 2}, true},
		{"1004", Key{}, false},
		{"a:1", Key{}, false},
		{"1:", Key{}, false},
	} {
		t.Run(c.in, func(t *testing.T) {
			got, err := ParseKey(c.in)
			if (err == nil) != c.ok || got != c.want {
				t.Fatalf("ParseKey(%q) = %v, %v; want %v, ok %v", c.in, got, err, c.want, c.ok)
			}
			if c.ok && got.String() != c.in {
				t.Errorf("String() = %q, want %q", got.String(), c.in)
			}
		})
	}
}

func FuzzParseKey(f *testing.F) {
	f.Add("1004:6404")
	f.Add("x")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseKey(s)
		if err != nil {
			return
		}
		if k2, err := ParseKey(k.String()); err != nil || k2 != k {
			t.Fatalf("%q: %v does not round-trip: %v, %v", s, k, k2, err)
		}
	})
}

func ExampleParseKey() {
	k, _ := ParseKey("1004:6404")
	fmt.Println(k.Probe, k.Anchor, k, Compare(k, Key{1004, 7000}))
	// Output: 1004 6404 1004:6404 -1
}
