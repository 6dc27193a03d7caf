// Package networks breaks the study down by the probes' networks: Tables 1
// and 2 and EXP3's gain per country and per origin AS (of the probe's IPv4
// and of its IPv6 address), from a RIPE Atlas probe archive
// (atlas.ReadProbes). A probe missing from the archive counts under
// "unknown", never dropped; a pair whose probe has different IPv4 and IPv6
// origin ASes (often a tunnel) is counted.
package networks
