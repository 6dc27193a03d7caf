package report

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/afsel/afsel/figures"
	"github.com/afsel/afsel/hours"
	"github.com/afsel/afsel/render"
	"github.com/afsel/afsel/replay"
	"github.com/afsel/afsel/stats"
	"github.com/afsel/afsel/tables"
)

// ReplayRow summarises the replay over the eligible pairs of one zone (Zone
// 0: all zones).
type ReplayRow struct {
	Zone                 stats.Zone
	Pairs                int
	Q1, Median, Q3       float64 // median_best_choice (EXP3) quartiles over pairs
	Static, Probe        float64 // medians of static_best_choice and best_path_choice (pairs with a probe family)
	EXP3Gain, StaticGain float64 // medians of replay_metrics' exp3_gain_ms and static_gain_ms (NaN: no metrics)
}

// Label is the zone's name, or "all".
func (r ReplayRow) Label() string { return r.Zone.Label() }

// ReplaySummary summarises the replay's pairs (their first gamma) per zone,
// then over all zones: the EXP3 quartiles are replay.Sweep's. The gains are
// those of the pairs with metrics (the first Sim's Gain not NaN:
// ReadSimulation leaves it NaN until ReadMetrics).
func ReplaySummary(sim []replay.Pair) []ReplayRow {
	// Sweep's gamma is only copied into its rows.
	sweep := replay.Sweep(sim, []float64{math.NaN()})
	rows := make([]ReplayRow, len(sweep))
	for k, sw := range sweep {
		var static, probe, eg, sg []float64
		for i := range sim {
			p := &sim[i]
			if !p.Eligible || (sw.Zone != 0 && p.Class.Zone != sw.Zone) {
				continue
			}
			static = append(static, p.StaticBestChoice)
			if !math.IsNaN(p.BestPathChoice) {
				probe = append(probe, p.BestPathChoice)
			}
			if !math.IsNaN(p.Sims[0].Gain) {
				eg = append(eg, p.Sims[0].Gain)
				sg = append(sg, p.StaticGain)
			}
		}
		for _, x := range [][]float64{static, probe, eg, sg} {
			slices.Sort(x)
		}
		rows[k] = ReplayRow{
			Zone: sw.Zone, Pairs: sw.Pairs, Q1: sw.Q1, Median: sw.Median, Q3: sw.Q3,
			Static: stats.Quantile(static, 0.5), Probe: stats.Quantile(probe, 0.5),
			EXP3Gain: stats.Quantile(eg, 0.5), StaticGain: stats.Quantile(sg, 0.5),
		}
	}
	return rows
}

// Report is everything report.html and report.md show. Any part may be
// missing (nil or empty); Notes explain why.
type Report struct {
	Header         Header // the title, the input, the run's date, a synthetic-data banner
	Table1, Table2 []tables.Row
	Fig1           *figures.Fig1
	Coverage       *figures.Coverage
	Replay         []ReplayRow
	Figures        []*render.Figure
	Summaries      []NamedSummary
	Parameters     []KV // the figures command's own parameters
	Notes          []string
	Policies       []PolicyZone // policy comparison (afsel replay --policies)
	// Failures and FailurePolicies: the failures table and the comparison
	// with failures counted (--failures).
	Failures        []FailureLine
	FailurePolicies []PolicyZone
	// Networks are the tables by country and AS (--probes).
	Networks []PolicyZone
	// Hours is the summary by UTC hour of day (hours.csv, --hours) and
	// HoursFigure its figure (nil: none drawn); the section is left out
	// when Hours is empty.
	Hours       []hours.Row
	HoursFigure *render.Figure
	// Sweep is table2_sweep.csv (afsel sweep --pelt-*) and SweepFigure
	// its figure (nil: none drawn); the section is left out when Sweep is
	// empty.
	Sweep       []tables.SweepRow
	SweepFigure *render.Figure
	// Week is a comparison with another run (afsel compare); nil: none.
	Week *WeekOverWeek
}

// HourLine is one zone of the by-hour section: the most pairs with tests
// in one hour, and the hours of the lowest and highest median over pairs
// of median(v4) − median(v6).
type HourLine struct {
	Zone              string
	Pairs             int
	Low, High         string // ms
	LowHour, HighHour int
}

// hoursIntro introduces the by-hour section.
const hoursIntro = "Per eligible pair, the tests are grouped by the UTC hour of their start time and each hour gets median(v4) − median(v6) in ms (positive: IPv6 faster that hour); per zone of the pair (Table 1), the median and quartiles over the pairs with tests in the hour (hours.csv). The table gives, per zone, the most pairs in one hour and the hours of the lowest and highest median."

// HourLines summarises rows per zone, in hours.Zones' order, leaving out
// the zones without pairs.
func HourLines(rows []hours.Row) []HourLine {
	var out []HourLine
	for _, z := range hours.Zones {
		l := HourLine{Zone: z.Label()}
		var lo, hi float64
		seen := false
		for _, r := range rows {
			if r.Zone != z || r.Pairs == 0 || math.IsNaN(r.Median) {
				continue
			}
			l.Pairs = max(l.Pairs, r.Pairs)
			if !seen || r.Median < lo {
				lo, l.LowHour = r.Median, r.Hour
			}
			if !seen || r.Median > hi {
				hi, l.HighHour = r.Median, r.Hour
			}
			seen = true
		}
		if !seen {
			continue
		}
		l.Low, l.High = fmtOr(lo, "%.1f"), fmtOr(hi, "%.1f")
		out = append(out, l)
	}
	return out
}

// NamedSummary is a summary.json with where it came from.
type NamedSummary struct {
	Name string // e.g. "replay (DIR/summary.json)"
	Summary
}

// TableLine is one row of a table beside the paper's share.
type TableLine struct {
	Category       string
	Count          int
	Share          string // percent
	Paper          string // count (percent), or "—"
	Difference     string // percentage points, or ""
	IsCategoryLine bool
}

func tableLines(rows []tables.Row, paper map[string]tables.Row) []TableLine {
	var out []TableLine
	for _, r := range rows {
		l := TableLine{Category: r.Category, Count: r.Count, Share: fmt.Sprintf("%.1f%%", 100*r.Share), Paper: "—"}
		if v, ok := paper[r.Category]; ok {
			l.Paper = fmt.Sprintf("%d (%.1f%%)", v.Count, 100*v.Share)
			l.Difference = fmt.Sprintf("%+.1f", 100*(r.Share-v.Share))
		}
		out = append(out, l)
	}
	return out
}

// reportView is what the templates see.
type reportView struct {
	*Report
	T1, T2 []TableLine
	SVG    []svgView
	// HourLines and HoursSVG are the by-hour section's table and figure.
	HourLines []HourLine
	HoursSVG  *svgView
	// The sweep's section: its table, caption and figure.
	SweepLines   []SweepLine
	SweepCaption string
	SweepSVG     *svgView
	Week         *weekView
	CovFam, CovFamNone,
	PaperFam, PaperFamNone string
}

type svgView struct {
	Name, Title, Caption string
	SVG                  template.HTML
}

// newSVGView is f's view, with its SVG inline when inline.
func newSVGView(f *render.Figure, caption string, inline bool) (*svgView, error) {
	v := &svgView{Name: f.Name, Title: f.Title, Caption: caption}
	if inline {
		svg, err := f.InlineSVG()
		if err != nil {
			return nil, err
		}
		v.SVG = template.HTML(svg) // our own renderer's output
	}
	return v, nil
}

func (r *Report) view(inline bool) (*reportView, error) {
	v := &reportView{Report: r, T1: tableLines(r.Table1, figures.PaperTable1), T2: tableLines(r.Table2, figures.PaperTable2),
		PaperFam: fmt.Sprintf("%.0f%%", figures.PaperCoverageFamily), PaperFamNone: fmt.Sprintf("%.0f%%", figures.PaperCoverageFamilyNone)}
	if r.Coverage != nil {
		v.CovFam, v.CovFamNone = pct(r.Coverage.MedianFamily), pct(r.Coverage.MedianFamilyNone)
	}
	if len(r.Hours) > 0 {
		v.HourLines = HourLines(r.Hours)
		if f := r.HoursFigure; f != nil {
			var err error
			if v.HoursSVG, err = newSVGView(f, "", inline); err != nil {
				return nil, err
			}
		}
	}
	if len(r.Sweep) > 0 {
		v.SweepLines = SweepLines(r.Sweep)
		v.SweepCaption = SweepCaption(v.SweepLines)
		if f := r.SweepFigure; f != nil {
			var err error
			if v.SweepSVG, err = newSVGView(f, "", inline); err != nil {
				return nil, err
			}
		}
	}
	if r.Week != nil {
		w, err := r.Week.view(inline)
		if err != nil {
			return nil, err
		}
		v.Week = w
	}
	for _, f := range r.Figures {
		s, err := newSVGView(f, Caption(f.Name), inline)
		if err != nil {
			return nil, err
		}
		v.SVG = append(v.SVG, *s)
	}
	return v, nil
}

var funcs = template.FuncMap{
	"pct": pct,
	"f3":  func(x float64) string { return fmtOr(x, "%.3f") },
	"f1":  func(x float64) string { return fmtOr(x, "%.1f") },

	"failuresIntro":        func() string { return failuresIntro },
	"hoursIntro":           func() string { return hoursIntro },
	"failurePoliciesIntro": func() string { return failurePoliciesIntro },
	"networksIntro":        func() string { return networksIntro },
	"sweepIntro":           func() string { return sweepIntro },
	"weekIntro":            func() string { return weekIntro },
}

// mdEscape escapes the characters that Markdown would read as markup in
// text that is not ours (a path, a note).
var mdEscape = strings.NewReplacer(`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`).Replace

// pct formats a share as a percentage.
func pct(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) }

// fmtOr formats x with f, or a dash for NaN.
func fmtOr(x float64, f string) string {
	if math.IsNaN(x) {
		return "—"
	}
	return fmt.Sprintf(f, x)
}

// WriteHTML writes report.html: one self-contained page (inline SVG and
// CSS, no scripts, no network).
func WriteHTML(w io.Writer, r *Report) error {
	v, err := r.view(true)
	if err != nil {
		return err
	}
	return htmlTmpl.Execute(w, v)
}

// WriteMarkdown writes report.md: the same tables, the figures as links to
// the PNG files beside it.
func WriteMarkdown(w io.Writer, r *Report) error {
	v, err := r.view(false)
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", mdEscape(r.Header.Title()))
	if s := r.Header.Synthetic; s != "" {
		fmt.Fprintf(&b, "> **Synthetic data.** %s\n\n", mdEscape(s))
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "> %s\n\n", n)
	}
	table := func(title string, lines []TableLine) {
		if len(lines) == 0 {
			return
		}
		fmt.Fprintf(&b, "## %s\n\n| category | count | share | paper | difference (pp) |\n| --- | ---: | ---: | ---: | ---: |\n", title)
		for _, l := range lines {
			fmt.Fprintf(&b, "| %s | %d | %s | %s | %s |\n", l.Category, l.Count, l.Share, l.Paper, l.Difference)
		}
		b.WriteString("\n")
	}
	table("Table 1: which family is faster per (probe, anchor) pair", v.T1)
	table("Table 2: segments against the pair's global classification", v.T2)
	if r.Coverage != nil {
		fmt.Fprintf(&b, "## Per-probe coverage\n\n%d probes with eligible pairs. Median share of a probe's eligible pairs in its winning family: %s (paper: %s); with its none-better pairs: %s (paper: %s).\n\n",
			len(r.Coverage.Probes), v.CovFam, v.PaperFam, v.CovFamNone, v.PaperFamNone)
	}
	if r.Fig1 != nil {
		f := r.Fig1
		fmt.Fprintf(&b, "## Figure 1 filter\n\n%d paired tests, %d kept (%s). v4 5th/95th: %.4f / %.4f ms; v6: %.4f / %.4f ms. v4/v6 < 1/1.1: %s; > 1.1: %s.\n\n",
			f.RowsBefore, f.RowsAfter, pct(float64(f.RowsAfter)/float64(f.RowsBefore)), f.Q05V4, f.Q95V4, f.Q05V6, f.Q95V6, pct(f.ShareV4Faster), pct(f.ShareV6Faster))
	}
	if len(r.Replay) > 0 {
		b.WriteString("## Replay summary\n\n| zone | pairs | EXP3 q1 | EXP3 median | EXP3 q3 | best for pair (median) | best for probe (median) | EXP3 gain ms (median) | best-for-pair gain ms (median) |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
		for _, x := range r.Replay {
			fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s | %s | %s | %s |\n", x.Label(), x.Pairs, fmtOr(x.Q1, "%.3f"), fmtOr(x.Median, "%.3f"), fmtOr(x.Q3, "%.3f"),
				fmtOr(x.Static, "%.3f"), fmtOr(x.Probe, "%.3f"), fmtOr(x.EXP3Gain, "%.1f"), fmtOr(x.StaticGain, "%.1f"))
		}
		b.WriteString("\n")
	}
	if len(r.Policies) > 0 {
		b.WriteString("## Policy comparison\n\nMedians over the pairs of each zone (policies.csv of afsel replay --policies).\n\n")
		writeZoneTablesMD(&b, r.Policies)
	}
	if len(r.Failures) > 0 {
		b.WriteString("## Failures\n\n" + failuresIntro + "\n\n| scope | measure | count | of | share (95% interval) |\n| --- | --- | ---: | ---: | ---: |\n")
		for _, l := range r.Failures {
			fmt.Fprintf(&b, "| %s | %s | %d | %d | %s |\n", l.Scope, l.Measure, l.Count, l.Total, l.Share)
		}
		b.WriteString("\n")
	}
	if len(r.Networks) > 0 {
		b.WriteString("## By network\n\n" + networksIntro + "\n\n")
		writeZoneTablesMD(&b, r.Networks)
	}
	if len(r.FailurePolicies) > 0 {
		b.WriteString("## Clients with failures counted\n\n" + failurePoliciesIntro + "\n\n")
		writeZoneTablesMD(&b, r.FailurePolicies)
	}
	if len(r.Hours) > 0 {
		b.WriteString("## By hour of day\n\n" + hoursIntro + "\n\n| zone | most pairs in an hour | lowest median ms (hour UTC) | highest median ms (hour UTC) |\n| --- | ---: | ---: | ---: |\n")
		for _, l := range v.HourLines {
			fmt.Fprintf(&b, "| %s | %d | %s (%02d) | %s (%02d) |\n", l.Zone, l.Pairs, l.Low, l.LowHour, l.High, l.HighHour)
		}
		b.WriteString("\n")
		if f := v.HoursSVG; f != nil {
			fmt.Fprintf(&b, "![%s](%s.png)\n\n", f.Name, f.Name)
		}
	}
	if len(v.SweepLines) > 0 {
		b.WriteString("## How robust Table 2 is\n\n" + sweepIntro + "\n\n")
		if f := v.SweepSVG; f != nil {
			fmt.Fprintf(&b, "![%s](%s.png)\n\n", f.Name, f.Name)
		}
		b.WriteString(v.SweepCaption + "\n\n| min_size | jump | penalty | A | B | C | D | A∩B | eligible pairs |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
		for _, l := range v.SweepLines {
			row := fmt.Sprintf("%d | %d | %s | %s | %s | %s | %s | %s | %d", l.MinSize, l.Jump, l.Penalty, l.A, l.B, l.C, l.D, l.AB, l.Pairs)
			if l.Paper {
				row = "**" + strings.ReplaceAll(row, " | ", "** | **") + "**"
			}
			b.WriteString("| " + row + " |\n")
		}
		b.WriteString("\n")
	}
	if v.Week != nil {
		writeWeekMD(&b, v.Week)
	}
	for _, f := range v.SVG {
		fmt.Fprintf(&b, "## %s\n\n![%s](%s.png)\n\n", f.Title, f.Name, f.Name)
		if f.Caption != "" {
			fmt.Fprintf(&b, "%s\n\n", mdEscape(f.Caption))
		}
	}
	kv := func(title string, fields []KV) {
		fmt.Fprintf(&b, "## %s\n\n| key | value |\n| --- | --- |\n", title)
		for _, f := range fields {
			fmt.Fprintf(&b, "| %s | %s |\n", f.Key, strings.ReplaceAll(f.Value, "|", `\|`))
		}
		b.WriteString("\n")
	}
	if len(r.Parameters) > 0 {
		kv("Figures parameters", r.Parameters)
	}
	for _, s := range r.Summaries {
		kv("Run: "+s.Name, s.Fields)
	}
	_, err = io.WriteString(w, b.String())
	return err
}

// zonesTmpl is one table per zone: a row per policy, a column per metric.
const zonesTmpl = `{{define "zones"}}<div class="tables">
{{range .}}<table class="policies">
<caption>{{.Zone}} ({{.Pairs}} pairs)</caption>
<tr><th>{{or .KeyName "policy"}}</th>{{range .Metrics}}<th>{{.}}</th>{{end}}</tr>
{{range .Lines}}<tr><td>{{.Policy}}</td>{{range .Medians}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table>
{{end}}</div>{{end}}`

var htmlTmpl = template.Must(template.Must(template.New("report").Funcs(funcs).Parse(zonesTmpl)).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{.Header.Title}}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 1240px; margin: 1.5em auto; padding: 0 1em; color: #222; line-height: 1.4; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 1.8em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.6em 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.7em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f3f3f3; }
.tables { display: flex; gap: 2.5em; flex-wrap: wrap; }
.note { background: #fff6d6; border-left: 4px solid #e0b000; padding: 0.4em 0.8em; }
figure { margin: 1em 0; } figure svg { width: 100%; height: auto; }
figcaption { margin-top: 0.4em; max-width: 60em; color: #444; font-size: 0.95em; }
.banner { background: #fde8e8; border: 2px solid #c0392b; padding: 0.5em 0.8em; font-size: 1.05em; }
#replay td:first-child, .policies caption { white-space: nowrap; }
.kv td { text-align: left; font-family: ui-monospace, monospace; font-size: 0.85em; }
.kv td:first-child { white-space: nowrap; } .kv td:last-child { overflow-wrap: anywhere; }
.runs { display: flex; gap: 2em; flex-wrap: wrap; align-items: flex-start; }
</style>
</head>
<body>
<header>
<h1>{{.Header.Title}}</h1>
{{with .Header.Synthetic}}<p class="banner" role="note"><strong>Synthetic data.</strong> {{.}}</p>
{{end}}</header>
{{range .Notes}}<p class="note">{{.}}</p>
{{end}}
<h2>Tables beside the paper</h2>
<div class="tables">
{{if .T1}}<table id="table1">
<caption>Table 1: which family is faster per (probe, anchor) pair</caption>
<tr><th>category</th><th>count</th><th>share</th><th>paper</th><th>difference (pp)</th></tr>
{{range .T1}}<tr class="category"><td>{{.Category}}</td><td>{{.Count}}</td><td>{{.Share}}</td><td>{{.Paper}}</td><td>{{.Difference}}</td></tr>
{{end}}</table>{{end}}
{{if .T2}}<table id="table2">
<caption>Table 2: segments against the pair's global classification</caption>
<tr><th>category</th><th>count</th><th>share</th><th>paper</th><th>difference (pp)</th></tr>
{{range .T2}}<tr class="category"><td>{{.Category}}</td><td>{{.Count}}</td><td>{{.Share}}</td><td>{{.Paper}}</td><td>{{.Difference}}</td></tr>
{{end}}</table>{{end}}
</div>
<p>Table 2: A = global IPv4 (IPv6) better with a segment where IPv6 (IPv4) is better; B = global IPv4 or IPv6 better with a none-better segment; C = global none better with an IPv4 or IPv6 segment; D = total − A − B − C, as in the artefacts (a pair in both A and B, counted in overlap_A_B, lowers D twice).</p>
{{with .Coverage}}
<h2>Per-probe coverage</h2>
<p>{{len .Probes}} probes with eligible pairs. Median share of a probe's eligible pairs classified in its winning family: <b>{{$.CovFam}}</b> (paper: {{$.PaperFam}}); with its none-better pairs: <b>{{$.CovFamNone}}</b> (paper: {{$.PaperFamNone}}).</p>
{{end}}
{{with .Fig1}}
<h2>Figure 1 filter</h2>
<p>{{.RowsBefore}} paired tests, {{.RowsAfter}} kept by q05 &lt; RCT &lt; q95 on both families. IPv4 5th/95th percentiles: {{f3 .Q05V4}} / {{f3 .Q95V4}} ms; IPv6: {{f3 .Q05V6}} / {{f3 .Q95V6}} ms. Ratio v4/v6 below 1/1.1 (IPv4 more than 10% faster): <b>{{pct .ShareV4Faster}}</b>; above 1.1 (IPv6 more than 10% faster): <b>{{pct .ShareV6Faster}}</b>.</p>
{{end}}
{{if .Replay}}
<h2>Replay summary</h2>
<table id="replay">
<tr><th>zone</th><th>pairs</th><th>EXP3 q1</th><th>EXP3 median</th><th>EXP3 q3</th><th>best for pair (median)</th><th>best for probe (median)</th><th>EXP3 gain ms (median)</th><th>best-for-pair gain ms (median)</th></tr>
{{range .Replay}}<tr><td>{{.Label}}</td><td>{{.Pairs}}</td><td>{{f3 .Q1}}</td><td>{{f3 .Median}}</td><td>{{f3 .Q3}}</td><td>{{f3 .Static}}</td><td>{{f3 .Probe}}</td><td>{{f1 .EXP3Gain}}</td><td>{{f1 .StaticGain}}</td></tr>
{{end}}</table>
<p>Shares of rounds where the choice had the lowest RCT: EXP3 (median over 100 runs), the pair's a-posteriori best family, and the probe's majority family (pairs whose probe has one).</p>
{{end}}
{{if .Policies}}
<h2>Policy comparison</h2>
<p>Medians over the pairs of each zone (policies.csv of afsel replay --policies).</p>
{{template "zones" .Policies}}
{{end}}
{{if .Failures}}
<h2>Failures</h2>
<p>{{failuresIntro}}</p>
<table id="failures">
<tr><th>scope</th><th>measure</th><th>count</th><th>of</th><th>share (95% interval)</th></tr>
{{range .Failures}}<tr><td>{{.Scope}}</td><td>{{.Measure}}</td><td>{{.Count}}</td><td>{{.Total}}</td><td>{{.Share}}</td></tr>
{{end}}</table>
{{end -}}
{{if .Networks}}
<h2>By network</h2>
<p>{{networksIntro}}</p>
{{template "zones" .Networks}}
{{end -}}
{{if .FailurePolicies}}
<h2>Clients with failures counted</h2>
<p>{{failurePoliciesIntro}}</p>
{{template "zones" .FailurePolicies}}
{{end -}}
{{if .Hours}}
<h2>By hour of day</h2>
<p>{{hoursIntro}}</p>
<table id="hours-table">
<tr><th>zone</th><th>most pairs in an hour</th><th>lowest median ms (hour UTC)</th><th>highest median ms (hour UTC)</th></tr>
{{range .HourLines}}<tr><td>{{.Zone}}</td><td>{{.Pairs}}</td><td>{{.Low}} ({{printf "%02d" .LowHour}})</td><td>{{.High}} ({{printf "%02d" .HighHour}})</td></tr>
{{end}}</table>
{{with .HoursSVG}}<figure id="{{.Name}}">
{{.SVG}}
<figcaption>{{.Title}}: per zone, the median over pairs (line) and the interquartile range (band); above 0, IPv6 is faster.</figcaption>
</figure>
{{end}}{{end -}}
{{if .SweepLines}}
<h2 id="sweep">How robust Table 2 is</h2>
<p>{{sweepIntro}}</p>
{{with .SweepSVG}}<figure id="{{.Name}}">
{{.SVG}}
<figcaption>{{$.SweepCaption}}</figcaption>
</figure>
{{else}}<p>{{.SweepCaption}}</p>
{{end}}<table id="sweep-table">
<tr><th>min_size</th><th>jump</th><th>penalty</th><th>A</th><th>B</th><th>C</th><th>D</th><th>A∩B</th><th>eligible pairs</th></tr>
{{range .SweepLines}}<tr{{if .Paper}} style="font-weight: bold"{{end}}><td>{{.MinSize}}</td><td>{{.Jump}}</td><td>{{.Penalty}}</td><td>{{.A}}</td><td>{{.B}}</td><td>{{.C}}</td><td>{{.D}}</td><td>{{.AB}}</td><td>{{.Pairs}}</td></tr>
{{end}}</table>
{{end -}}
{{with .Week}}
<h2 id="week">Week over week</h2>
<p>{{weekIntro}}</p>
<p style="overflow-wrap: anywhere">A: <code>{{.A}}</code> ({{.EligibleA}} eligible pairs); B: <code>{{.B}}</code> ({{.EligibleB}} eligible pairs); comparison: <code>{{.Dir}}</code>.</p>
{{range .Notes}}<p class="note">{{.}}</p>
{{end}}{{range .Forced}}<p class="note">Compared although a parameter differs (--force): {{.}}</p>
{{end}}<table id="transitions-table">
<caption>Table 1 class in A (rows) and in B (columns): pairs (share of the row)</caption>
<tr><th>class in A \ in B</th>{{range .Classes}}<th>{{.}}</th>{{end}}<th>pairs</th></tr>
{{range .Rows}}<tr><td>{{.Class}}</td>{{range .Cells}}<td>{{.}}</td>{{end}}<td>{{.Total}}</td></tr>
{{end}}</table>
<p>Keeping their class: <b>{{.KeptText}}</b>. EXP3's best-choice ratio, B − A: {{.Change}}. New pairs (eligible in B only): <b>{{.New}}</b>; gone (eligible in A only): <b>{{.Gone}}</b>.</p>
{{with .SVG}}<figure id="{{.Name}}">
{{.SVG}}
<figcaption>{{.Title}}. A cell's shade is its share of the row; the diagonal (dashed) is the pairs keeping their class.</figcaption>
</figure>
{{end}}{{end -}}
{{range .SVG}}
<h2>{{.Title}}</h2>
<figure id="{{.Name}}">
{{.SVG}}
{{with .Caption}}<figcaption>{{.}}</figcaption>
{{end}}</figure>
{{end}}
<h2>Run parameters and inputs</h2>
<div class="runs">
{{if .Parameters}}<table class="kv"><caption>figures</caption>
{{range .Parameters}}<tr><td>{{.Key}}</td><td>{{.Value}}</td></tr>
{{end}}</table>{{end}}
{{range .Summaries}}<table class="kv"><caption>{{.Name}}</caption>
{{range .Fields}}<tr><td>{{.Key}}</td><td>{{.Value}}</td></tr>
{{end}}</table>
{{end}}
</div>
</body>
</html>
`))

// writeZoneTablesMD writes one Markdown table per zone: a row per policy,
// a column per metric.
func writeZoneTablesMD(b *strings.Builder, zones []PolicyZone) {
	for _, z := range zones {
		key := z.KeyName
		if key == "" {
			key = "policy"
		}
		fmt.Fprintf(b, "### %s (%d pairs)\n\n| %s |", z.Zone, z.Pairs, key)
		for _, m := range z.Metrics {
			fmt.Fprintf(b, " %s |", m)
		}
		b.WriteString("\n| --- |" + strings.Repeat(" ---: |", len(z.Metrics)) + "\n")
		for _, l := range z.Lines {
			fmt.Fprintf(b, "| %s |", strings.ReplaceAll(l.Policy, "|", `\|`))
			for _, m := range l.Medians {
				fmt.Fprintf(b, " %s |", m)
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
}
