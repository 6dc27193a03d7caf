package policy

import (
	"time"

	"github.com/afsel/afsel/bandit"
)

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
	KindOS       = "os"       // no Happy Eyeballs: IPv4 once the OS gives up on IPv6: timeout
	KindSteer    = "steer"    // the paper's DNS steering, EXP3 with one address: gamma, timeout
	KindExp3HE   = "exp3he"   // EXP3 orders the families, Happy Eyeballs keeps the other: gamma, delay
	KindHuston   = "huston"   // Huston's failover, max(delay, factor x IPv6 estimate): delay, factor, alpha
	KindHEv3     = "hev3"     // Happy Eyeballs v3 draft, history-sorted with forced exploration: delay, alpha, every
)

// Happy Eyeballs head starts of the presets he:rfc8305 (and plain he),
// he:chrome, he:go and he:curl.
const (
	DelayRFC8305 = 250 * time.Millisecond
	DelayChrome  = 300 * time.Millisecond
	DelayGo      = 300 * time.Millisecond // net.Dialer's FallbackDelay
	DelayCurl    = 200 * time.Millisecond
	DelayFirefox = 250 * time.Millisecond // network.http.fast-fallback-to-IPv4
)

// OS connect timeouts, as Huston measured them ("Dual Stack Esotropia",
// 2011): the presets os:windows, os:macos and os:linux.
const (
	TimeoutWindows = 21 * time.Second  // SYN retries after 3, 6, 12 s
	TimeoutMacOS   = 75 * time.Second  // also FreeBSD
	TimeoutLinux   = 189 * time.Second // tcp_syn_retries 5: 3, 6, 12, 24, 48, 96 s
)

// kind is one entry of the registry: everything Parse, String, Randomized,
// Oracle and New know of a policy kind. Adding a policy is adding an entry.
type kind struct {
	name       string
	aliases    []string
	params     []param         // in canonical order, with their defaults
	presets    map[string]Spec // kind:preset, instead of parameters
	randomized bool            // draws random numbers: a replay runs it several times
	oracle     bool            // a-posteriori baseline the replay resolves; new is nil
	new        func(Spec) Strategy
}

// The parameters kinds share; their ranges differ where the algorithms do.
func gamma(def string, loOpen bool) param {
	return number("gamma", def, func(sp *Spec) *float64 { return &sp.Gamma }, 0, 1, loOpen)
}

func alpha(def string, loOpen bool) param {
	return number("alpha", def, func(sp *Spec) *float64 { return &sp.Alpha }, 0, 1, loOpen)
}

var cParam = number("c", "2", func(sp *Spec) *float64 { return &sp.C }, 0, 1e6, false)

func learner(f func(Spec) bandit.Learner) func(Spec) Strategy {
	return func(sp Spec) Strategy { return NewLearner(f(sp)) }
}

func heAt(d time.Duration) Spec { return Spec{Kind: KindHE, Delay: d} }

func osAt(d time.Duration) Spec { return Spec{Kind: KindOS, Timeout: d} }

var registry = []kind{
	{name: KindV4, aliases: []string{"ipv4"}, new: func(Spec) Strategy { return Fixed(0) }},
	{name: KindV6, aliases: []string{"ipv6"}, new: func(Spec) Strategy { return Fixed(1) }},
	{name: KindBest, oracle: true},
	{name: KindProbe, oracle: true},
	{name: KindHE, params: []param{delayParam},
		presets: map[string]Spec{"rfc8305": heAt(DelayRFC8305), "chrome": heAt(DelayChrome), "go": heAt(DelayGo), "curl": heAt(DelayCurl), "firefox": heAt(DelayFirefox)},
		new:     func(sp Spec) Strategy { return &HappyEyeballs{Delay: durationMs(sp.Delay)} }},
	{name: KindRace, new: func(Spec) Strategy { return Race{} }},
	{name: KindRTTCache, params: []param{alpha("0.125", true), delayParam},
		new: func(sp Spec) Strategy { return &RTTCache{Alpha: sp.Alpha, Delay: durationMs(sp.Delay)} }},
	{name: KindExp3, params: []param{gamma("0.1", true)}, randomized: true,
		new: learner(func(sp Spec) bandit.Learner { return bandit.NewExp3Learner(bandit.Exp3Config{Gamma: sp.Gamma}) })},
	{name: KindExp3Raw, params: []param{gamma("0.1", true)}, randomized: true,
		new: learner(func(sp Spec) bandit.Learner { return bandit.NewExp3Raw(sp.Gamma) })},
	{name: KindExp3IX, randomized: true,
		params: []param{number("eta", "0.1", func(sp *Spec) *float64 { return &sp.Eta }, 0, 1e6, true), gamma("0.05", false)},
		new:    learner(func(sp Spec) bandit.Learner { return bandit.NewExp3IX(sp.Eta, sp.Gamma) })},
	{name: KindExp3S, params: []param{gamma("0.1", true), alpha("0.001", false)}, randomized: true,
		new: learner(func(sp Spec) bandit.Learner { return bandit.NewExp3S(sp.Gamma, sp.Alpha) })},
	{name: KindUCB1, params: []param{cParam},
		new: learner(func(sp Spec) bandit.Learner { return bandit.NewUCB1(sp.C) })},
	{name: KindSWUCB, params: []param{windowParam, cParam},
		new: learner(func(sp Spec) bandit.Learner { return bandit.NewSWUCB(sp.Window, sp.C) })},
	{name: KindDUCB, params: []param{number("discount", "0.99", func(sp *Spec) *float64 { return &sp.Discount }, 0, 1, true), cParam},
		new: learner(func(sp Spec) bandit.Learner { return bandit.NewDUCB(sp.Discount, sp.C) })},
	{name: KindTS, aliases: []string{"thompson"}, randomized: true,
		new: learner(func(Spec) bandit.Learner { return bandit.NewThompson() })},
	{name: KindOS, params: []param{timeoutParam},
		presets: map[string]Spec{"windows": osAt(TimeoutWindows), "macos": osAt(TimeoutMacOS), "linux": osAt(TimeoutLinux)},
		new:     func(sp Spec) Strategy { return &Sequential{Timeout: durationMs(sp.Timeout)} }},
	{name: KindSteer, params: []param{gamma("0.1", true), timeoutParam}, randomized: true,
		new: func(sp Spec) Strategy {
			l := NewLearner(bandit.NewExp3Learner(bandit.Exp3Config{Gamma: sp.Gamma}))
			l.Timeout = durationMs(sp.Timeout)
			return l
		}},
	{name: KindExp3HE, params: []param{gamma("0.1", true), delayParam}, randomized: true,
		new: func(sp Spec) Strategy {
			l := NewLearner(bandit.NewExp3Learner(bandit.Exp3Config{Gamma: sp.Gamma}))
			l.Fallback, l.Delay = true, durationMs(sp.Delay)
			return l
		}},
	{name: KindHuston, params: []param{withDefault(delayParam, "300ms"), number("factor", "2", func(sp *Spec) *float64 { return &sp.Factor }, 0, 1e3, false), alpha("0.125", true)},
		new: func(sp Spec) Strategy { return &Huston{Min: durationMs(sp.Delay), Factor: sp.Factor, Alpha: sp.Alpha} }},
	{name: KindHEv3, params: []param{delayParam, alpha("0.125", true), everyParam},
		new: func(sp Spec) Strategy {
			return &HEv3{Delay: durationMs(sp.Delay), Alpha: sp.Alpha, Every: sp.Every}
		}},
}

func withDefault(p param, def string) param {
	p.def = def
	return p
}

// byName indexes the registry by kind name, byAlias by name and alias.
var byName, byAlias = func() (names, all map[string]*kind) {
	names, all = make(map[string]*kind), make(map[string]*kind)
	for i := range registry {
		k := &registry[i]
		names[k.name] = k
		for _, n := range append([]string{k.name}, k.aliases...) {
			if all[n] != nil {
				panic("policy: kind " + n + " registered twice")
			}
			all[n] = k
		}
	}
	return names, all
}()

// Kinds lists the kinds' names in the registry's order.
func Kinds() []string {
	names := make([]string, len(registry))
	for i := range registry {
		names[i] = registry[i].name
	}
	return names
}

// lookup returns the kind of a Spec, nil if unknown. Aliases are only for
// Parse: a Spec always holds the kind's own name.
func lookup(name string) *kind { return byName[name] }

func (k *kind) param(name string) *param {
	for i := range k.params {
		if k.params[i].name == name {
			return &k.params[i]
		}
	}
	return nil
}

// Clients are the client profiles a comparison with failed tests plays when
// no policies are given: fixed families, today's Happy Eyeballs clients
// (RFC 8305, Chrome, Firefox, curl; Firefox's fast-fail race), Safari's RTT
// cache, the HE v3 draft, Huston's proposal, clients without Happy
// Eyeballs on each OS, the paper's DNS steering, and EXP3 ordering with
// Happy Eyeballs' fallback.
var Clients = []string{"v6", "v4", "he:rfc8305", "he:chrome", "he:firefox", "he:curl", "race", "rttcache",
	"hev3", "huston", "os:windows", "os:macos", "os:linux", "steer", "exp3he"}
