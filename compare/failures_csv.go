package compare

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/afsel/afsel/figures"
	"github.com/afsel/afsel/internal/csvtable"
	"github.com/afsel/afsel/stats"
)

// FailureColumns are the columns of policies_failures.csv.
var FailureColumns = []string{"zone", "policy", "pairs", "requests", "mean_ms", "p50_ms", "p99_ms",
	"failed_share", "slow_share", "conns_per_request", "v4_conns_per_request"}

// FailureRow is one line of policies_failures.csv.
type FailureRow struct {
	Zone     stats.Zone // 0: all pairs
	Policy   string
	Pairs    int64
	Requests int64
	// MeanMs, P50Ms, P99Ms, FailedShare, SlowShare, Conns, V4Conns as
	// Requests' methods give them.
	MeanMs, P50Ms, P99Ms   float64
	FailedShare, SlowShare float64
	Conns, V4Conns         float64
}

// Rows returns the result's lines: per zone (FailureZones) and policy, the
// policies that played (the oracles do not).
func (r *FailureResult) Rows() []FailureRow {
	var rows []FailureRow
	for z, zone := range FailureZones {
		for j, l := range r.Labels {
			if r.played(j) {
				q := &r.Requests[j][z]
				rows = append(rows, FailureRow{Zone: zone, Policy: l, Pairs: r.Pairs[z], Requests: q.N,
					MeanMs: q.MeanMs(), P50Ms: q.Quantile(0.5), P99Ms: q.Quantile(0.99),
					FailedShare: q.FailedShare(), SlowShare: q.SlowShare(),
					Conns: q.ConnsPerRequest(), V4Conns: q.V4ConnsPerRequest()})
			}
		}
	}
	return rows
}

// played reports whether policy j played any request (oracles do not).
func (r *FailureResult) played(j int) bool {
	for z := range r.Requests[j] {
		if r.Requests[j][z].N > 0 {
			return true
		}
	}
	return false
}

// WriteFailures writes policies_failures.csv; with opts' Labels, a last
// column zone_label ("all" for zone 0, all pairs).
func WriteFailures(w io.Writer, r *FailureResult, opts ...WriteOptions) error {
	labels := len(opts) > 0 && opts[0].Labels
	cw := csv.NewWriter(w)
	header := FailureColumns
	if labels {
		header = append(header[:len(header):len(header)], "zone_label")
	}
	cw.Write(header)
	for _, row := range r.Rows() {
		rec := []string{strconv.Itoa(int(row.Zone)), row.Policy, strconv.FormatInt(row.Pairs, 10), strconv.FormatInt(row.Requests, 10)}
		for _, v := range []float64{row.MeanMs, row.P50Ms, row.P99Ms, row.FailedShare, row.SlowShare, row.Conns, row.V4Conns} {
			rec = append(rec, csvtable.FormatFloat(v))
		}
		if labels {
			rec = append(rec, row.Zone.Label())
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

// ReadFailures reads policies_failures.csv as WriteFailures wrote it.
func ReadFailures(rd io.Reader) ([]FailureRow, error) {
	t, err := csvtable.Read(rd, FailureColumns...)
	if err != nil {
		return nil, fmt.Errorf("policies_failures.csv: %w", err)
	}
	rows := make([]FailureRow, t.Len())
	for i := range rows {
		row := &rows[i]
		z, err := t.Int(i, "zone")
		if err == nil {
			row.Pairs, err = t.Int(i, "pairs")
		}
		if err == nil {
			row.Requests, err = t.Int(i, "requests")
		}
		if err == nil {
			err = t.Floats(i, FailureColumns[4:], &row.MeanMs, &row.P50Ms, &row.P99Ms, &row.FailedShare, &row.SlowShare, &row.Conns, &row.V4Conns)
		}
		if err != nil {
			return nil, fmt.Errorf("policies_failures.csv: %w", err)
		}
		row.Zone, row.Policy = stats.Zone(z), t.Str(i, "policy")
	}
	return rows, nil
}

// CDFRows are the rows of policies_failures_cdf.csv in the tidy figure
// form: figure "policies_failures", panel "all", one series per policy
// that played: the distribution of the time to a response over all pairs
// (x: the upper edge of a histogram bin, ms; y: share of requests answered
// within x, which ends at 1 minus the failed share).
func (r *FailureResult) CDFRows() []figures.Row {
	var rows []figures.Row
	all := len(FailureZones) - 1
	for j, l := range r.Labels {
		if !r.played(j) {
			continue
		}
		x, y := r.Requests[j][all].CDF()
		for k := range x {
			rows = append(rows, figures.Row{Figure: "policies_failures", Panel: "all", Series: l, X: x[k], Y: y[k]})
		}
	}
	return rows
}

// WriteFailureCDF writes policies_failures_cdf.csv: CDFRows.
func WriteFailureCDF(w io.Writer, r *FailureResult) error { return figures.WriteRows(w, r.CDFRows()) }
