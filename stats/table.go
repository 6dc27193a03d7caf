package stats

// Table1 counts eligible pairs by zone (the paper's Table 1).
type Table1 struct {
	V4, None, V6 int
	NaNQuirk     int // pairs classified through the NaN quirk (counted in V4)
}

// Add counts one pair's classification.
func (t *Table1) Add(r Result) {
	switch r.Zone {
	case ZoneV4:
		t.V4++
	case ZoneNone:
		t.None++
	case ZoneV6:
		t.V6++
	}
	if r.NaNQuirk {
		t.NaNQuirk++
	}
}

// Merge adds the counts of b, counted over other pairs.
func (t *Table1) Merge(b Table1) {
	t.V4 += b.V4
	t.None += b.None
	t.V6 += b.V6
	t.NaNQuirk += b.NaNQuirk
}

// Total is the number of classified pairs.
func (t Table1) Total() int { return t.V4 + t.None + t.V6 }

// Family is a probe's majority family: "v4", "v6" or "" (none).
type Family string

// ProbeFamily returns the artefacts' per-probe family from the best_path
// labels ("v4", "v6" or "") of all the probe's pairs, ineligible ones
// counting as "": v4 when it outnumbers both v6 and "", v6 likewise, else
// none.
func ProbeFamily(bestPaths []string) Family {
	var n4, n6, none int
	for _, p := range bestPaths {
		switch p {
		case "v4":
			n4++
		case "v6":
			n6++
		default:
			none++
		}
	}
	switch {
	case n4 > n6 && n4 > none:
		return "v4"
	case n6 > n4 && n6 > none:
		return "v6"
	}
	return ""
}
