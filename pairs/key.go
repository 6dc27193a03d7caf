package pairs

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
)

// Key identifies a (probe, anchor) pair. Every stage's outputs are sorted by
// Compare.
type Key struct{ Probe, Anchor int64 }

// Key is the series' pair.
func (s *Series) Key() Key { return Key{s.Probe, s.Anchor} }

// Compare orders keys by probe, then anchor, as cmp.Compare does numbers.
func Compare(a, b Key) int {
	return cmp.Or(cmp.Compare(a.Probe, b.Probe), cmp.Compare(a.Anchor, b.Anchor))
}

// String is "PRB:ANCHOR", the form of the commands' --pair flag.
func (k Key) String() string { return fmt.Sprintf("%d:%d", k.Probe, k.Anchor) }

// ParseKey parses "PRB:ANCHOR".
func ParseKey(s string) (Key, error) {
	p, a, ok := strings.Cut(s, ":")
	if ok {
		pi, err1 := strconv.ParseInt(p, 10, 64)
		ai, err2 := strconv.ParseInt(a, 10, 64)
		if err1 == nil && err2 == nil {
			return Key{pi, ai}, nil
		}
	}
	return Key{}, fmt.Errorf("pair %q: want PRB:ANCHOR, two integers", s)
}
