package report

import (
	"fmt"

	"github.com/afsel/afsel/networks"
	"github.com/afsel/afsel/render"
	"github.com/afsel/afsel/stats"
)

// NetworksMinPairs is the fewest eligible pairs a country or AS needs to
// be shown in the report (networks.csv has every group).
const NetworksMinPairs = 10

// NetworksTop is how many groups of each kind the report shows, by pairs.
const NetworksTop = 20

const networksIntro = "Tables 1 and 2 per country and origin AS of the probe (networks.csv, --probes): the groups with at least 10 eligible pairs, the 20 with most pairs of each kind; shares of the group's pairs with Wilson 95% intervals. \"unknown\": probes the archive does not describe. Mixed ASN: pairs whose probe's IPv4 and IPv6 origin ASes differ (often a tunnel)."

// networkKindTitles name the kinds in the report.
var networkKindTitles = map[string]string{
	networks.Country: "country of the probe",
	networks.ASNv4:   "origin AS of the probe's IPv4 address",
	networks.ASNv6:   "origin AS of the probe's IPv6 address",
}

// shown are the groups of kind the report shows, in networks' order.
func shown(groups []networks.Group, kind string) []networks.Group {
	var out []networks.Group
	for _, g := range groups {
		if g.Kind == kind && g.Pairs >= NetworksMinPairs && len(out) < NetworksTop {
			out = append(out, g)
		}
	}
	return out
}

// NetworkTables are the report's tables of the groups, one per kind with
// groups to show.
func NetworkTables(groups []networks.Group) []PolicyZone {
	var out []PolicyZone
	for _, k := range networks.Kinds {
		gs := shown(groups, k)
		if len(gs) == 0 {
			continue
		}
		pz := PolicyZone{Zone: "by " + networkKindTitles[k], KeyName: map[string]string{networks.Country: "country", networks.ASNv4: "AS (IPv4)", networks.ASNv6: "AS (IPv6)"}[k], Metrics: []string{"pairs", "probes", "IPv4 is better", "None is better", "IPv6 is better", "Table 2 A", "EXP3 gain ms (median)", "mixed ASN"}}
		for _, g := range gs {
			pz.Pairs += g.Pairs
			line := PolicyLine{Policy: g.Key, Medians: []string{fmt.Sprint(g.Pairs), fmt.Sprint(g.Probes)}}
			for _, r := range g.Table1[:3] {
				lo, hi := stats.Wilson(int64(r.Count), int64(g.Pairs))
				line.Medians = append(line.Medians, fmt.Sprintf("%.0f%% (%.0f–%.0f%%)", 100*r.Share, 100*lo, 100*hi))
			}
			line.Medians = append(line.Medians, fmt.Sprintf("%.0f%%", 100*g.Table2[0].Share), fmtOr(g.Gain, "%.1f"), fmt.Sprint(g.MixedASN))
			pz.Lines = append(pz.Lines, line)
		}
		out = append(out, pz)
	}
	return out
}

// NetworksFigure draws Table 1's shares of the countries the report shows
// (nil when there are none).
func NetworksFigure(groups []networks.Group) (*render.Figure, error) {
	gs := shown(groups, networks.Country)
	if len(gs) == 0 {
		return nil, nil
	}
	bars := make([]render.ShareBar, len(gs))
	for i, g := range gs {
		bars[i] = render.ShareBar{Label: fmt.Sprintf("%s (%d)", g.Key, g.Pairs), V4: g.Table1[0].Share, None: g.Table1[1].Share, V6: g.Table1[2].Share}
	}
	return render.Networks("networks_country", fmt.Sprintf("Table 1 per country of the probe (the %d with most pairs, at least %d each)", len(gs), NetworksMinPairs), bars)
}
