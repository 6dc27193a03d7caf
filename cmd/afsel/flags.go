package main

import (
	"github.com/spf13/pflag"
)

// addOutFlag binds --out/-o, where the command's output goes: a directory
// for the commands that write several files, a file for those that write
// one (usage says which). --output, the long name the commands that write
// a file had, is a hidden alias on every command.
func addOutFlag(f *pflag.FlagSet, p *string, value, usage string) {
	f.StringVarP(p, "out", "o", value, usage)
	addAlias(f, "output", "", "out")
}

// addAlias adds the flag name (and its shorthand, if not ""), hidden from
// help, as another name of the flag target: both set the same value.
func addAlias(f *pflag.FlagSet, name, shorthand, target string) {
	t := f.Lookup(target)
	if t == nil {
		panic("cmd: alias of a flag not defined: --" + target)
	}
	f.AddFlag(&pflag.Flag{Name: name, Shorthand: shorthand, Usage: "the same as --" + target,
		Value: t.Value, DefValue: t.DefValue, NoOptDefVal: t.NoOptDefVal, Hidden: true})
}
