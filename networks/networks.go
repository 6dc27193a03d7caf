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
	byKey := make(map[[2]int64]*replay.Pair, len(rp))
	for i := range rp {
		byKey[[2]int64{rp[i].Probe, rp[i].Anchor}] = &rp[i]
	}
	s := NewSummary(probes)
	for i := range tp {
		s.Add(&tp[i], byKey[[2]int64{tp[i].Probe, tp[i].Anchor}])
	}
	return s.Groups()
}

// Summary groups pairs as they come, for a study that does not hold its
// pairs' segments: a pair's Table 2 groups are counted when it is added.
// The groups do not depend on the order pairs are added in. It is not
// safe for concurrent use.
type Summary struct {
	probes map[int64]atlas.Probe
	groups [3]map[string]*acc // by kind, as Kinds
}

// acc is one group's counts.
type acc struct {
	t1     stats.Table1
	t2     tables.Table2
	pairs  int
	probes map[int64]bool
	gains  []float64
	mixed  int
}

// NewSummary returns an empty summary over the probes' archive.
func NewSummary(probes map[int64]atlas.Probe) *Summary {
	s := &Summary{probes: probes}
	for k := range s.groups {
		s.groups[k] = map[string]*acc{}
	}
	return s
}

// Add counts p, when eligible, with rp its replay (nil without the
// replay), whose EXP3 gain at the first gamma joins the group's median.
func (s *Summary) Add(p *tables.Pair, rp *replay.Pair) {
	if !p.Eligible {
		return
	}
	hasGain := rp != nil && rp.Eligible && len(rp.Sims) > 0
	pr, ok := s.probes[p.Probe]
	mixed := ok && pr.ASNv4 != 0 && pr.ASNv6 != 0 && pr.ASNv4 != pr.ASNv6
	for k, kind := range Kinds {
		g := key(pr, ok, kind)
		a := s.groups[k][g]
		if a == nil {
			a = &acc{probes: map[int64]bool{}}
			s.groups[k][g] = a
		}
		a.t1.Add(p.Class)
		a.t2.Add(p)
		a.pairs++
		a.probes[p.Probe] = true
		if hasGain {
			a.gains = append(a.gains, rp.Sims[0].Gain)
		}
		if mixed {
			a.mixed++
		}
	}
}

// Groups returns the groups, sorted by kind, then pairs (most first), then
// key.
func (s *Summary) Groups() []Group {
	var out []Group
	for k, kind := range Kinds {
		var gs []Group
		for g, a := range s.groups[k] {
			grp := Group{Kind: kind, Key: g, Probes: len(a.probes), Pairs: a.pairs,
				Table1: tables.Rows1(a.t1), Table2: tables.Rows2(a.t2), Gain: math.NaN(), MixedASN: a.mixed}
			if len(a.gains) > 0 {
				gains := slices.Clone(a.gains)
				slices.Sort(gains)
				grp.Gain = stats.Quantile(gains, 0.5)
			}
			gs = append(gs, grp)
		}
		slices.SortFunc(gs, func(a, b Group) int { return cmp.Or(cmp.Compare(b.Pairs, a.Pairs), cmp.Compare(a.Key, b.Key)) })
		out = append(out, gs...)
	}
	return out
}
