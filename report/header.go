package report

import (
	"fmt"
	"time"

	"github.com/afsel/afsel/figures"
)

// Header is what the report's title and header say of the run it shows.
// The caller takes every field from the run (its summary, its manifest),
// never from the clock at writing time, so that a report written twice from
// the same run is the same.
type Header struct {
	// Input names what was read: the input's path, its files, or the
	// embedded data's name. Empty: unknown.
	Input string
	// Date is the run's date, shown as its UTC day (zero: unknown).
	Date time.Time
	// Synthetic, when not empty, says that the input is generated data, not
	// measurements (pipeline.SyntheticNote): the report shows it in a
	// banner under its title.
	Synthetic string
}

// Day is the run's UTC day, YYYY-MM-DD, or "" when unknown.
func (h Header) Day() string {
	if h.Date.IsZero() {
		return ""
	}
	return h.Date.UTC().Format(time.DateOnly)
}

// Title is the report's title, naming the input and the run's day when
// known: "afsel report: INPUT, run of YYYY-MM-DD".
func (h Header) Title() string {
	t := "afsel report"
	if h.Input != "" {
		t += ": " + h.Input
	}
	if d := h.Day(); d != "" {
		if h.Input != "" {
			t += ","
		} else {
			t += ":"
		}
		t += " run of " + d
	}
	return t
}

// captions say what to read from each figure, keyed by render.Figure.Name;
// the report shows them under the figures. They name no colour or line
// style (the legends do), only what the axes and curves mean.
var captions = map[string]string{
	"fig1": "Left: the distributions (CDFs) of the request completion time (RCT) of IPv4 and IPv6 over the paired tests the filter kept; " +
		"the curve further left is the faster family, and curves that nearly coincide mean that neither is faster overall. " +
		"Right: the CDF of each paired test's IPv4/IPv6 RCT ratio on a log axis; its height at the 1/1.1 mark is the share of tests where IPv4 was more than 10% faster, " +
		"one minus its height at the 1.1 mark the share where IPv6 was (both in the legend, to compare with the paper's), and its steep rise around 1 the tests within 10% of each other.",
	"fig2": "One (probe, anchor) pair: its IPv4 and IPv6 RCTs over its paired tests in time order, cut by the change points into segments, " +
		"each segment's background showing which family is faster within it. " +
		"Read where the faster family changes: segments that disagree with the pair's overall class (in the title) are where a fixed choice of family loses time and an adaptive one can follow.",
	"fig4": "Left: for the pairs of each class, the CDF over pairs of the share of rounds in which a strategy chose the family with the lowest RCT: " +
		"EXP3 (median of its runs), the pair's best family known in hindsight (best for pair) and the probe's majority family (best for probe). " +
		"A curve further right picks the faster family more often; for none-better pairs any choice is right about half the time. " +
		"Middle: the expected gain per request in ms (the pair's mean RCT difference times that share), by the pair's best path; right: that gain relative to the pair's median RCT. " +
		"Curves further right gain more; EXP3 close to best for pair means that learning the family online costs little.",
	"coverage": fmt.Sprintf("For each probe with eligible pairs, the share of its eligible pairs whose faster family is the probe's winning (majority) family, "+
		"and the same share counting its none-better pairs as served too: CDFs over probes, with their medians in the legend (paper: %.0f%% and %.0f%%). "+
		"A single family per probe serves its pairs well only where these shares are near 1; the lower they are, the more a per-destination choice matters.",
		figures.PaperCoverageFamily, figures.PaperCoverageFamilyNone),
	"policies": "One panel per metric of the policy comparison, the CDF over eligible pairs of each policy's per-pair value (the legend is the last panel). " +
		"Best-choice ratio and gain over always IPv6: further right is better; mean RCT, regret against the per-request best family and connections per request: further left is better (fewer connections cost the network less). " +
		"Each panel's axis stops where every policy's CDF has reached 0.95, so the longest tails are cut.",
	"networks_country": "Each bar is one country's eligible pairs (the count in brackets): the share where IPv4 is the better family, where neither is, and where IPv6 is. " +
		"Compare a country's split with the others' and with Table 1; a small count makes its shares uncertain (networks.csv gives their intervals).",
	"policies_failures": "For each policy or client profile, with failed tests counted, the share of requests not yet answered after a given time, on log–log axes. " +
		"A curve that falls earlier answers faster; its late steps are requests delayed by a failed first attempt (a fallback to the other family, or the wait for a connect timeout), " +
		"and the level it keeps at the right edge is the share of requests never answered.",
}

// Caption is what to read from the figure named name (render.Figure.Name),
// or "" for a figure without a caption.
func Caption(name string) string { return captions[name] }
