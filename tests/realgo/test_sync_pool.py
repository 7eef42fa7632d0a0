"""sync.Pool against real Go: which object each Get returns, for random op sequences.

Each case is a random sequence of `put:<id>` (Put a fresh &obj{id}), `putback:<j>`
(Put back the object the j-th Get returned, if any), `get` and `gc` (runtime.GC()), on a
pool with or without New, run by one Go program with GOMAXPROCS=1 (one P, one
poolLocal) and automatic GC off, so only the sequence's own GCs run poolCleanup.

The Runtime facade runs the same sequence (ops.New + ops.PoolPut + ops.Drop for a put,
ops.PoolPut + ops.Drop for a put-back, ops.PoolGet, ops.GC) as
tests/runtime/test_runtime.py::test_sync_pool_sequences_match_real_go does, and its
pool_get events must name the same object (objects New made are matched to the Get
that created them) and say "new" exactly where real Go called New.
"""

from __future__ import annotations

import random
import time

from gomemtui.runtime import ops
from gomemtui.runtime.machine import Runtime
from gomemtui.runtime.types import GoType

N_CASES = 80
NEW_BASE = 1000
"""Objects made by New get ids NEW_BASE+1, NEW_BASE+2, ... (put ids stay below)."""

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

type Result struct {
	Gets []int `json:"gets"`
	News int   `json:"news"`
}

//go:noinline
func runCase(c Case) Result {
	news := 0
	p := &sync.Pool{}
	if c.HasNew {
		p.New = func() any { news++; return &obj{NEWBASE + news} }
	}
	held := map[int]*obj{}
	gets := []int{}
	for _, op := range c.Ops {
		switch {
		case op == "get":
			id := 0
			if x := p.Get(); x != nil {
				o := x.(*obj)
				id = o.id
				held[len(gets)+1] = o
			}
			gets = append(gets, id)
		case op == "gc":
			runtime.GC()
		case strings.HasPrefix(op, "put:"):
			id, err := strconv.Atoi(op[len("put:"):])
			if err != nil {
				panic(err)
			}
			p.Put(&obj{id})
		case strings.HasPrefix(op, "putback:"):
			j, err := strconv.Atoi(op[len("putback:"):])
			if err != nil {
				panic(err)
			}
			if o, ok := held[j]; ok {
				p.Put(o)
				delete(held, j)
			}
		default:
			panic("unknown op " + op)
		}
	}
	return Result{gets, news}
}

func main() {
	var in struct {
		Cases []Case `json:"cases"`
	}
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		panic(err)
	}
	debug.SetGCPercent(-1) // only the cases' own runtime.GC() calls clean pools
	out := make([]Result, 0, len(in.Cases))
	for _, c := range in.Cases {
		out = append(out, runCase(c))
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
""".replace("NEWBASE", str(NEW_BASE))

OBJ = GoType("obj", 8, False)


def random_case(rng: random.Random) -> dict:
    n_ops = rng.choice([rng.randint(2, 12), rng.randint(5, 40)])
    weights = {"put": rng.uniform(0.5, 2), "get": rng.uniform(0.5, 2), "gc": rng.uniform(0.1, 0.8),
               "putback": rng.uniform(0, 1.5)}
    ops_: list[str] = []
    next_id = 1
    gets = 0
    returnable: list[int] = []  # gets not yet put back
    for _ in range(n_ops):
        kind = rng.choices(list(weights), list(weights.values()))[0]
        if kind == "put":
            ops_.append(f"put:{next_id}")
            next_id += 1
        elif kind == "get":
            gets += 1
            returnable.append(gets)
            ops_.append("get")
        elif kind == "gc":
            ops_.append("gc")
        elif returnable:
            j = returnable.pop(rng.randrange(len(returnable)))
            ops_.append(f"putback:{j}")
    return {"has_new": rng.random() < 0.75, "ops": ops_}


def simulate(case: dict) -> tuple[list[dict], int]:
    """The facade's pool_get event data for each get, and how often it called New."""
    r = Runtime(ops.RuntimeSettings(gomaxprocs=1))
    r.apply(ops.PoolNew("p", OBJ, has_new=case["has_new"]))
    gets: list[dict] = []
    for op in case["ops"]:
        if op.startswith("put:"):
            name = f"obj#{op[4:]}"
            for o in (ops.New(name, OBJ), ops.PoolPut("p", name), ops.Drop(name)):
                r.apply(o)
        elif op.startswith("putback:"):
            name = f"got{op[len('putback:'):]}"
            r.apply(ops.PoolPut("p", name))
            r.apply(ops.Drop(name))
        elif op == "gc":
            r.apply(ops.GC())
        else:
            events = r.apply(ops.PoolGet("p", f"got{len(gets) + 1}"))
            (event,) = [e for e in events if e.kind == "pool_get"]
            gets.append(event.data)
    return gets, r.json_state()["pools"]["p"]["news"]


def compare(case: dict, real: dict) -> list[str]:
    sim_gets, sim_news = simulate(case)
    problems = []
    made_by: dict[int, int] = {}  # Go id of a New object -> the get (1-based) that made it
    for j, (go_id, got) in enumerate(zip(real["gets"], sim_gets, strict=True), start=1):
        if go_id == 0:
            want_obj, want_new = None, False
        elif go_id > NEW_BASE:
            want_new = go_id not in made_by
            made_by.setdefault(go_id, j)
            want_obj = f"got{made_by[go_id]}"
        else:
            want_obj, want_new = f"obj#{go_id}", False
        sim_obj = got["object"]
        if want_new:
            ok = got["source"] == "new"
        elif want_obj is None:
            ok = got["source"] == "nil" and sim_obj is None
        else:
            ok = sim_obj == want_obj and got["source"] not in ("new", "nil")
        if not ok:
            go_says = "nil" if go_id == 0 else ("New()" if want_new else want_obj)
            problems.append(f"get #{j}: go {go_says}, sim {sim_obj} from {got['source']}")
    if sim_news != real["news"]:
        problems.append(f"New called: go {real['news']}, sim {sim_news}")
    return problems


def test_pool_gets_match_real_go(go_tool, case_rng):
    cases = [random_case(case_rng.rng) for _ in range(N_CASES)]
    program = go_tool.build("syncpool", GO_SOURCE)
    t0 = time.perf_counter()
    got = program.run({"cases": cases})
    go_s = time.perf_counter() - t0
    problems = []
    for case, real in zip(cases, got, strict=True):
        found = compare(case, real)
        if found:
            problems.append(f"ops {case['ops']} (New: {case['has_new']}):\n    " + "\n    ".join(found))
    n_ops = sum(len(c["ops"]) for c in cases)
    n_gets = sum(c["ops"].count("get") for c in cases)
    print(f"{len(cases)} sequences, {n_ops} ops, {n_gets} gets; Go ran in {go_s:.2f}s")
    assert not problems, f"{len(problems)} sequence(s) disagree with real Go ({case_rng.tag()}):\n" + "\n".join(problems[:10])
