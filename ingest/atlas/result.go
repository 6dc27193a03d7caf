package atlas

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"

	"github.com/afsel/afsel/outcome"
)

// Skip reasons. Result-level reasons count whole results; the others count
// test entries (a result can hold several). Malformed results are counted
// under "bad: ..." keys (see RowError).
//
// With Options.KeepFailures a failed test (non_200 or error below) is not
// skipped but kept with its outcome, so it counts under not_anchor,
// unpaired_v4 or unpaired_v6 like a working test, or in Kept. Only a failed
// test that names no destination (a result-level err or dnserr without
// entries, an entry without dst_addr or addr such as a dnserr entry) is
// still skipped under error or non_200: it belongs to no anchor. A status
// 200 without a response time is skipped under no_rt by default; with
// KeepFailures it is kept as outcome.Other (outcome.Measured), as the
// BigQuery reader keeps it.
const (
	ReasonNonHTTP    = "non_http_type" // result whose type is not "http" (result-level)
	ReasonNoTests    = "no_tests"      // HTTP result with an empty or missing result list (result-level)
	ReasonNon200     = "non_200"       // HTTP status other than 200
	ReasonError      = "error"         // err (entry or result), dnserr, or no status at all
	ReasonNoRT       = "no_rt"         // status 200 but no response time
	ReasonNotAnchor  = "not_anchor"    // destination is no anchor's address of that family
	ReasonUnpairedV4 = "unpaired_v4"   // kept IPv4 test with no IPv6 partner
	ReasonUnpairedV6 = "unpaired_v6"   // kept IPv6 test in no row
)

// maxTimestamp is the last second of year 9999; later timestamps are
// malformed (and would overflow microseconds far later).
const maxTimestamp = 253402300799

// rawResult is the part of a RIPE Atlas result that pairing needs.
type rawResult struct {
	Type      *string         `json:"type"`
	PrbID     *int64          `json:"prb_id"`
	Timestamp *int64          `json:"timestamp"`
	Err       json.RawMessage `json:"err"`
	DNSErr    json.RawMessage `json:"dnserr"`
	Result    json.RawMessage `json:"result"`
}

// rawEntry is one HTTP request's outcome. Old firmware spells dst_addr as
// addr and gives the family in mode/method ("GET4") instead of af.
type rawEntry struct {
	AF      *int64          `json:"af"`
	DstAddr *string         `json:"dst_addr"`
	Addr    *string         `json:"addr"`
	Res     *int64          `json:"res"`
	RT      *float64        `json:"rt"`
	Err     json.RawMessage `json:"err"`
	Method  *string         `json:"method"`
	Mode    *string         `json:"mode"`
}

// fastResult decodes the common shape, a list of entry objects, in one
// pass; anything else goes through rawResult.
type fastResult struct {
	Type      *string         `json:"type"`
	PrbID     *int64          `json:"prb_id"`
	Timestamp *int64          `json:"timestamp"`
	Err       json.RawMessage `json:"err"`
	DNSErr    json.RawMessage `json:"dnserr"`
	Result    []rawEntry      `json:"result"`
}

// test is one kept HTTP test.
type test struct {
	probe, anchor int64
	t             int64   // Unix seconds
	rt            float64 // 0 when the test failed
	seq           int64   // input order
	af            int8
	code          outcome.Code // OK unless Options.KeepFailures kept a failed test
}

// parsed is what one result contributes: kept tests and skip counts.
type parsed struct {
	http    bool // an HTTP result with prb_id and timestamp
	probe   int64
	t       int64
	tests   []test // probe, t, rt, af, anchor set
	skipped [len(reasons)]int64
}

var reasons = [...]string{ReasonNonHTTP, ReasonNoTests, ReasonNon200, ReasonError, ReasonNoRT, ReasonNotAnchor}

const (
	iNonHTTP = iota
	iNoTests
	iNon200
	iError
	iNoRT
	iNotAnchor
)

// resultErr is what a result says of all its entries: its err and whether
// it has a dnserr.
type resultErr struct {
	err json.RawMessage
	dns bool
}

func (r resultErr) present() bool { return r.dns || isPresent(r.err) }

// parseResult decodes one result, keeping failed tests when failures is
// set. A malformed result (or entry) is returned as a RowError with Reason
// and Field set; the caller adds the location. Bad entries of an otherwise
// good result are returned in bad, one per entry.
func parseResult(data []byte, anchors *Anchors, failures bool, p *parsed) (bad []*RowError, err *RowError) {
	*p = parsed{tests: p.tests[:0]}
	var f fastResult
	if json.Unmarshal(data, &f) == nil && f.Type != nil && f.PrbID != nil && f.Timestamp != nil && len(f.Result) > 0 {
		if !strings.EqualFold(*f.Type, "http") {
			p.skipped[iNonHTTP]++
			return nil, nil
		}
		if *f.Timestamp < 0 || *f.Timestamp > maxTimestamp {
			return nil, &RowError{Field: "timestamp", Reason: "out of range", Value: strconv.FormatInt(*f.Timestamp, 10)}
		}
		p.http, p.probe, p.t = true, *f.PrbID, *f.Timestamp
		re := resultErr{f.Err, isPresent(f.DNSErr)}
		for i := range f.Result {
			if e := p.entry(&f.Result[i], re, anchors, failures); e != nil {
				bad = append(bad, e)
			}
		}
		return bad, nil
	}
	var r rawResult
	if e := json.Unmarshal(data, &r); e != nil {
		return nil, jsonErr(e, "")
	}
	switch {
	case r.Type == nil:
		return nil, &RowError{Field: "type", Reason: "missing"}
	case !strings.EqualFold(*r.Type, "http"):
		p.skipped[iNonHTTP]++
		return nil, nil
	case r.PrbID == nil:
		return nil, &RowError{Field: "prb_id", Reason: "missing"}
	case r.Timestamp == nil:
		return nil, &RowError{Field: "timestamp", Reason: "missing"}
	case *r.Timestamp < 0 || *r.Timestamp > maxTimestamp:
		return nil, &RowError{Field: "timestamp", Reason: "out of range", Value: strconv.FormatInt(*r.Timestamp, 10)}
	}
	p.http, p.probe, p.t = true, *r.PrbID, *r.Timestamp
	re := resultErr{r.Err, isPresent(r.DNSErr)}

	var entries []rawEntry
	res := bytes.TrimSpace(r.Result)
	switch {
	case !isPresent(res):
		if re.present() {
			p.skipped[iError]++
		} else {
			p.skipped[iNoTests]++
		}
		return nil, nil
	case res[0] == '"':
		// Firmware 1: "GET4 dst_addr rt_seconds res hsize bsize".
		var s string
		if e := json.Unmarshal(res, &s); e != nil {
			return nil, &RowError{Field: "result", Reason: "malformed JSON: " + e.Error()}
		}
		e, perr := parseV1(s)
		if perr != nil {
			return nil, perr
		}
		entries = append(entries, e)
	case res[0] == '[':
		var elems []json.RawMessage
		if e := json.Unmarshal(res, &elems); e != nil {
			return nil, jsonErr(e, "result")
		}
		for _, el := range elems {
			el = bytes.TrimSpace(el)
			// An element that is itself a list holds several requests:
			// each is a test.
			var group []json.RawMessage
			if len(el) > 0 && el[0] == '[' {
				if e := json.Unmarshal(el, &group); e != nil {
					bad = append(bad, jsonErr(e, "result"))
					continue
				}
			} else {
				group = []json.RawMessage{el}
			}
			for _, g := range group {
				var e rawEntry
				if err := json.Unmarshal(g, &e); err != nil {
					bad = append(bad, jsonErr(err, "result"))
					continue
				}
				entries = append(entries, e)
			}
		}
	default:
		return nil, &RowError{Field: "result", Reason: "not a list or string", Value: shorten(string(res))}
	}
	if len(entries) == 0 && len(bad) == 0 {
		if re.present() {
			p.skipped[iError]++
		} else {
			p.skipped[iNoTests]++
		}
		return nil, nil
	}
	for i := range entries {
		if e := p.entry(&entries[i], re, anchors, failures); e != nil {
			bad = append(bad, e)
		}
	}
	return bad, nil
}

// entry classifies one request and keeps it as a test if it qualifies: a
// working test always, a failed one (with its outcome) when failures is
// set.
func (p *parsed) entry(e *rawEntry, re resultErr, anchors *Anchors, failures bool) *RowError {
	reason := -1
	switch {
	case re.present() || isPresent(e.Err) || e.Res == nil:
		reason = iError
	case *e.Res != 200:
		reason = iNon200
	case e.RT == nil:
		reason = iNoRT
	}
	code := outcome.OK
	switch {
	case reason < 0:
	case failures && reason == iNoRT:
		code = outcome.Measured(outcome.OK, false)
	case failures:
		code = classify(e, re)
	default:
		p.skipped[reason]++
		return nil
	}
	dst := e.DstAddr
	if dst == nil {
		dst = e.Addr
	}
	if dst == nil {
		if code.Failed() {
			// A failed test without a destination belongs to no anchor
			// (the firmware writes none after a dnserr).
			p.skipped[reason]++
			return nil
		}
		return &RowError{Field: "result.dst_addr", Reason: "missing"}
	}
	ip, err := netip.ParseAddr(*dst)
	if err != nil {
		return &RowError{Field: "result.dst_addr", Reason: "unparsable address", Value: shorten(*dst)}
	}
	var af int64
	switch {
	case e.AF != nil:
		af = *e.AF
	case e.Mode != nil && familySuffix(*e.Mode) != 0: // firmware 4300
		af = familySuffix(*e.Mode)
	case e.Method != nil && familySuffix(*e.Method) != 0:
		af = familySuffix(*e.Method)
	case ip.Unmap().Is4():
		af = 4
	default:
		af = 6
	}
	if af != 4 && af != 6 {
		return &RowError{Field: "result.af", Reason: "not 4 or 6", Value: strconv.FormatInt(af, 10)}
	}
	var rt float64
	if !code.Failed() {
		// A failed test's duration is not kept (a 503 has one), so it is
		// not checked either.
		if math.IsNaN(*e.RT) || math.IsInf(*e.RT, 0) || *e.RT < 0 {
			return &RowError{Field: "result.rt", Reason: "negative or not finite", Value: strconv.FormatFloat(*e.RT, 'g', -1, 64)}
		}
		rt = *e.RT
	}
	ids := anchors.Lookup(int(af), ip)
	if len(ids) == 0 {
		p.skipped[iNotAnchor]++
		return nil
	}
	for _, id := range ids {
		p.tests = append(p.tests, test{probe: p.probe, anchor: id, t: p.t, rt: rt, af: int8(af), code: code})
	}
	return nil
}

// classify is the outcome of a failed request: the entry's err, else the
// result's, its status, and the result's dnserr.
func classify(e *rawEntry, re resultErr) outcome.Code {
	status := -1
	switch {
	case e.Res == nil, *e.Res < 0: // absent, or negative: no status
	case *e.Res > math.MaxInt32:
		status = math.MaxInt32
	default:
		status = int(*e.Res)
	}
	msg := errText(e.Err)
	if msg == "" {
		msg = errText(re.err)
	}
	return outcome.Classify(status, msg, re.dns)
}

// errText is the text of an err field, "" when it is absent or null. An err
// that is not a string, or an empty string, is given as its JSON text so
// that it still counts as an error.
func errText(m json.RawMessage) string {
	if !isPresent(m) {
		return ""
	}
	var s string
	if json.Unmarshal(m, &s) != nil || strings.TrimSpace(s) == "" {
		return string(bytes.TrimSpace(m))
	}
	return s
}

// familySuffix reads the family from an old-firmware mode or method such
// as "GET4" or "HEAD6"; 0 if there is none.
func familySuffix(m string) int64 {
	switch {
	case strings.HasSuffix(m, "4"):
		return 4
	case strings.HasSuffix(m, "6"):
		return 6
	}
	return 0
}

// parseV1 reads firmware 1's result string, as sagan does: method, address,
// response time in seconds, status, header size, body size.
func parseV1(s string) (rawEntry, *RowError) {
	f := strings.Fields(s)
	if len(f) < 4 {
		return rawEntry{}, &RowError{Field: "result", Reason: "firmware 1 result: too few fields", Value: shorten(s)}
	}
	rt, err1 := strconv.ParseFloat(f[2], 64)
	res, err2 := strconv.ParseInt(f[3], 10, 64)
	if err1 != nil || err2 != nil {
		return rawEntry{}, &RowError{Field: "result", Reason: "firmware 1 result: unparsable number", Value: shorten(s)}
	}
	rt *= 1000
	return rawEntry{Method: &f[0], DstAddr: &f[1], RT: &rt, Res: &res}, nil
}

// isPresent reports whether a raw JSON value is there and not null.
func isPresent(m json.RawMessage) bool {
	m = bytes.TrimSpace(m)
	return len(m) > 0 && !bytes.Equal(m, []byte("null"))
}

// jsonErr turns a decoding error into a RowError.
func jsonErr(err error, within string) *RowError {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		field := te.Field
		if within != "" {
			field = within + "." + field
		}
		return &RowError{Field: field, Reason: fmt.Sprintf("wrong type: %s, want %s", te.Value, te.Type)}
	case errors.As(err, &se):
		return &RowError{Field: within, Reason: "malformed JSON"}
	}
	return &RowError{Field: within, Reason: "malformed JSON: " + err.Error()}
}
