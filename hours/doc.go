// Package hours summarises the IPv4–IPv6 difference of RCT by UTC hour of
// day (issue 18, item 2).
//
// Per eligible pair, the tests are grouped by the UTC hour of their start
// time (0–23, derived from start_time as RIPE's start_hour is), and each
// hour present gets median(v4) − median(v6) in ms: positive where IPv6 is
// faster that hour. Summarize then takes, per zone of the pair (Table 1's
// classification) and over all zones, per hour, the quartiles of that
// difference over the pairs with tests in the hour. WriteCSV and ReadCSV
// hold hours.csv's layout.
//
// One median rule throughout: stats.Quantile(sorted, 0.5), numpy's median
// (the mean of the two middle values of an even count), for the per-pair
// medians as for the quartiles over pairs. stats.UpperMedian is the
// artefacts' rule, kept where afsel must reproduce their numbers; this
// analysis is not in the artefacts, and an hour often holds an even number
// of tests (two a half hour), where the upper median would be biased up.
package hours
