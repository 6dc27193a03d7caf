package outcome

import "testing"

func TestClassify(t *testing.T) {
	tests := []struct {
		status int
		err    string
		dns    bool
		want   Code
	}{
		{200, "", false, OK},
		{503, "", false, HTTPError},
		{404, "", false, HTTPError},
		{-1, "connect: timeout", false, ConnectTimeout},
		{-1, "connect: Connection refused", false, ConnectFailed},
		{-1, "connect: Network is unreachable", false, ConnectFailed},
		{-1, "connect: No route to host", false, ConnectFailed},
		{-1, "connect: Host is unreachable", false, ConnectFailed},
		{-1, "timeout reading status", false, ReadTimeout},
		{-1, "timeout reading headers", false, ReadTimeout},
		{-1, "timeout reading body", false, ReadTimeout},
		{-1, "timeout reading chunk", false, ReadTimeout},
		{-1, "bad status line", false, Other},
		{-1, "", true, DNSError},
		{-1, "getaddrinfo: Name or service not known", false, DNSError},
		{-1, "", false, Other},
		{200, "timeout reading body", false, ReadTimeout}, // err wins over a status
		// More texts of the probes' eperd/httpget.c and tcputil.c
		// (RIPE-NCC/ripe-atlas-software-probe).
		{-1, "connect: Connection timed out", false, ConnectTimeout}, // strerror(ETIMEDOUT)
		{-1, "timeout reading chunk: state 5 linelen 0 lineoffset 0", false, ReadTimeout},
		{-1, "error reading status", false, Other}, // the connection closed or reset
		{-1, "error reading body", false, Other},
		{-1, "bad header line: malformed content-length", false, Other},
		{-1, "bad chunk line: not a number", false, Other},
		{-1, "line too long", false, Other},
		{-1, "non-recoverable failure in name resolution", true, DNSError}, // a dnserr's gai_strerror
	}
	for _, tt := range tests {
		if got := Classify(tt.status, tt.err, tt.dns); got != tt.want {
			t.Errorf("Classify(%d, %q, %v) = %v, want %v", tt.status, tt.err, tt.dns, got, tt.want)
		}
	}
}

func TestParseString(t *testing.T) {
	for _, c := range Codes() {
		got, err := Parse(c.String())
		if err != nil || got != c {
			t.Errorf("Parse(%q) = %v, %v", c.String(), got, err)
		}
	}
	if _, err := Parse("oops"); err == nil {
		t.Error("Parse(oops): no error")
	}
	if Code(200).String() != "Code(200)" {
		t.Error(Code(200).String())
	}
}

func TestSilent(t *testing.T) {
	for _, c := range Codes() {
		want := c == ConnectTimeout || c == ReadTimeout
		if c.Silent() != want {
			t.Errorf("%v.Silent() = %v", c, c.Silent())
		}
		if c.Failed() != (c != OK) {
			t.Errorf("%v.Failed() = %v", c, c.Failed())
		}
	}
}

func TestMeasured(t *testing.T) {
	for _, tt := range []struct {
		c    Code
		dur  bool
		want Code
	}{{OK, true, OK}, {OK, false, Other}, {ConnectTimeout, false, ConnectTimeout}, {HTTPError, true, HTTPError}} {
		if got := Measured(tt.c, tt.dur); got != tt.want {
			t.Errorf("Measured(%v, %v) = %v, want %v", tt.c, tt.dur, got, tt.want)
		}
	}
}
