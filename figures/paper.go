package figures

import "github.com/afsel/afsel/tables"

// The paper's Tables 1 and 2, keyed by the category names of tables.Rows1
// and tables.Rows2: the counts and shares the artefacts' table_1.py and
// table_2.py print on the paper's data (489,589 pairs, 398,374 eligible).
// Table 1 is often quoted as 28.4 / 32.4 / 39.2 %: that is IPv4 / IPv6 /
// none, in pandas' alphabetical order, not in the table's row order.
var (
	PaperTable1 = map[string]tables.Row{
		"IPv4 is better": {Category: "IPv4 is better", Count: 113092, Share: 113092.0 / 398374},
		"None is better": {Category: "None is better", Count: 156212, Share: 156212.0 / 398374},
		"IPv6 is better": {Category: "IPv6 is better", Count: 129070, Share: 129070.0 / 398374},
		"total":          {Category: "total", Count: 398374, Share: 1},
	}
	PaperTable2 = map[string]tables.Row{
		"A":     {Category: "A", Count: 4569, Share: 4569.0 / 398374},
		"B":     {Category: "B", Count: 32459, Share: 32459.0 / 398374},
		"C":     {Category: "C", Count: 27312, Share: 27312.0 / 398374},
		"D":     {Category: "D", Count: 334034, Share: 334034.0 / 398374},
		"total": {Category: "total", Count: 398374, Share: 1},
	}
)

// Paper's per-probe coverage medians (§3(2)), in percent.
const (
	PaperCoverageFamily     = 39.0
	PaperCoverageFamilyNone = 80.0
)
