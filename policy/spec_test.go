package policy

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in    string
		want  Spec
		canon string
	}{
		{"v4", Spec{Kind: KindV4}, "v4"},
		{"IPv6", Spec{Kind: KindV6}, "v6"},
		{"best", Spec{Kind: KindBest}, "best"},
		{"he", Spec{Kind: KindHE, Delay: 250 * time.Millisecond}, "he:delay=250ms"},
		{"he:delay=250ms", Spec{Kind: KindHE, Delay: 250 * time.Millisecond}, "he:delay=250ms"},
		{"he:delay=0", Spec{Kind: KindHE}, "he:delay=0s"},
		{"he:delay=12.5", Spec{Kind: KindHE, Delay: 12500 * time.Microsecond}, "he:delay=12.5ms"},
		{"he:chrome", Spec{Kind: KindHE, Delay: 300 * time.Millisecond}, "he:delay=300ms"},
		{"he:go", Spec{Kind: KindHE, Delay: 300 * time.Millisecond}, "he:delay=300ms"},
		{"he:curl", Spec{Kind: KindHE, Delay: 200 * time.Millisecond}, "he:delay=200ms"},
		{"he:RFC8305", Spec{Kind: KindHE, Delay: 250 * time.Millisecond}, "he:delay=250ms"},
		{"race", Spec{Kind: KindRace}, "race"},
		{"rttcache", Spec{Kind: KindRTTCache, Alpha: 0.125, Delay: 250 * time.Millisecond}, "rttcache:alpha=0.125,delay=250ms"},
		{"rttcache:alpha=0.5", Spec{Kind: KindRTTCache, Alpha: 0.5, Delay: 250 * time.Millisecond}, "rttcache:alpha=0.5,delay=250ms"},
		{"exp3", Spec{Kind: KindExp3, Gamma: 0.1}, "exp3:gamma=0.1"},
		{"exp3:gamma=0.2", Spec{Kind: KindExp3, Gamma: 0.2}, "exp3:gamma=0.2"},
		{"exp3raw", Spec{Kind: KindExp3Raw, Gamma: 0.1}, "exp3raw:gamma=0.1"},
		{"exp3ix", Spec{Kind: KindExp3IX, Eta: 0.1, Gamma: 0.05}, "exp3ix:eta=0.1,gamma=0.05"},
		{"exp3s:alpha=0.02:gamma=0.3", Spec{Kind: KindExp3S, Gamma: 0.3, Alpha: 0.02}, "exp3s:gamma=0.3,alpha=0.02"},
		{"ucb1", Spec{Kind: KindUCB1, C: 2}, "ucb1:c=2"},
		{"swucb:window=50", Spec{Kind: KindSWUCB, Window: 50, C: 2}, "swucb:window=50,c=2"},
		{"ducb:discount=0.95,c=1", Spec{Kind: KindDUCB, Discount: 0.95, C: 1}, "ducb:discount=0.95,c=1"},
		{"thompson", Spec{Kind: KindTS}, "ts"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			if s := got.String(); s != tt.canon {
				t.Errorf("String %q, want %q", s, tt.canon)
			}
		})
	}
	bad := []string{"", "nope", "v4:x=1", "he:delay=-1ms", "he:delay=abc", "he:safari", "exp3:gamma=0",
		"exp3:gamma=1.5", "exp3:gamma=NaN", "exp3:gamma", "exp3:gamma=0.1,gamma=0.2", "swucb:window=0",
		"ducb:discount=1.5", "rttcache:alpha=0", "ucb1:c=-1", "he:delay=2h"}
	for _, in := range bad {
		t.Run("bad/"+in, func(t *testing.T) {
			if _, err := Parse(in); !errors.Is(err, ErrSpec) {
				t.Errorf("Parse(%q) error %v, want ErrSpec", in, err)
			}
		})
	}
}

func TestParseList(t *testing.T) {
	got, err := ParseList("exp3, he:delay=250ms,exp3s:gamma=0.2,alpha=0.02,ucb1,")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range got {
		names = append(names, s.String())
	}
	want := []string{"exp3:gamma=0.1", "he:delay=250ms", "exp3s:gamma=0.2,alpha=0.02", "ucb1:c=2"}
	if !slices.Equal(names, want) {
		t.Errorf("got %q, want %q", names, want)
	}
	if _, err := ParseList("exp3,bogus"); err == nil {
		t.Error("no error for an unknown kind")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"he", "he:delay=250ms", "he:chrome", "exp3s:gamma=0.1,alpha=0.001", "swucb:window=10:c=0.5", "rttcache:alpha=1,delay=3.5", "ts", "v4:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if specs, err := ParseList(s); err == nil {
			for _, sp := range specs {
				if again, err := Parse(sp.String()); err != nil || again != sp {
					t.Fatalf("ParseList(%q): %+v does not round-trip", s, sp)
				}
			}
		} else if !errors.Is(err, ErrSpec) {
			t.Fatalf("ParseList error %v does not wrap ErrSpec", err)
		}
		sp, err := Parse(s)
		if err != nil {
			if !errors.Is(err, ErrSpec) {
				t.Fatalf("error %v does not wrap ErrSpec", err)
			}
			return
		}
		again, err := Parse(sp.String())
		if err != nil || again != sp {
			t.Fatalf("%q -> %q -> %+v, %v; want %+v", s, sp.String(), again, err, sp)
		}
		if st, err := sp.New(); err != nil {
			if !sp.Oracle() {
				t.Fatalf("New(%q): %v", sp, err)
			}
		} else {
			st.Reset(rand.New(rand.NewPCG(1, 2)))
			for i := range 50 {
				o := st.Play(Both(float64(i%7), float64(i%5)))
				if o.Arm != 0 && o.Arm != 1 || o.Conns < 1 || o.Conns > 2 {
					t.Fatalf("%q: bad outcome %+v", sp, o)
				}
			}
		}
	})
}

// TestParseUnknownKindListsKinds: a misspelt policy is answered with the
// names that would do.
func TestParseUnknownKindListsKinds(t *testing.T) {
	_, err := Parse("bset")
	if err == nil || !errors.Is(err, ErrSpec) {
		t.Fatalf("Parse(bset): %v", err)
	}
	for _, k := range Kinds() {
		if !strings.Contains(err.Error(), k) {
			t.Errorf("error %q does not list %s", err, k)
		}
	}
	if len(Kinds()) != len(registry) || Kinds()[0] != KindV4 {
		t.Errorf("Kinds() = %v", Kinds())
	}
}
