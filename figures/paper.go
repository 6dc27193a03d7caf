package figures

// Shares published in the paper (Tables 1 and 2), in percent, keyed by the
// category names of tables.Rows1 and tables.Rows2. The paper gives shares;
// its pair counts are not reproduced here.
var (
	PaperTable1 = map[string]float64{"IPv4 is better": 28.4, "None is better": 32.4, "IPv6 is better": 39.2, "total": 100}
	PaperTable2 = map[string]float64{"A": 1.2, "B": 8.2, "C": 6.9, "D": 83.9, "total": 100}
)

// Paper's per-probe coverage medians (§3(2)), in percent.
const (
	PaperCoverageFamily     = 39.0
	PaperCoverageFamilyNone = 80.0
)
