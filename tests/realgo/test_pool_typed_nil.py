"""`sync.Pool.Put` of a typed nil against real Go: the pool keeps it, `Put(nil)` does not.

`sync.(*Pool).Put` returns at once when `x == nil`, which holds only for a nil
interface. A nil `*T` passed to `Put(x any)` becomes an interface with a type and a nil
pointer: not nil, so the pool stores it and the next Get returns it (a `(*T)(nil)`, not
a call to New). The scenario format writes the two as Go does (docs/scenario-format.md):

* a typed nil: `pool_put` of a pointer variable that holds nil (`assign value = "nil"`,
  or a Get from a pool without New that missed);
* the untyped nil: `pool_put` with `var = "nil"`, i.e. `p.Put(nil)`.

The Go program runs each sequence on a fresh pool (GOMAXPROCS=1, automatic GC off so
only the sequence's `runtime.GC()` calls run poolCleanup) and reports what each Get gave:
`nil` (a nil interface), `typednil` (a non-nil interface holding a nil `*T`), `new` (New
ran) or the id of an object Put earlier. The simulator runs the same sequence written as
a scenario (loaded, checked and compiled like a user's file) and must give the same.
"""

from __future__ import annotations

import random

from gomemtui.runtime.core import Runtime
from gomemtui.scenario import compile_scenario, load_text

N_RANDOM = 40

GO_SOURCE = r"""
package main

import (
	"encoding/json"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
)

type obj struct{ id int }

type Case struct {
	HasNew bool     `json:"has_new"`
	Ops    []string `json:"ops"`
}

//go:noinline
func runCase(c Case) []string {
	p := &sync.Pool{}
	if c.HasNew {
		p.New = func() any { return &obj{-1} }
	}
	gets := []string{}
	for _, op := range c.Ops {
		switch {
		case op == "put_typed_nil":
			var x *obj // a nil pointer: any(x) != nil
			p.Put(x)
		case op == "put_nil":
			p.Put(nil) // a nil interface: Put returns at once
		case strings.HasPrefix(op, "put:"):
			id, err := strconv.Atoi(op[len("put:"):])
			if err != nil {
				panic(err)
			}
			p.Put(&obj{id})
		case op == "gc":
			runtime.GC()
		case op == "get":
			x := p.Get()
			switch {
			case x == nil:
				gets = append(gets, "nil")
			case x.(*obj) == nil:
				gets = append(gets, "typednil")
			case x.(*obj).id == -1:
				gets = append(gets, "new")
			default:
				gets = append(gets, strconv.Itoa(x.(*obj).id))
			}
		default:
			panic("unknown op " + op)
		}
	}
	return gets
}

func main() {
	var in struct {
		Cases []Case `json:"cases"`
	}
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		panic(err)
	}
	debug.SetGCPercent(-1)
	out := [][]string{}
	for _, c := range in.Cases {
		out = append(out, runCase(c))
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
"""

FIXED_CASES = [
    # A typed nil Put is what the next Get returns, with or without New.
    {"has_new": True, "ops": ["put_typed_nil", "get", "get"]},
    {"has_new": False, "ops": ["put_typed_nil", "get", "get"]},
    # Put(nil) is ignored: the Get misses (New, or nil without New).
    {"has_new": True, "ops": ["put_nil", "get"]},
    {"has_new": False, "ops": ["put_nil", "get"]},
    # The typed nil takes the private slot, so an object Put after it goes to the shared chain.
    {"has_new": True, "ops": ["put_typed_nil", "put:1", "get", "get", "get"]},
    # Like any entry it survives one GC in the victim cache, and not two.
    {"has_new": True, "ops": ["put_typed_nil", "gc", "get", "put_typed_nil", "gc", "gc", "get"]},
    {"has_new": False, "ops": ["put_nil", "put_typed_nil", "put_nil", "put:2", "gc", "get", "get", "get"]},
]


def random_case(rng: random.Random) -> dict:
    kinds = ["put_typed_nil", "put_nil", "put", "get", "gc"]
    weights = [1.0, 0.7, 1.0, 1.5, 0.4]
    ops_: list[str] = []
    next_id = 1
    for _ in range(rng.randint(3, 20)):
        kind = rng.choices(kinds, weights)[0]
        if kind == "put":
            ops_.append(f"put:{next_id}")
            next_id += 1
        else:
            ops_.append(kind)
    return {"has_new": rng.random() < 0.6, "ops": ops_}


def scenario_text(case: dict) -> str:
    """The sequence as a scenario file, in the format's words for each kind of Put."""
    steps = [{"do": "pool_new", "var": "p", "type": "obj", "has_new": case["has_new"]}]
    gets = 0
    for op in case["ops"]:
        if op == "put_typed_nil":
            steps += [{"do": "assign", "target": "x", "value": "nil"},  # var x *obj
                      {"do": "pool_put", "pool": "p", "var": "x"}]
        elif op == "put_nil":
            steps.append({"do": "pool_put", "pool": "p", "var": "nil"})
        elif op.startswith("put:"):
            name = f"obj{op[4:]}"
            steps += [{"do": "new", "var": name, "type": "obj"},
                      {"do": "pool_put", "pool": "p", "var": name},
                      {"do": "drop", "var": name}]
        elif op == "gc":
            steps.append({"do": "gc"})
        else:
            gets += 1
            steps.append({"do": "pool_get", "pool": "p", "var": f"got{gets}"})
    out = ['[scenario]\ntitle = "typed nil"\n\n[runtime]\ngomaxprocs = 1\n\n'
           '[source]\ncode = "package main"\n\n[types.obj]\nsize = 8\n']
    for step in steps:
        out.append("[[step]]\nline = 1")
        for key, value in step.items():
            literal = ("true" if value else "false") if isinstance(value, bool) else f'"{value}"'
            out.append(f"{key} = {literal}")
        out.append("")
    return "\n".join(out)


def simulate(case: dict) -> list[str]:
    """What each Get gave in the simulator, in the Go program's words."""
    program = compile_scenario(load_text(scenario_text(case)))
    r = Runtime(program.settings, program.goroutines)
    gets: list[str] = []
    for step in program.steps:
        for event in r.apply(step.op):
            if event.kind != "pool_get":
                continue
            data = event.data
            if data["source"] == "new":
                gets.append("new")
            elif data["typed_nil"]:
                gets.append("typednil")
            elif data["object"] is None:
                gets.append("nil")
            else:
                gets.append(data["object"].removeprefix("obj"))
    return gets


def test_put_of_a_typed_nil_is_kept_and_put_nil_is_ignored_as_in_real_go(go_tool, case_rng):
    cases = FIXED_CASES + [random_case(case_rng.rng) for _ in range(N_RANDOM)]
    real = go_tool.build("pooltypednil", GO_SOURCE).run({"cases": cases})
    # What the fixed cases show, as Go 1.27.3 printed it (the rule the simulator follows):
    assert real[0] == ["typednil", "new"] and real[1] == ["typednil", "nil"]
    assert real[2] == ["new"] and real[3] == ["nil"]
    problems = []
    for case, want in zip(cases, real, strict=True):
        got = simulate(case)
        if got != want:
            problems.append(f"ops {case['ops']} (New: {case['has_new']}): go {want}, sim {got}")
    assert not problems, (f"{len(problems)} sequence(s) disagree with real Go ({case_rng.tag()}):\n"
                          + "\n".join(problems[:10]))
