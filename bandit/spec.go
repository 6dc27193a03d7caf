package bandit

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ErrSpec is wrapped by every error ParseSpec and ParseSpecs return.
var ErrSpec = errors.New("invalid policy")

// ErrOracle is returned by Spec.New for the a-posteriori baselines (best,
// probe): they need the whole pair or probe, which only a replay knows; the
// replay resolves them to a Fixed family.
var ErrOracle = errors.New("policy needs the replay's a-posteriori knowledge")

// Policy kinds, as written in a spec.
const (
	KindV4       = "v4"       // always IPv4
	KindV6       = "v6"       // always IPv6
	KindBest     = "best"     // the pair's a-posteriori best family (oracle)
	KindProbe    = "probe"    // the probe's majority family (oracle)
	KindHE       = "he"       // Happy Eyeballs: delay
	KindRace     = "race"     // both families every round
	KindRTTCache = "rttcache" // Safari-style RTT cache: alpha, delay
	KindExp3     = "exp3"     // the artefacts' floored EXP3: gamma
	KindExp3Raw  = "exp3raw"  // textbook EXP3: gamma
	KindExp3IX   = "exp3ix"   // EXP3-IX: eta, gamma
	KindExp3S    = "exp3s"    // EXP3.S: gamma, alpha
	KindUCB1     = "ucb1"     // UCB1: c
	KindSWUCB    = "swucb"    // sliding-window UCB: window, c
	KindDUCB     = "ducb"     // discounted UCB: discount, c
	KindTS       = "ts"       // Thompson sampling, Beta-Bernoulli
)

// Happy Eyeballs head starts of the presets he:rfc8305 (and plain he),
// he:chrome, he:go and he:curl.
const (
	DelayRFC8305 = 250 * time.Millisecond
	DelayChrome  = 300 * time.Millisecond
	DelayGo      = 300 * time.Millisecond // net.Dialer's FallbackDelay
	DelayCurl    = 200 * time.Millisecond
)

// Spec is a parsed policy: its kind and parameters. Parameters a kind does
// not take are zero. Specs are comparable; String is the canonical form,
// with every parameter, that ParseSpec maps back to the same Spec.
type Spec struct {
	Kind     string
	Gamma    float64       // exp3, exp3raw, exp3s (0.1); exp3ix's implicit exploration (0.05)
	Eta      float64       // exp3ix learning rate (0.1)
	Alpha    float64       // exp3s share (0.001); rttcache EWMA weight (0.125)
	C        float64       // UCB exploration coefficient (2)
	Window   int           // swucb window (100)
	Discount float64       // ducb discount (0.99)
	Delay    time.Duration // he head start (250ms); rttcache head start before an estimate (250ms)
}

// param describes one parameter of a kind.
type param struct {
	name string
	def  string
}

var kinds = map[string][]param{
	KindV4: nil, KindV6: nil, KindBest: nil, KindProbe: nil, KindRace: nil, KindTS: nil,
	KindHE:       {{"delay", "250ms"}},
	KindRTTCache: {{"alpha", "0.125"}, {"delay", "250ms"}},
	KindExp3:     {{"gamma", "0.1"}},
	KindExp3Raw:  {{"gamma", "0.1"}},
	KindExp3IX:   {{"eta", "0.1"}, {"gamma", "0.05"}},
	KindExp3S:    {{"gamma", "0.1"}, {"alpha", "0.001"}},
	KindUCB1:     {{"c", "2"}},
	KindSWUCB:    {{"window", "100"}, {"c", "2"}},
	KindDUCB:     {{"discount", "0.99"}, {"c", "2"}},
}

var hePresets = map[string]time.Duration{
	"rfc8305": DelayRFC8305, "chrome": DelayChrome, "go": DelayGo, "curl": DelayCurl,
}

// aliases are other names of kinds.
var aliases = map[string]string{"thompson": KindTS, "ipv4": KindV4, "ipv6": KindV6}

// ParseSpec parses a policy written kind[:name=value[,name=value...]]
// (parameters may also be separated by ':'), e.g. "exp3", "exp3:gamma=0.2",
// "he:delay=250ms", "swucb:window=50,c=1". Omitted parameters take their
// defaults. Happy Eyeballs also takes a preset instead of parameters:
// he:rfc8305 (= he, 250 ms), he:chrome and he:go (300 ms), he:curl
// (200 ms). A delay is a Go duration ("250ms", "0.3s") or a number of ms.
// Errors wrap ErrSpec.
func ParseSpec(s string) (Spec, error) {
	kind, rest, _ := strings.Cut(strings.TrimSpace(s), ":")
	kind = strings.ToLower(kind)
	if a, ok := aliases[kind]; ok {
		kind = a
	}
	params, ok := kinds[kind]
	if !ok {
		return Spec{}, fmt.Errorf("bandit: %w %q: unknown kind %q", ErrSpec, s, kind)
	}
	sp := Spec{Kind: kind}
	for _, p := range params {
		if err := sp.set(p.name, p.def); err != nil {
			panic(err) // the defaults are valid
		}
	}
	if rest == "" {
		return sp, nil
	}
	if kind == KindHE {
		if d, ok := hePresets[strings.ToLower(rest)]; ok {
			sp.Delay = d
			return sp, nil
		}
	}
	seen := map[string]bool{}
	for _, kv := range strings.FieldsFunc(rest, func(r rune) bool { return r == ',' || r == ':' }) {
		name, val, ok := strings.Cut(kv, "=")
		name = strings.ToLower(strings.TrimSpace(name))
		if !ok {
			return Spec{}, fmt.Errorf("bandit: %w %q: %q is not name=value", ErrSpec, s, kv)
		}
		known := false
		for _, p := range params {
			known = known || p.name == name
		}
		if !known {
			return Spec{}, fmt.Errorf("bandit: %w %q: %s takes no parameter %q", ErrSpec, s, kind, name)
		}
		if seen[name] {
			return Spec{}, fmt.Errorf("bandit: %w %q: parameter %q given twice", ErrSpec, s, name)
		}
		seen[name] = true
		if err := sp.set(name, strings.TrimSpace(val)); err != nil {
			return Spec{}, fmt.Errorf("bandit: %w %q: %v", ErrSpec, s, err)
		}
	}
	return sp, nil
}

// ParseSpecs parses a comma-separated list of specs. A piece without a kind
// (name=value with no ':') continues the previous spec's parameters, so
// "exp3s:gamma=0.1,alpha=0.02,ucb1" is two specs.
func ParseSpecs(list string) ([]Spec, error) {
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
		sp, err := ParseSpec(p)
		if err != nil {
			return nil, err
		}
		specs = append(specs, sp)
	}
	return specs, nil
}

func (sp *Spec) set(name, val string) error {
	switch name {
	case "delay":
		d, err := parseDelay(val)
		if err != nil {
			return err
		}
		sp.Delay = d
		return nil
	case "window":
		n, err := strconv.Atoi(val)
		if err != nil || n < 1 || n > 1<<24 {
			return fmt.Errorf("window %q: want an integer in [1, %d]", val, 1<<24)
		}
		sp.Window = n
		return nil
	}
	x, err := strconv.ParseFloat(val, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return fmt.Errorf("%s %q: want a finite number", name, val)
	}
	in := func(lo, hi float64, loOpen bool) error {
		if x > hi || x < lo || (loOpen && x == lo) {
			l := "["
			if loOpen {
				l = "("
			}
			return fmt.Errorf("%s %v: want a value in %s%v, %v]", name, x, l, lo, hi)
		}
		return nil
	}
	switch name {
	case "gamma":
		lo, open := 0.0, true
		if sp.Kind == KindExp3IX {
			open = false
		}
		if err := in(lo, 1, open); err != nil {
			return err
		}
		sp.Gamma = x
	case "eta":
		if err := in(0, 1e6, true); err != nil {
			return err
		}
		sp.Eta = x
	case "alpha":
		if err := in(0, 1, sp.Kind == KindRTTCache); err != nil {
			return err
		}
		sp.Alpha = x
	case "c":
		if err := in(0, 1e6, false); err != nil {
			return err
		}
		sp.C = x
	case "discount":
		if err := in(0, 1, true); err != nil {
			return err
		}
		sp.Discount = x
	default:
		return fmt.Errorf("unknown parameter %q", name)
	}
	return nil
}

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

// String returns the canonical form: the kind, then every parameter in a
// fixed order, e.g. "he:delay=250ms", "swucb:window=100,c=2".
func (sp Spec) String() string {
	params := kinds[sp.Kind]
	if len(params) == 0 {
		return sp.Kind
	}
	var b strings.Builder
	b.WriteString(sp.Kind)
	for i, p := range params {
		if i == 0 {
			b.WriteByte(':')
		} else {
			b.WriteByte(',')
		}
		b.WriteString(p.name)
		b.WriteByte('=')
		b.WriteString(sp.value(p.name))
	}
	return b.String()
}

func (sp Spec) value(name string) string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	switch name {
	case "delay":
		return sp.Delay.String()
	case "window":
		return strconv.Itoa(sp.Window)
	case "gamma":
		return f(sp.Gamma)
	case "eta":
		return f(sp.Eta)
	case "alpha":
		return f(sp.Alpha)
	case "c":
		return f(sp.C)
	case "discount":
		return f(sp.Discount)
	}
	panic("bandit: unknown parameter " + name)
}

// Randomized reports whether the policy draws random numbers, so that a
// replay runs it several times and reports medians.
func (sp Spec) Randomized() bool {
	switch sp.Kind {
	case KindExp3, KindExp3Raw, KindExp3IX, KindExp3S, KindTS:
		return true
	}
	return false
}

// Oracle reports whether the policy is an a-posteriori baseline (best,
// probe) that the replay resolves.
func (sp Spec) Oracle() bool { return sp.Kind == KindBest || sp.Kind == KindProbe }

// New returns a fresh strategy for the spec, already Reset with a nil
// source (Reset it with a Source before playing a randomized one). It
// returns ErrOracle for best and probe.
func (sp Spec) New() (Strategy, error) {
	switch sp.Kind {
	case KindV4:
		return Fixed(0), nil
	case KindV6:
		return Fixed(1), nil
	case KindBest, KindProbe:
		return nil, fmt.Errorf("bandit: %s: %w", sp.Kind, ErrOracle)
	case KindHE:
		return &HappyEyeballs{Delay: durationMs(sp.Delay)}, nil
	case KindRace:
		return Race{}, nil
	case KindRTTCache:
		c := &RTTCache{Alpha: sp.Alpha, Delay: durationMs(sp.Delay)}
		c.Reset(nil)
		return c, nil
	case KindExp3:
		return NewExp3Learner(sp.Gamma), nil
	case KindExp3Raw:
		return newLearner(&exp3Raw{gamma: sp.Gamma}), nil
	case KindExp3IX:
		return newLearner(&exp3IX{eta: sp.Eta, gamma: sp.Gamma}), nil
	case KindExp3S:
		return newLearner(&exp3S{gamma: sp.Gamma, alpha: sp.Alpha}), nil
	case KindUCB1:
		return newLearner(&ucb1{c: sp.C}), nil
	case KindSWUCB:
		return newLearner(&swUCB{c: sp.C, window: sp.Window, arms: make([]int8, sp.Window), rew: make([]float64, sp.Window)}), nil
	case KindDUCB:
		return newLearner(&dUCB{c: sp.C, discount: sp.Discount}), nil
	case KindTS:
		return newLearner(&thompson{}), nil
	}
	return nil, fmt.Errorf("bandit: %w: unknown kind %q", ErrSpec, sp.Kind)
}
