package networks

import (
	"cmp"
	"math"
	"slices"
	"strconv"

	"github.com/afsel/afsel/ingest/atlas"
	"github.com/afsel/afsel/replay"
	"github.com/afsel/afsel/stats"
	"github.com/afsel/afsel/tables"
)

// Kinds of group.
const (
	Country = "country"
	ASNv4   = "asn_v4"
	ASNv6   = "asn_v6"
)

// Kinds lists the kinds in the order outputs give them.
var Kinds = []string{Country, ASNv4, ASNv6}

// Unknown is the key of the probes the archive does not describe.
const Unknown = "unknown"

// Group is the study over the eligible pairs of one country or AS.
type Group struct {
	Kind, Key string
	Probes    int
	Pairs     int          // eligible pairs
	Table1    []tables.Row // tables.Rows1 of the group's pairs
	Table2    []tables.Row // tables.Rows2
	// Gain is the median over the group's pairs of EXP3's mean gain per
	// request, ms, at the replay's first gamma (NaN without the replay).
	Gain float64
	// MixedASN counts the pairs whose probe's IPv4 and IPv6 origin ASes
	// differ (both known).
	MixedASN int
}

// key is the group of probe p of kind k.
func key(p atlas.Probe, ok bool, k string) string {
	if !ok {
		return Unknown
	}
	switch k {
	case Country:
		if p.Country != "" {
			return p.Country
		}
	case ASNv4:
		if p.ASNv4 != 0 {
			return "AS" + strconv.FormatInt(p.ASNv4, 10)
		}
	case ASNv6:
		if p.ASNv6 != 0 {
			return "AS" + strconv.FormatInt(p.ASNv6, 10)
		}
	}
	return Unknown
}

// Summarize groups the eligible pairs of tp by each kind: rp is the
// replay of the same pairs (any order; nil without the replay). Groups are
// sorted by kind, then pairs (most first), then key.
func Summarize(tp []tables.Pair, rp []replay.Pair, probes map[int64]atlas.Probe) []Group {
	gain := make(map[[2]int64]float64, len(rp))
	for i := range rp {
		if p := &rp[i]; p.Eligible && len(p.Sims) > 0 {
			gain[[2]int64{p.Probe, p.Anchor}] = p.Sims[0].Gain
		}
	}
	var out []Group
	for _, k := range Kinds {
		type acc struct {
			pairs  []tables.Pair
			probes map[int64]bool
			gains  []float64
			mixed  int
		}
		groups := map[string]*acc{}
		for i := range tp {
			p := &tp[i]
			if !p.Eligible {
				continue
			}
			pr, ok := probes[p.Probe]
			g := key(pr, ok, k)
			a := groups[g]
			if a == nil {
				a = &acc{probes: map[int64]bool{}}
				groups[g] = a
			}
			a.pairs = append(a.pairs, *p)
			a.probes[p.Probe] = true
			if v, ok := gain[[2]int64{p.Probe, p.Anchor}]; ok {
				a.gains = append(a.gains, v)
			}
			if ok && pr.ASNv4 != 0 && pr.ASNv6 != 0 && pr.ASNv4 != pr.ASNv6 {
				a.mixed++
			}
		}
		var gs []Group
		for g, a := range groups {
			t1, t2 := tables.Summarize(a.pairs)
			grp := Group{Kind: k, Key: g, Probes: len(a.probes), Pairs: len(a.pairs),
				Table1: tables.Rows1(t1), Table2: tables.Rows2(t2), Gain: math.NaN(), MixedASN: a.mixed}
			if len(a.gains) > 0 {
				slices.Sort(a.gains)
				grp.Gain = stats.Quantile(a.gains, 0.5)
			}
			gs = append(gs, grp)
		}
		slices.SortFunc(gs, func(a, b Group) int { return cmp.Or(cmp.Compare(b.Pairs, a.Pairs), cmp.Compare(a.Key, b.Key)) })
		out = append(out, gs...)
	}
	return out
}
