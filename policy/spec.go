package policy

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ErrSpec is wrapped by every error Parse and ParseList return.
var ErrSpec = errors.New("invalid policy")

// ErrOracle is returned by Spec.New for the a-posteriori baselines (best,
// probe): they need the whole pair or probe, which only a replay knows; the
// replay resolves them to a Fixed family.
var ErrOracle = errors.New("policy needs the replay's a-posteriori knowledge")

// Spec is a parsed policy: its kind and parameters. Parameters a kind does
// not take are zero. Specs are comparable; String is the canonical form,
// with every parameter, that Parse maps back to the same Spec.
type Spec struct {
	Kind     string
	Gamma    float64       // exp3, exp3raw, exp3s (0.1); exp3ix's implicit exploration (0.05)
	Eta      float64       // exp3ix learning rate (0.1)
	Alpha    float64       // exp3s share (0.001); rttcache EWMA weight (0.125)
	C        float64       // UCB exploration coefficient (2)
	Window   int           // swucb window (100)
	Discount float64       // ducb discount (0.99)
	Delay    time.Duration // he head start (250ms); rttcache head start before an estimate (250ms); exp3he, hev3 (250ms); huston's minimum (300ms)
	Timeout  time.Duration // os and steer: the OS connect timeout a silent failure costs (21s)
	Factor   float64       // huston: head start as a multiple of the IPv6 estimate (2)
	Every    int           // hev3: every how many rounds the order is reversed (10)
}

// Parse parses a policy written kind[:name=value[,name=value...]]
// (parameters may also be separated by ':'), e.g. "exp3", "exp3:gamma=0.2",
// "he:delay=250ms", "swucb:window=50,c=1". Omitted parameters take their
// defaults. Happy Eyeballs also takes a preset instead of parameters:
// he:rfc8305 (= he, 250 ms), he:chrome and he:go (300 ms), he:curl
// (200 ms). A delay is a Go duration ("250ms", "0.3s") or a number of ms.
// Errors wrap ErrSpec.
func Parse(s string) (Spec, error) {
	name, rest, _ := strings.Cut(strings.TrimSpace(s), ":")
	name = strings.ToLower(name)
	k := byAlias[name]
	if k == nil {
		return Spec{}, fmt.Errorf("policy: %w %q: unknown kind %q: want one of %s", ErrSpec, s, name, strings.Join(Kinds(), ", "))
	}
	sp := Spec{Kind: k.name}
	for _, p := range k.params {
		if err := p.set(&sp, p.def); err != nil {
			panic(err) // the defaults are valid
		}
	}
	if rest == "" {
		return sp, nil
	}
	if pre, ok := k.presets[strings.ToLower(rest)]; ok {
		return pre, nil
	}
	seen := map[string]bool{}
	for _, kv := range strings.FieldsFunc(rest, func(r rune) bool { return r == ',' || r == ':' }) {
		name, val, ok := strings.Cut(kv, "=")
		name = strings.ToLower(strings.TrimSpace(name))
		if !ok {
			return Spec{}, fmt.Errorf("policy: %w %q: %q is not name=value", ErrSpec, s, kv)
		}
		p := k.param(name)
		if p == nil {
			return Spec{}, fmt.Errorf("policy: %w %q: %s takes no parameter %q", ErrSpec, s, k.name, name)
		}
		if seen[name] {
			return Spec{}, fmt.Errorf("policy: %w %q: parameter %q given twice", ErrSpec, s, name)
		}
		seen[name] = true
		if err := p.set(&sp, strings.TrimSpace(val)); err != nil {
			return Spec{}, fmt.Errorf("policy: %w %q: %v", ErrSpec, s, err)
		}
	}
	return sp, nil
}

// ParseList parses a comma-separated list of specs. A piece without a kind
// (name=value with no ':') continues the previous spec's parameters, so
// "exp3s:gamma=0.1,alpha=0.02,ucb1" is two specs.
func ParseList(list string) ([]Spec, error) {
	var pieces []string
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if len(pieces) > 0 && strings.Contains(f, "=") && !strings.Contains(f, ":") {
			pieces[len(pieces)-1] += "," + f
			continue
		}
		pieces = append(pieces, f)
	}
	specs := make([]Spec, 0, len(pieces))
	for _, p := range pieces {
		sp, err := Parse(p)
		if err != nil {
			return nil, err
		}
		specs = append(specs, sp)
	}
	return specs, nil
}

// String returns the canonical form: the kind, then every parameter in a
// fixed order, e.g. "he:delay=250ms", "swucb:window=100,c=2".
func (sp Spec) String() string {
	k := lookup(sp.Kind)
	if k == nil || len(k.params) == 0 {
		return sp.Kind
	}
	var b strings.Builder
	b.WriteString(sp.Kind)
	for i, p := range k.params {
		if i == 0 {
			b.WriteByte(':')
		} else {
			b.WriteByte(',')
		}
		b.WriteString(p.name)
		b.WriteByte('=')
		b.WriteString(p.format(sp))
	}
	return b.String()
}

// Randomized reports whether the policy draws random numbers, so that a
// replay runs it several times and reports medians.
func (sp Spec) Randomized() bool {
	k := lookup(sp.Kind)
	return k != nil && k.randomized
}

// Oracle reports whether the policy is an a-posteriori baseline (best,
// probe) that the replay resolves.
func (sp Spec) Oracle() bool {
	k := lookup(sp.Kind)
	return k != nil && k.oracle
}

// New returns a fresh strategy for the spec, already Reset with a nil
// source (Reset it with a Source before playing a randomized one). It
// returns ErrOracle for best and probe.
func (sp Spec) New() (Strategy, error) {
	k := lookup(sp.Kind)
	switch {
	case k == nil:
		return nil, fmt.Errorf("policy: %w: unknown kind %q", ErrSpec, sp.Kind)
	case k.oracle:
		return nil, fmt.Errorf("policy: %s: %w", sp.Kind, ErrOracle)
	}
	st := k.new(sp)
	st.Reset(nil)
	return st, nil
}

// param is one parameter of a kind: its name, its default as written in a
// spec, and how to read it into a Spec and write it back.
type param struct {
	name   string
	def    string
	set    func(sp *Spec, val string) error
	format func(sp Spec) string
}

// number is a float parameter stored in *field, in [lo, hi], or (lo, hi]
// when loOpen.
func number(name, def string, field func(*Spec) *float64, lo, hi float64, loOpen bool) param {
	set := func(sp *Spec, val string) error {
		x, err := strconv.ParseFloat(val, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("%s %q: want a finite number", name, val)
		}
		if x > hi || x < lo || (loOpen && x == lo) {
			l := "["
			if loOpen {
				l = "("
			}
			return fmt.Errorf("%s %v: want a value in %s%v, %v]", name, x, l, lo, hi)
		}
		*field(sp) = x
		return nil
	}
	format := func(sp Spec) string { return strconv.FormatFloat(*field(&sp), 'g', -1, 64) }
	return param{name, def, set, format}
}

// maxWindow bounds swucb's window, whose buffers it allocates.
const maxWindow = 1 << 24

var windowParam = param{"window", "100",
	func(sp *Spec, val string) error {
		n, err := strconv.Atoi(val)
		if err != nil || n < 1 || n > maxWindow {
			return fmt.Errorf("window %q: want an integer in [1, %d]", val, maxWindow)
		}
		sp.Window = n
		return nil
	},
	func(sp Spec) string { return strconv.Itoa(sp.Window) }}

var everyParam = param{"every", "10",
	func(sp *Spec, val string) error {
		n, err := strconv.Atoi(val)
		if err != nil || n < 0 || n > maxWindow {
			return fmt.Errorf("every %q: want an integer in [0, %d] (0: never)", val, maxWindow)
		}
		sp.Every = n
		return nil
	},
	func(sp Spec) string { return strconv.Itoa(sp.Every) }}

var timeoutParam = param{"timeout", "21s",
	func(sp *Spec, val string) (err error) {
		if sp.Timeout, err = parseDelay(val); err == nil && sp.Timeout == 0 {
			err = fmt.Errorf("timeout %q: want a positive duration", val)
		}
		return err
	},
	func(sp Spec) string { return sp.Timeout.String() }}

var delayParam = param{"delay", "250ms",
	func(sp *Spec, val string) (err error) {
		sp.Delay, err = parseDelay(val)
		return err
	},
	func(sp Spec) string { return sp.Delay.String() }}

// parseDelay reads a non-negative Go duration or a number of ms, at most an
// hour.
func parseDelay(val string) (time.Duration, error) {
	d, err := time.ParseDuration(val)
	if err != nil {
		x, ferr := strconv.ParseFloat(val, 64)
		if ferr != nil || !(x >= 0 && x <= float64(time.Hour/time.Millisecond)) {
			return 0, fmt.Errorf("delay %q: want a duration such as 250ms, or ms, in [0, 1h]", val)
		}
		d = time.Duration(math.Round(x * float64(time.Millisecond)))
	}
	if d < 0 || d > time.Hour {
		return 0, fmt.Errorf("delay %v: want a value in [0, 1h]", d)
	}
	return d, nil
}

// durationMs converts a time.Duration to float ms.
func durationMs(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
