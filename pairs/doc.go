// Package pairs groups paired tests into per-(probe, anchor) series.
//
// It owns the Series type that every analysis stage consumes, the grouping of
// ingest-schema record batches into time-ordered series, and the eligibility
// rule. Grouping streams: when the input is sorted by probe (as the BigQuery
// query and afsel's own Arrow files are), each probe's series are handed on
// as soon as the probe's last row is read, so memory holds one probe's data.
package pairs
