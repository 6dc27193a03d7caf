package ingest

import (
	"errors"
	"time"
)

var errTimestamp = errors.New("not a timestamp")

// ParseTimestamp parses a start_time as BigQuery writes it in CSV exports
// ("2023-06-01 00:03:46.332507 UTC") or as RFC 3339
// ("2023-06-01T00:03:46.332507Z", "...+02:00") and returns microseconds since
// the Unix epoch. The fraction may be absent or have 1 to 9 digits; digits
// past microseconds are truncated (BigQuery's resolution). The date and time
// may be separated by a space or 'T'; the zone is " UTC", "Z", "+hh:mm" or
// "-hh:mm" (hh 00-23, mm 00-59), or absent (UTC). Nothing else is accepted:
// no lower-case 'z' or 't', no ',' before the fraction, no leading or
// trailing space.
//
// It is hand-written because time.Parse dominated CSV ingest.
func ParseTimestamp(s string) (int64, error) {
	// YYYY-MM-DD?hh:mm:ss is 19 bytes.
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':' {
		return 0, errTimestamp
	}
	year, ok1 := digits(s[0:4])
	month, ok2 := digits(s[5:7])
	day, ok3 := digits(s[8:10])
	hour, ok4 := digits(s[11:13])
	minute, ok5 := digits(s[14:16])
	sec, ok6 := digits(s[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return 0, errTimestamp
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || sec > 59 {
		return 0, errTimestamp
	}
	rest := s[19:]
	var micros int64
	if len(rest) > 0 && rest[0] == '.' {
		i := 1
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		nd := i - 1
		if nd == 0 || nd > 9 {
			return 0, errTimestamp
		}
		for k := 1; k <= 6; k++ {
			micros *= 10
			if k <= nd {
				micros += int64(rest[k] - '0')
			}
		}
		rest = rest[i:]
	}
	var offset int64 // seconds east of UTC
	switch {
	case rest == "" || rest == " UTC" || rest == "Z":
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, okh := digits(rest[1:3])
		om, okm := digits(rest[4:6])
		if !okh || !okm || oh > 23 || om > 59 {
			return 0, errTimestamp
		}
		offset = int64(oh*3600 + om*60)
		if rest[0] == '-' {
			offset = -offset
		}
	default:
		return 0, errTimestamp
	}
	secs := daysFromCivil(year, month, day)*86400 + int64(hour*3600+minute*60+sec) - offset
	return secs*1_000_000 + micros, nil
}

// FormatTimestamp formats microseconds since the epoch as BigQuery's CSV
// export does, e.g. "2023-06-01 00:03:46.332507 UTC".
func FormatTimestamp(us int64) string {
	return time.UnixMicro(us).UTC().Format("2006-01-02 15:04:05.000000 UTC")
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil returns the days since 1970-01-01 of a proleptic Gregorian
// date (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}
