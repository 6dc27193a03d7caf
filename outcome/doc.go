// Package outcome names what became of one HTTP test: it worked, or it
// failed in one of a few ways that matter to a client choosing an address
// family. RIPE Atlas results (and BigQuery's flattened table) describe a
// failure by an err text, a dnserr, or a status other than 200; Classify
// maps those to a Code, and every reader and the replay share the codes.
package outcome
