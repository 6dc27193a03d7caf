package outcome

import (
	"fmt"
	"strings"
)

// Code is the outcome of one test. The zero Code is OK.
type Code uint8

// The outcomes, in the order tables list them.
const (
	OK             Code = iota // status 200 with a response time
	ConnectTimeout             // "connect: timeout": no answer to the SYNs
	ConnectFailed              // "connect: <reason>": refused, network or host unreachable, no route
	DNSError                   // dnserr, or an err about name resolution
	ReadTimeout                // "timeout reading status/headers/body/chunk": connected, then silence
	HTTPError                  // a status other than 200
	Other                      // anything else: bad status line, reset, no status and no err
	numCodes
)

var names = [numCodes]string{"ok", "connect_timeout", "connect_failed", "dns_error", "read_timeout", "http_error", "other"}

// Codes lists every code, OK first.
func Codes() []Code {
	c := make([]Code, numCodes)
	for i := range c {
		c[i] = Code(i)
	}
	return c
}

// Failures lists the codes of a failed test.
func Failures() []Code { return Codes()[1:] }

// String is the code's name as files write it: "ok", "connect_timeout", ...
func (c Code) String() string {
	if c < numCodes {
		return names[c]
	}
	return fmt.Sprintf("Code(%d)", uint8(c))
}

// Parse returns the code named s (case-insensitive; "" is not a code).
func Parse(s string) (Code, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	for i, n := range names {
		if t == n {
			return Code(i), nil
		}
	}
	return 0, fmt.Errorf("unknown outcome %q: want one of %s", s, strings.Join(names[:], ", "))
}

// Failed reports whether the test failed.
func (c Code) Failed() bool { return c != OK }

// Silent reports whether a client learns of the failure only by waiting:
// a connection attempt that gets no answer, or a connection that then says
// nothing. The other failures (refused or unreachable, no address, an
// error status, a reset) are known at once, so a client moves on at once.
func (c Code) Silent() bool { return c == ConnectTimeout || c == ReadTimeout }

// Classify returns the outcome of a RIPE Atlas HTTP test from its fields:
// the status (status < 0 when absent), the entry's or result's err text
// ("" when absent) and whether a dnserr was given. A status of 200 with no
// err is OK only when the caller also has a response time; a 200 without
// one is the caller's to count (it is neither a success nor one of these
// failures).
//
// The err texts are those of the probes' httpget: "connect: timeout",
// "connect: " followed by the system's reason, "timeout reading status"
// (also headers, body, chunk), "bad status line", and name-resolution
// errors ("getaddrinfo", "Name or service not known", "dns").
func Classify(status int, err string, dnsErr bool) Code {
	switch {
	case dnsErr:
		return DNSError
	case err != "":
		return classifyErr(err)
	case status == 200:
		return OK
	case status >= 0:
		return HTTPError
	}
	return Other
}

func classifyErr(err string) Code {
	e := strings.ToLower(strings.TrimSpace(err))
	switch {
	case strings.HasPrefix(e, "connect:"):
		if strings.Contains(e, "timeout") || strings.Contains(e, "timed out") {
			return ConnectTimeout
		}
		return ConnectFailed
	case strings.HasPrefix(e, "timeout"), strings.Contains(e, "timed out"):
		if strings.Contains(e, "connect") {
			return ConnectTimeout
		}
		return ReadTimeout
	case strings.Contains(e, "getaddrinfo"), strings.Contains(e, "dns"),
		strings.Contains(e, "name or service not known"), strings.Contains(e, "name resolution"),
		strings.Contains(e, "no address"):
		return DNSError
	}
	return Other
}

// Measured is the outcome of a test classified c whose duration is present
// or not: a test that says it worked (OK) but measured no duration is
// Other, a failure of the measurement rather than of the network. Readers
// that keep failed tests apply it, so that such a test counts the same
// whatever the source (a raw result without rt, a BigQuery row without
// http_duration).
func Measured(c Code, hasDuration bool) Code {
	if c == OK && !hasDuration {
		return Other
	}
	return c
}
