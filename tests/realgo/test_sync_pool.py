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

import pytest

from gomemtui.runtime import program as ops
from gomemtui.runtime.core import Runtime
from gomemtui.runtime.types import GoType
from gomemtui.runtime.read.build import build_view, json_state

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
            j = int(op[len("putback:"):])
            if gets[j - 1]["object"] is None and gets[j - 1]["source"] != "new":
                continue  # the Go program Puts back only what a Get returned (held[j]): a nil is never Put
            name = f"got{j}"
            r.apply(ops.PoolPut("p", name))
            r.apply(ops.Drop(name))
        elif op == "gc":
            r.apply(ops.GC())
        else:
            events = r.apply(ops.PoolGet("p", f"got{len(gets) + 1}"))
            (event,) = [e for e in events if e.kind == "pool_get"]
            gets.append(event.data)
    return gets, json_state(r)["pools"]["p"]["news"]


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


# -- what the pool itself allocates: MemStats deltas around each op ---------------------------
#
# Real Go's pools allocate heap objects of their own: `pinSlow` appends the pool to
# `sync.allPools` (a new backing array when it is full — after every GC it is nil) and
# makes the `[GOMAXPROCS]poolLocal` array (128 B per P); `poolChain.pushHead` makes a
# poolChainElt (48 B) and its `[]eface` (8 slots, then twice the previous) whenever the
# head dequeue is full; `popTail` unlinks a drained tail dequeue. poolCleanup at each GC's
# start moves `local` to `victim` (kept one more cycle) and drops the old victim and the
# old `oldPools` array, which that cycle's sweep frees.
#
# The Go program runs each case on fresh pools (without New, or with a New that makes a
# 16-byte pointerful object), Puts objects allocated before the baseline (kept alive in a
# global, so only the pools' own memory and New's objects move the figures) and records
# HeapAlloc, TotalAlloc, Mallocs and Frees after every op; the simulator runs the same ops
# (two pools at most, on one goroutine) with GOMAXPROCS 1 and 4. Both must agree exactly.
#
# SUDOG_NOTE: the same `clearpools` that runs poolCleanup also drops the runtime's central
# sudog cache, so with several Ps the mark worker that finishes a cycle (`gcMarkDone` →
# `semacquire` → `acquireSudog`) often finds its P's cache empty and allocates a sudog:
# 112 B, in about a third of the GCs with GOMAXPROCS=4 (seen in a heap profile). The
# simulator has no sudogs, so the Go program leaves the 112-byte size class out of its
# figures (runtime/metrics' allocs-by-size and frees-by-size); no object of the pools or
# of these tests is of that class. Other stray runtime allocations are re-measured.

MEM_N_RANDOM = 16
MEM_RERUNS = 4
MEM_OBJECTS = 256
MEM_FIELDS = ("heap_alloc", "total_alloc", "mallocs", "frees")

MEM_GO_SOURCE = r"""
package main

import (
	"encoding/json"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
)

type obj struct {
	id   int
	next *obj
}

// The size class of runtime.sudog (112 B): see SUDOG_NOTE in the test.
const sudogClass = 112

var hist = []metrics.Sample{{Name: "/gc/heap/allocs-by-size:bytes"}, {Name: "/gc/heap/frees-by-size:bytes"}}

func classCount(h *metrics.Float64Histogram, size float64) uint64 {
	for i, c := range h.Counts {
		if h.Buckets[i] <= size && size < h.Buckets[i+1] {
			return c
		}
	}
	panic("no bucket")
}

type Case struct {
	HasNew bool     `json:"has_new"`
	Ops    []string `json:"ops"`
}

var objs [OBJECTS]*obj
var pools [2]*sync.Pool
var ms runtime.MemStats
var rows [][4]uint64

func read() [4]uint64 {
	metrics.Read(hist)
	runtime.ReadMemStats(&ms)
	a := classCount(hist[0].Value.Float64Histogram(), sudogClass)
	f := classCount(hist[1].Value.Float64Histogram(), sudogClass)
	return [4]uint64{ms.HeapAlloc - (a-f)*sudogClass, ms.TotalAlloc - a*sudogClass, ms.Mallocs - a, ms.Frees - f}
}

func newObj() any { return &obj{id: -1} }

//go:noinline
func runCase(c Case, out [][4]int64) {
	for i := range pools {
		pools[i] = &sync.Pool{}
		if c.HasNew {
			pools[i].New = newObj
		}
	}
	// The previous case's pools, their victims and allPools/oldPools arrays are gone
	// after two cycles; the third makes every figure below a clean delta.
	runtime.GC()
	runtime.GC()
	runtime.GC()
	base := read()
	for k, op := range c.Ops {
		which := 0
		if strings.HasSuffix(op, "@1") {
			which, op = 1, op[:len(op)-2]
		}
		switch {
		case op == "gc":
			runtime.GC()
		case op == "get":
			pools[which].Get()
		case strings.HasPrefix(op, "put:"):
			i, err := strconv.Atoi(op[len("put:"):])
			if err != nil {
				panic(err)
			}
			pools[which].Put(objs[i])
		default:
			panic("unknown op " + op)
		}
		now := read()
		for f := 0; f < 4; f++ {
			out[k][f] = int64(now[f]) - int64(base[f])
		}
	}
}

func main() {
	var in struct {
		Cases []Case `json:"cases"`
	}
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		panic(err)
	}
	debug.SetGCPercent(-1) // only the cases' own runtime.GC() calls
	for i := range objs {
		objs[i] = &obj{id: i}
	}
	results := make([][][4]int64, len(in.Cases))
	for i, c := range in.Cases {
		results[i] = make([][4]int64, len(c.Ops))
	}
	// Warm up: the first cycles start the mark workers and threads (runtime-internal
	// allocations that would otherwise land inside a case).
	for i := 0; i < 20; i++ {
		runtime.GC()
	}
	for i, c := range in.Cases {
		runCase(c, results[i])
	}
	if err := json.NewEncoder(os.Stdout).Encode(results); err != nil {
		panic(err)
	}
}
""".replace("OBJECTS", str(MEM_OBJECTS))

MEM_OBJ = GoType("obj", 16, True, ("next",))

MEM_FIXED_CASES = [
    # first Put (pinSlow: allPools array + local), the overflow into the shared chain
    # (first dequeue, 8 slots), 7 more, the 9th shared Put (a second dequeue of 16), a
    # second pool (allPools grows to cap 2), GC (locals → victim), GC (victims freed)
    {"has_new": False, "ops": ["put:0", "put:1"] + [f"put:{i}" for i in range(2, 9)]
     + ["put:9", "put:20@1", "gc", "gc", "gc"]},
    # a Get on a fresh pool pins too; New's object is garbage at once
    {"has_new": True, "ops": ["get", "get", "gc", "get", "gc", "gc"]},
    # drain two dequeues, then a Get's popTail unlinks the drained tail dequeue
    {"has_new": False, "ops": [f"put:{i}" for i in range(10)] + ["get"] * 11 + ["gc", "gc"]},
    # taking everything from the victim (unlinking its drained dequeues) before it is dropped
    {"has_new": False, "ops": [f"put:{i}" for i in range(12)] + ["gc"] + ["get"] * 13 + ["gc", "gc"]},
    # a pool used again after each GC: a new local array and allPools array every cycle
    {"has_new": False, "ops": ["put:0", "gc", "put:1", "gc", "put:2@1", "put:3", "gc", "gc", "gc"]},
    # more than one dequeue growth (8, 16, 32)
    {"has_new": False, "ops": [f"put:{i}" for i in range(1 + 8 + 16 + 1)] + ["gc", "gc"]},
]


def random_mem_case(rng: random.Random, with_new: bool) -> dict:
    ops_: list[str] = []
    next_id = 0
    for _ in range(rng.randint(4, 40)):
        kind = rng.choices(["put", "get", "gc"], [6, 3, 1])[0]
        pool = "@1" if rng.random() < 0.2 else ""
        if kind == "put" and next_id < MEM_OBJECTS:
            burst = rng.choice([1, 1, 1, 4, 9])
            for _ in range(min(burst, MEM_OBJECTS - next_id)):
                ops_.append(f"put:{next_id}{pool}")
                next_id += 1
        elif kind == "get":
            ops_.extend(["get" + pool] * rng.choice([1, 1, 3, 10]))
        else:
            ops_.append("gc")
    return {"has_new": with_new and rng.random() < 0.5, "ops": ops_}


def simulate_memory(case: dict, procs: int) -> list[list[int]]:
    """MemStats after each op minus the baseline, as the Go program records them."""
    r = Runtime(ops.RuntimeSettings(gomaxprocs=procs, gogc=None))
    used = sorted({int(op.split(":")[1].split("@")[0]) for op in case["ops"] if op.startswith("put:")})
    for i in used:
        r.apply(ops.New(f"obj{i}", MEM_OBJ))
        r.apply(ops.Global(f"obj{i}"))
    for name in ("p0", "p1"):
        r.apply(ops.PoolNew(name, MEM_OBJ, has_new=case["has_new"]))
        r.apply(ops.Global(name))
    for _ in range(3):
        r.apply(ops.GC())

    def read() -> list[int]:
        m = build_view(r).memstats
        return [m.heap_alloc, m.total_alloc, m.mallocs, m.frees]

    base = read()
    rows = []
    for k, op in enumerate(case["ops"]):
        pool = "p1" if op.endswith("@1") else "p0"
        op = op.removesuffix("@1")
        if op == "gc":
            r.apply(ops.GC())
        elif op == "get":
            r.apply(ops.PoolGet(pool, f"got{k}"))
            r.apply(ops.Drop(f"got{k}"))  # Go drops Get's result at once
        else:
            r.apply(ops.PoolPut(pool, f"obj{op[4:]}"))
        rows.append([now - was for now, was in zip(read(), base)])
    return rows


def mem_problems(case: dict, real: list[list[int]], procs: int) -> list[str]:
    sim = simulate_memory(case, procs)
    for k, (op, go_row, sim_row) in enumerate(zip(case["ops"], real, sim, strict=True)):
        if list(go_row) != sim_row:
            diff = {f: (g, s) for f, g, s in zip(MEM_FIELDS, go_row, sim_row) if g != s}
            return [f"op #{k + 1} {op} (GOMAXPROCS={procs}, New: {case['has_new']}): go vs sim {diff}; "
                    f"ops {case['ops'][:k + 1]}"]
    return []


@pytest.mark.parametrize("procs", [1, 4])
def test_pool_memory_matches_real_go(go_tool, case_rng, procs):
    # With several Ps, real Go's goroutine often resumes on another P after runtime.GC()
    # (the simulator's ops always run on P0): the victim's objects are then found in
    # another order (its private slot belongs to the old P), so a Get may call New where
    # the simulator finds an object. The pools' own memory does not depend on the P
    # (a fresh `local` after each GC; victims are freed whole), so with GOMAXPROCS=4 the
    # random cases run without New; the fixed cases' New calls do not depend on the P.
    cases = MEM_FIXED_CASES + [random_mem_case(case_rng.rng, with_new=procs == 1) for _ in range(MEM_N_RANDOM)]
    program = go_tool.build("syncpoolmem", MEM_GO_SOURCE)
    env = {"GOMAXPROCS": str(procs)}
    got = program.run({"cases": cases}, env=env)
    problems = {i: mem_problems(case, real, procs) for i, (case, real) in enumerate(zip(cases, got, strict=True))}
    # A runtime-internal allocation (a timer, a new M's structures when GC wakes more
    # threads) can land inside a case; measure a disagreeing case again, a few times,
    # before calling it a disagreement. Each run must match exactly.
    for _ in range(MEM_RERUNS):
        again = [i for i, p in problems.items() if p]
        if not again:
            break
        for i, real in zip(again, program.run({"cases": [cases[i] for i in again]}, env=env), strict=True):
            problems[i] = mem_problems(cases[i], real, procs)
    flat = [p for i in sorted(problems) for p in problems[i]]
    print(f"GOMAXPROCS={procs}: {len(cases)} cases, {sum(len(c['ops']) for c in cases)} ops")
    assert not flat, f"{len(flat)} case(s) disagree with real Go ({case_rng.tag()}):\n" + "\n".join(flat[:10])
