"""Allocation sizes against real Go: MemStats deltas around `new(T)` for random T.

One Go program per run declares the run's random types (1 B .. 96 KiB, with and
without pointers: tiny objects, small size classes, the 8-byte malloc header above
512 B, the 32760/32768 edge, large objects) and, per case, reads MemStats, does
`count` × `sinks[i] = new(T)` (the global sink makes each one a heap allocation) —
or several such groups in a row, mostly of tiny objects of mixed sizes — reads
MemStats again, then runs two GCs and reads HeapAlloc with the objects still
referenced. GC is off (`debug.SetGCPercent(-1)`) so no cycle flushes the tiny block
in between; `ReadMemStats` flushes the mcache, so each case starts a fresh tiny block.

The simulator does the same through the Runtime facade (`ops.New` per object, and
`ops.Repeat(ops.New)` for the vectorized path, in a fresh Runtime with GOGC off), and
its heap's MemStats figures must equal real Go's.
"""

from __future__ import annotations

import random
import time

from gomemtui.runtime import program as ops
from gomemtui.runtime.core import Runtime
from gomemtui.runtime.memory.sizeclasses import alloc_size

from tests.realgo.gotypes import ElemType, go_type_decls, make_type, random_size

N_TYPES = 160
N_MIXED = 60
MAX_COUNT = 64

GO_SOURCE = r"""
package main

import (
	"encoding/json"
	"os"
	"runtime"
	"runtime/debug"
	"unsafe"
)

//TYPES

type kind struct {
	size  uintptr
	alloc func(off, n int)
}

func kindOf[T any]() kind {
	var z T
	return kind{unsafe.Sizeof(z), allocN[T]}
}

var kinds = map[string]kind{
//KINDS
}

const maxCount = MAXCOUNT

var sinks [maxCount]any

// allocN: n heap objects of type T, kept reachable from sinks[off:off+n].
//
//go:noinline
func allocN[T any](off, n int) {
	for i := off; i < off+n; i++ {
		sinks[i] = new(T)
	}
}

type Group struct {
	Type  string `json:"type"`
	Count int    `json:"count"`
}

// Case: the groups' allocations, in order, between two ReadMemStats.
type Case struct {
	Groups []Group `json:"groups"`
}

type Result struct {
	TotalAlloc  uint64 `json:"total_alloc"`
	Mallocs     uint64 `json:"mallocs"`
	HeapAlloc   int64  `json:"heap_alloc"`
	HeapObjects int64  `json:"heap_objects"`
	LiveAlloc   int64  `json:"live_alloc"`
	LiveObjects int64  `json:"live_objects"`
}

var before, after, live runtime.MemStats

func main() {
	var in struct {
		Cases []Case `json:"cases"`
	}
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		panic(err)
	}
	debug.SetGCPercent(-1)
	sizes := map[string]uintptr{}
	for name, k := range kinds {
		sizes[name] = k.size
	}
	out := make([]Result, len(in.Cases))
	// A dry run first: the first GC cycles and ReadMemStats calls of a process make a
	// few one-time runtime allocations of their own that would land in the first case.
	for w := 0; w < 2; w++ {
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&before)
		runtime.ReadMemStats(&after)
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&live)
	}
	var ks [maxCount]kind
	for i, c := range in.Cases {
		total := 0
		for g, grp := range c.Groups {
			k, ok := kinds[grp.Type]
			if !ok {
				panic("unknown type " + grp.Type)
			}
			ks[g] = k
			total += grp.Count
		}
		if total > maxCount {
			panic("case too big")
		}
		for j := range sinks {
			sinks[j] = nil
		}
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&before)
		off := 0
		for g, grp := range c.Groups {
			ks[g].alloc(off, grp.Count)
			off += grp.Count
		}
		runtime.ReadMemStats(&after)
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&live)
		out[i] = Result{
			TotalAlloc:  after.TotalAlloc - before.TotalAlloc,
			Mallocs:     after.Mallocs - before.Mallocs,
			HeapAlloc:   int64(after.HeapAlloc) - int64(before.HeapAlloc),
			HeapObjects: int64(after.HeapObjects) - int64(before.HeapObjects),
			LiveAlloc:   int64(live.HeapAlloc) - int64(before.HeapAlloc),
			LiveObjects: int64(live.HeapObjects) - int64(before.HeapObjects),
		}
	}
	if err := json.NewEncoder(os.Stdout).Encode(map[string]any{"sizes": sizes, "results": out}); err != nil {
		panic(err)
	}
}
"""

FIELDS = ("total_alloc", "mallocs", "heap_alloc", "heap_objects", "live_alloc", "live_objects")


def go_source(types: list[ElemType]) -> str:
    kinds = "\n".join(f'\t"{t.name}": kindOf[{t.name}](),' for t in types)
    return (GO_SOURCE.replace("//TYPES", go_type_decls(types)).replace("//KINDS", kinds)
            .replace("MAXCOUNT", str(MAX_COUNT)))


def _count(rng: random.Random, t: ElemType, most: int = MAX_COUNT) -> int:
    if t.size < 16 and not t.has_pointers:
        count = rng.choice([1, 1, 2, 3, rng.randint(1, most)])
    elif t.size <= 1024:
        count = rng.choice([1, 1, rng.randint(1, 16)])
    else:
        count = rng.choice([1, 1, 2, 3])
    return min(count, most)


def generate(rng: random.Random) -> tuple[list[ElemType], list[dict]]:
    types: list[ElemType] = []
    for i in range(N_TYPES):
        pointers = rng.random() < 0.5
        if rng.random() < 0.25:
            hi = 15 if not pointers else 64  # tiny objects / small scan objects
        else:
            hi = 96 << 10
        size = random_size(rng, 8 if pointers else 1, hi, multiple=8 if pointers else 1)
        types.append(make_type(rng, f"E{i}", size, pointers))
    # One type at a time ...
    cases = [{"groups": [{"type": t.name, "count": _count(rng, t)}]} for t in types]
    # ... and mixed sequences, mostly of tiny objects: which 16-byte block each lands in
    # depends on the alignment of its size and on whether a new block replaces the
    # current one (the one with more room left is kept).
    tiny = [t for t in types if t.size < 16 and not t.has_pointers]
    small = [t for t in types if t.size <= 512]
    for _ in range(N_MIXED):
        groups, left = [], MAX_COUNT
        for _ in range(rng.randint(2, 8)):
            pool = tiny if tiny and rng.random() < 0.75 else small or types
            t = rng.choice(pool)
            count = _count(rng, t, max(1, min(left, 12)))
            if count > left:
                break
            groups.append({"type": t.name, "count": count})
            left -= count
        cases.append({"groups": groups})
    return types, cases


def _deltas(before, after, live) -> dict[str, int]:
    return {
        "total_alloc": after.total_alloc - before.total_alloc,
        "mallocs": after.mallocs - before.mallocs,
        "heap_alloc": after.heap_alloc - before.heap_alloc,
        "heap_objects": after.heap_objects - before.heap_objects,
        "live_alloc": live.heap_alloc - before.heap_alloc,
        "live_objects": live.heap_objects - before.heap_objects,
    }


def runtime_deltas(groups: list[tuple[ElemType, int]]) -> dict[str, int]:
    """The facade: every object new(T) into a variable of its own, then two GCs."""
    r = Runtime(ops.RuntimeSettings(gogc=None, gomaxprocs=1))
    before = r.heap.stats()
    i = 0
    for t, count in groups:
        for _ in range(count):
            r.apply(ops.New(f"x{i}", t.gotype()))
            i += 1
    after = r.heap.stats()
    r.apply(ops.GC())
    r.apply(ops.GC())
    return _deltas(before, after, r.heap.stats())


def runtime_repeat_deltas(groups: list[tuple[ElemType, int]]) -> tuple[int, int]:
    """The facade's vectorized path: one `new` step with `repeat = count` per group."""
    r = Runtime(ops.RuntimeSettings(gogc=None, gomaxprocs=1))
    before = r.heap.stats()
    for j, (t, count) in enumerate(groups):
        r.apply(ops.Repeat(ops.New(f"x{j}", t.gotype()), count))
    after = r.heap.stats()
    return after.total_alloc - before.total_alloc, after.mallocs - before.mallocs


def test_allocation_sizes_match_real_go(go_tool, case_rng):
    types, cases = generate(case_rng.rng)
    program = go_tool.build("allocsizes", go_source(types))
    t0 = time.perf_counter()
    got = program.run({"cases": cases})
    go_s = time.perf_counter() - t0
    assert got["sizes"] == {t.name: t.size for t in types}, "generated type sizes"
    by_name = {t.name: t for t in types}

    problems: list[str] = []
    for case, real in zip(cases, got["results"], strict=True):
        groups = [(by_name[g["type"]], g["count"]) for g in case["groups"]]
        where = ", then ".join(f"{count} × new({t.describe()})" for t, count in groups)
        sim = runtime_deltas(groups)
        if sim != real:
            diff = {f: (real[f], sim[f]) for f in FIELDS if real[f] != sim[f]}
            problems.append(f"Runtime ops.New: {where}: (go, sim) {diff}")
        total, mallocs = runtime_repeat_deltas(groups)
        if (total, mallocs) != (real["total_alloc"], real["mallocs"]):
            problems.append(f"Runtime ops.Repeat(New): {where}: go TotalAlloc/Mallocs "
                            f"{real['total_alloc']}/{real['mallocs']}, sim {total}/{mallocs}")
        if len(groups) == 1:
            t, count = groups[0]
            tiny = t.size < 16 and not t.has_pointers
            if not tiny and real["total_alloc"] != count * alloc_size(t.size, not t.has_pointers):
                problems.append(f"sizeclasses.alloc_size: {where}: go {real['total_alloc']} B, "
                                f"model {count} × {alloc_size(t.size, not t.has_pointers)}")
    n_objects = sum(g["count"] for c in cases for g in c["groups"])
    print(f"{len(cases)} cases ({N_MIXED} mixed sequences), {n_objects} objects over {len(types)} types; "
          f"Go ran in {go_s:.2f}s")
    assert not problems, f"{len(problems)} disagreement(s) with real Go ({case_rng.tag()}):\n" + "\n".join(problems[:15])
