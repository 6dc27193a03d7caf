package ingest_test

import (
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/afsel/afsel/ingest"
)

func TestParseTimestamp(t *testing.T) {
	// Each input is compared with time.Parse of an equivalent RFC 3339
	// string written out by hand (fraction already truncated to µs).
	tests := []struct {
		name, in, rfc3339 string
	}{
		{"bigquery", "2023-06-01 00:03:46.332507 UTC", "2023-06-01T00:03:46.332507Z"},
		{"rfc3339 Z", "2023-06-01T00:03:46.332507Z", "2023-06-01T00:03:46.332507Z"},
		{"T with UTC", "2023-06-01T00:03:46.332507 UTC", "2023-06-01T00:03:46.332507Z"},
		{"space with Z", "2023-06-01 00:03:46Z", "2023-06-01T00:03:46Z"},
		{"no zone", "2023-06-01 00:03:46.332507", "2023-06-01T00:03:46.332507Z"},
		{"no zone T", "2023-06-01T00:03:46", "2023-06-01T00:03:46Z"},
		{"no fraction", "2023-06-01 00:03:46 UTC", "2023-06-01T00:03:46Z"},
		{"1 digit", "2023-06-01 00:03:46.5 UTC", "2023-06-01T00:03:46.5Z"},
		{"2 digits", "2023-06-01 00:03:46.05 UTC", "2023-06-01T00:03:46.05Z"},
		{"3 digits", "2023-06-01 00:03:46.123 UTC", "2023-06-01T00:03:46.123Z"},
		{"4 digits", "2023-06-01 00:03:46.1234 UTC", "2023-06-01T00:03:46.1234Z"},
		{"5 digits", "2023-06-01 00:03:46.12345 UTC", "2023-06-01T00:03:46.12345Z"},
		{"6 digits", "2023-06-01 00:03:46.123456 UTC", "2023-06-01T00:03:46.123456Z"},
		{"7 digits truncated", "2023-06-01 00:03:46.1234567 UTC", "2023-06-01T00:03:46.123456Z"},
		{"8 digits truncated", "2023-06-01 00:03:46.12345678Z", "2023-06-01T00:03:46.123456Z"},
		{"9 digits truncated", "2023-06-01T00:03:46.999999999Z", "2023-06-01T00:03:46.999999Z"},
		{"zero fraction", "2023-06-01 00:03:46.000000 UTC", "2023-06-01T00:03:46Z"},
		{"plus offset", "2023-06-01T02:03:46.332507+02:00", "2023-06-01T00:03:46.332507Z"},
		{"minus offset", "2023-05-31T18:33:46-05:30", "2023-06-01T00:03:46Z"},
		{"offset crosses day", "2023-06-01T23:30:00-01:00", "2023-06-02T00:30:00Z"},
		{"offset crosses year", "2024-01-01T00:30:00+01:00", "2023-12-31T23:30:00Z"},
		{"zero offset", "2023-06-01T00:03:46+00:00", "2023-06-01T00:03:46Z"},
		{"max offset", "2023-06-01T00:00:00+23:59", "2023-05-31T00:01:00Z"},
		{"leap day", "2024-02-29 12:00:00 UTC", "2024-02-29T12:00:00Z"},
		{"leap day 2000", "2000-02-29 00:00:00 UTC", "2000-02-29T00:00:00Z"},
		{"new year", "2024-01-01 00:00:00 UTC", "2024-01-01T00:00:00Z"},
		{"new year's eve", "2023-12-31 23:59:59.999999 UTC", "2023-12-31T23:59:59.999999Z"},
		{"epoch", "1970-01-01 00:00:00 UTC", "1970-01-01T00:00:00Z"},
		{"before epoch", "1969-12-31 23:59:59.5 UTC", "1969-12-31T23:59:59.5Z"},
		{"year 1", "0001-01-01 00:00:00 UTC", "0001-01-01T00:00:00Z"},
		{"year 9999", "9999-12-31 23:59:59.999999 UTC", "9999-12-31T23:59:59.999999Z"},
		{"month ends", "2023-04-30 00:00:00 UTC", "2023-04-30T00:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := time.Parse(time.RFC3339Nano, tt.rfc3339)
			if err != nil {
				t.Fatalf("bad test case: %v", err)
			}
			got, err := ingest.ParseTimestamp(tt.in)
			if err != nil {
				t.Fatalf("ParseTimestamp(%q): %v", tt.in, err)
			}
			if got != want.UnixMicro() {
				t.Errorf("ParseTimestamp(%q) = %d (%s), want %d (%s)", tt.in,
					got, time.UnixMicro(got).UTC(), want.UnixMicro(), want.UTC())
			}
		})
	}
}

func TestParseTimestampInvalid(t *testing.T) {
	tests := []struct{ name, in string }{
		{"empty", ""},
		{"date only", "2023-06-01"},
		{"missing seconds", "2023-06-01 00:03 UTC"},
		{"missing seconds T", "2023-06-01T00:03Z"},
		{"month 0", "2023-00-01 00:00:00 UTC"},
		{"month 13", "2023-13-01 00:00:00 UTC"},
		{"day 0", "2023-06-00 00:00:00 UTC"},
		{"day 32", "2023-01-32 00:00:00 UTC"},
		{"June 31", "2023-06-31 00:00:00 UTC"},
		{"Feb 30", "2024-02-30 00:00:00 UTC"},
		{"Feb 29 non-leap", "2023-02-29 00:00:00 UTC"},
		{"Feb 29 1900", "1900-02-29 00:00:00 UTC"},
		{"hour 24", "2023-06-01 24:00:00 UTC"},
		{"minute 60", "2023-06-01 00:60:00 UTC"},
		{"second 60", "2023-06-01 23:59:60 UTC"},
		{"junk suffix", "2023-06-01 00:03:46 UTCX"},
		{"junk after Z", "2023-06-01T00:03:46Zjunk"},
		{"lower-case utc", "2023-06-01 00:03:46 utc"},
		{"lower-case z", "2023-06-01T00:03:46z"},
		{"other zone name", "2023-06-01 00:03:46 CET"},
		{"UTC without space", "2023-06-01 00:03:46UTC"},
		{"trailing space", "2023-06-01 00:03:46 "},
		{"leading space", " 2023-06-01 00:03:46"},
		{"dot without digits", "2023-06-01 00:03:46. UTC"},
		{"10 fraction digits", "2023-06-01 00:03:46.1234567890 UTC"},
		{"comma fraction", "2023-06-01 00:03:46,5 UTC"},
		{"offset without colon", "2023-06-01T00:03:46+0200"},
		{"offset hour only", "2023-06-01T00:03:46+02"},
		{"offset hour 24", "2023-06-01T00:03:46+24:00"},
		{"offset minute 60", "2023-06-01T00:03:46+02:60"},
		{"slashes", "2023/06/01 00:03:46 UTC"},
		{"lower-case t", "2023-06-01t00:03:46Z"},
		{"two spaces", "2023-06-01  00:03:46"},
		{"one-digit month", "2023-6-01 00:03:46 UTC"},
		{"signed field", "2023-+6-01 00:03:46 UTC"},
		{"full-width digits", "２０２３-06-01 00:03:46"},
		{"unix seconds", "1685577826"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := ingest.ParseTimestamp(tt.in); err == nil {
				t.Errorf("ParseTimestamp(%q) = %d (%s), want an error", tt.in, got, time.UnixMicro(got).UTC())
			}
		})
	}
}

func TestFormatTimestamp(t *testing.T) {
	for _, s := range []string{
		"2023-06-01 00:03:46.332507 UTC",
		"1969-12-31 23:59:59.000001 UTC",
		"2024-02-29 00:00:00.000000 UTC",
	} {
		t.Run(s, func(t *testing.T) {
			us, err := ingest.ParseTimestamp(s)
			if err != nil {
				t.Fatal(err)
			}
			if got := ingest.FormatTimestamp(us); got != s {
				t.Errorf("FormatTimestamp(ParseTimestamp(%q)) = %q", s, got)
			}
		})
	}
}

// timestampForm is exactly the documented syntax of ParseTimestamp: date,
// space or 'T', time, an optional '.' and 1 to 9 digits, an optional zone.
var timestampForm = regexp.MustCompile(
	`^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)( UTC|Z|[+-](\d{2}):(\d{2}))?$`)

// oracleTimestamp is ParseTimestamp's specification in terms of time.Parse:
// the syntax is checked with timestampForm (time.Parse alone is more lenient:
// it takes ',' fractions, any number of digits and offsets up to 24:60) and
// the calendar and clock with time.Parse.
func oracleTimestamp(s string) (int64, bool) {
	m := timestampForm.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	zone := m[3]
	switch zone {
	case "", " UTC":
		zone = "Z"
	default:
		if m[4] != "" {
			hh, _ := strconv.Atoi(m[4])
			mm, _ := strconv.Atoi(m[5])
			if hh > 23 || mm > 59 {
				return 0, false
			}
		}
	}
	t, err := time.Parse(time.RFC3339Nano, m[1]+"T"+m[2]+zone)
	if err != nil {
		return 0, false
	}
	// UnixMicro drops the nanoseconds toward the earlier instant, which is
	// truncating the fraction's digits, also before 1970.
	return t.UnixMicro(), true
}

func FuzzParseTimestamp(f *testing.F) {
	for _, s := range []string{
		"2023-06-01 00:03:46.332507 UTC",
		"2023-06-01T00:03:46.332507Z",
		"2023-06-01T00:03:46.123456789+02:00",
		"2023-06-01T00:03:46-05:30",
		"2023-06-01 00:03:46",
		"2024-02-29 23:59:59.9",
		"1969-12-31 23:59:59.5 UTC",
		"0000-01-01T00:00:00+23:59",
		"9999-12-31T23:59:59.999999999-23:59",
		"2023-02-30 00:00:00 UTC",
		"2023-06-01 00:03:46,5",
		"2023-06-01T00:03:46+24:00",
		"2023-06-01T00:03:46z",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ingest.ParseTimestamp(s)
		want, ok := oracleTimestamp(s)
		switch {
		case err == nil && !ok:
			t.Fatalf("ParseTimestamp(%q) = %d, but the oracle rejects it", s, got)
		case err != nil && ok:
			t.Fatalf("ParseTimestamp(%q): %v, but the oracle gives %d", s, err, want)
		case ok && got != want:
			t.Fatalf("ParseTimestamp(%q) = %d, oracle %d", s, got, want)
		}
	})
}

func ExampleParseTimestamp() {
	for _, s := range []string{
		"2023-06-01 00:03:46.332507 UTC", // BigQuery's CSV export
		"2023-06-01T02:03:46.332507891+02:00",
		"2023-02-30 00:00:00 UTC",
	} {
		us, err := ingest.ParseTimestamp(s)
		if err != nil {
			fmt.Println("error:", s)
			continue
		}
		fmt.Println(us, ingest.FormatTimestamp(us))
	}
	// Output:
	// 1685577826332507 2023-06-01 00:03:46.332507 UTC
	// 1685577826332507 2023-06-01 00:03:46.332507 UTC
	// error: 2023-02-30 00:00:00 UTC
}

var sinkInt int64

func BenchmarkParseTimestamp(b *testing.B) {
	for _, s := range []string{
		"2023-06-01 00:03:46.332507 UTC",
		"2023-06-01T00:03:46.332507+02:00",
	} {
		b.Run(s[19:], func(b *testing.B) {
			var acc int64
			for b.Loop() {
				us, err := ingest.ParseTimestamp(s)
				if err != nil {
					b.Fatal(err)
				}
				acc += us
			}
			sinkInt = acc
		})
	}
	// For comparison: the time.Parse it replaced.
	b.Run("time.Parse", func(b *testing.B) {
		var acc int64
		for b.Loop() {
			t, err := time.Parse("2006-01-02 15:04:05.999999 MST", "2023-06-01 00:03:46.332507 UTC")
			if err != nil {
				b.Fatal(err)
			}
			acc += t.UnixMicro()
		}
		sinkInt = acc
	})
}
