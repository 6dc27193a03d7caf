package report

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/afsel/afsel/figures"
)

// Summary is a summary.json flattened to key/value pairs in file order
// (nested keys joined with dots, arrays printed as JSON).
type Summary struct {
	Command string // "tables", "replay", "sweep" or "" when absent
	Fields  []KV
}

// KV is one flattened field of a summary.
type KV struct{ Key, Value string }

// Get returns the value of key, or "".
func (s Summary) Get(key string) string {
	for _, f := range s.Fields {
		if f.Key == key {
			return f.Value
		}
	}
	return ""
}

// ReadSummary reads a summary.json written by afsel tables, replay or sweep.
func ReadSummary(r io.Reader) (Summary, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var s Summary
	if err := flatten(dec, "", &s.Fields); err != nil {
		return s, fmt.Errorf("%w: summary.json: %v", figures.ErrBadInput, err)
	}
	s.Command = s.Get("command")
	return s, nil
}

// flatten reads one JSON value from dec and appends its leaves.
func flatten(dec *json.Decoder, prefix string, out *[]KV) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return err
			}
			key := fmt.Sprint(k)
			if prefix != "" {
				key = prefix + "." + key
			}
			if err := flatten(dec, key, out); err != nil {
				return err
			}
		}
		_, err = dec.Token()
		return err
	case json.Delim('['):
		var vals []json.RawMessage
		for dec.More() {
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				return err
			}
			vals = append(vals, v)
		}
		if _, err := dec.Token(); err != nil {
			return err
		}
		b, _ := json.Marshal(vals)
		*out = append(*out, KV{prefix, string(b)})
		return nil
	case nil:
		*out = append(*out, KV{prefix, "null"})
		return nil
	}
	*out = append(*out, KV{prefix, fmt.Sprint(tok)})
	return nil
}
