package atlas

import (
	"cmp"

	"github.com/afsel/afsel/outcome"
)

// Window is the pairing window in seconds: BigQuery's
// ABS(TIMESTAMP_DIFF(A, B, MINUTE)) < 2 truncates the difference toward zero
// to whole minutes, which holds exactly when |A − B| < 120 s.
const Window = 120

// row is one paired test.
type row struct {
	anchor     int64
	t4, t6     int64 // Unix seconds
	rt4, rt6   float64
	seq4, seq6 int64
	c4, c6     outcome.Code
}

// cmpTest orders tests by (probe, anchor, family, time, input order).
func cmpTest(a, b test) int {
	return cmp.Or(cmp.Compare(a.probe, b.probe), cmp.Compare(a.anchor, b.anchor),
		cmp.Compare(a.af, b.af), cmp.Compare(a.t, b.t), cmp.Compare(a.seq, b.seq))
}

// cmpRow is the output order within a probe: the IPv4 test's time, the
// anchor, the IPv6 test's time, then input order.
func cmpRow(a, b row) int {
	return cmp.Or(cmp.Compare(a.t4, b.t4), cmp.Compare(a.anchor, b.anchor),
		cmp.Compare(a.t6, b.t6), cmp.Compare(a.seq4, b.seq4), cmp.Compare(a.seq6, b.seq6))
}

// pairer pairs the tests of one probe, reusing its buffers.
type pairer struct {
	dedup bool
	used  []bool
	// failed counts the failed tests in at least one row by family (0 for
	// IPv4, 1 for IPv6) and outcome, added up over calls to pair.
	failed [2][256]int64
}

// pair appends the rows of one probe's tests, sorted by cmpTest, to dst and
// returns it with the number of tests in no row by family. Failed tests
// pair like working ones.
func (p *pairer) pair(ts []test, dst []row) (out []row, unpaired4, unpaired6 int64) {
	for len(ts) > 0 {
		// One anchor: its IPv4 tests, then its IPv6 tests.
		n := 1
		for n < len(ts) && ts[n].anchor == ts[0].anchor {
			n++
		}
		run := ts[:n]
		ts = ts[n:]
		k := 0
		for k < len(run) && run[k].af == 4 {
			k++
		}
		v4, v6 := run[:k], run[k:]
		if cap(p.used) < len(v6) {
			p.used = make([]bool, len(v6))
		}
		used := p.used[:len(v6)]
		clear(used)
		lo := 0
		for _, a := range v4 {
			for lo < len(v6) && v6[lo].t <= a.t-Window {
				lo++
			}
			best, paired := -1, false
			for j := lo; j < len(v6) && v6[j].t < a.t+Window; j++ {
				paired = true
				if p.dedup {
					// The closest; on ties the earliest (v6 is in time order).
					if best < 0 || absDiff(a.t, v6[j].t) < absDiff(a.t, v6[best].t) {
						best = j
					}
					continue
				}
				used[j] = true
				dst = append(dst, newRow(a, v6[j]))
			}
			if best >= 0 {
				used[best] = true
				dst = append(dst, newRow(a, v6[best]))
			}
			switch {
			case !paired:
				unpaired4++
			case a.code.Failed():
				p.failed[0][a.code]++
			}
		}
		for j, u := range used {
			switch {
			case !u:
				unpaired6++
			case v6[j].code.Failed():
				p.failed[1][v6[j].code]++
			}
		}
	}
	return dst, unpaired4, unpaired6
}

func newRow(a, b test) row {
	return row{anchor: a.anchor, t4: a.t, t6: b.t, rt4: a.rt, rt6: b.rt, seq4: a.seq, seq6: b.seq, c4: a.code, c6: b.code}
}

func absDiff(a, b int64) int64 {
	if a < b {
		return b - a
	}
	return a - b
}
