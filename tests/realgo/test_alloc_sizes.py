"""Allocation sizes against real Go: MemStats deltas around `new(T)` for random T.

One Go program per run declares the run's random types (1 B .. 96 KiB, with and
without pointers: tiny objects, small size classes, the 8-byte malloc header above
512 B, the 32760/32768 edge, large objects) and, per case, reads MemStats, does
`count` × `sinks[i] = new(T)` (the global sink makes each one a heap allocation),
reads MemStats again, then runs two GCs and reads HeapAlloc with the objects still
referenced. GC is off (`debug.SetGCPercent(-1)`) so no cycle flushes the tiny block
in between; `ReadMemStats` flushes the mcache, so each case starts a fresh tiny block.

The simulator does the same through the Runtime facade (`ops.New` per object, and
`ops.Repeat(ops.New)` for the vectorized path, in a fresh Runtime with GOGC off), and
its heap's MemStats figures must equal real Go's.
"""

from __future__ import annotations

import random
import time

from gomemtui.runtime import ops
from gomemtui.runtime.machine import Runtime
from gomemtui.runtime.sizeclasses import alloc_size

from tests.realgo.gotypes import ElemType, go_type_decls, make_type, random_size

N_TYPES = 160
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
	alloc func(n int)
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

// allocN: n heap objects of type T, all kept reachable from a global.
//
//go:noinline
func allocN[T any](n int) {
	for i := 0; i < n; i++ {
		sinks[i] = new(T)
	}
}

type Case struct {
	Type  string `json:"type"`
	Count int    `json:"count"`
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
	for i, c := range in.Cases {
		k, ok := kinds[c.Type]
		if !ok || c.Count > maxCount {
			panic("bad case " + c.Type)
		}
		for j := range sinks {
			sinks[j] = nil
		}
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&before)
		k.alloc(c.Count)
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


def generate(rng: random.Random) -> tuple[list[ElemType], list[dict]]:
    types: list[ElemType] = []
    for i in range(N_TYPES):
        pointers = rng.random() < 0.5
        if rng.random() < 0.2:
            hi = 15 if not pointers else 64  # tiny objects / small scan objects
        else:
            hi = 96 << 10
        size = random_size(rng, 8 if pointers else 1, hi, multiple=8 if pointers else 1)
        types.append(make_type(rng, f"E{i}", size, pointers))
    cases = []
    for t in types:
        if t.size < 16 and not t.has_pointers:
            count = rng.choice([1, 1, 2, 3, rng.randint(1, MAX_COUNT)])
        elif t.size <= 1024:
            count = rng.choice([1, 1, rng.randint(1, 16)])
        else:
            count = rng.choice([1, 1, 2, 3])
        cases.append({"type": t.name, "count": count})
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


def runtime_deltas(t: ElemType, count: int) -> dict[str, int]:
    """The facade: `count` × new(T) into distinct variables, then two GCs."""
    r = Runtime(ops.RuntimeSettings(gogc=None, gomaxprocs=1))
    before = r.heap.stats()
    for i in range(count):
        r.apply(ops.New(f"x{i}", t.gotype()))
    after = r.heap.stats()
    r.apply(ops.GC())
    r.apply(ops.GC())
    return _deltas(before, after, r.heap.stats())


def runtime_repeat_deltas(t: ElemType, count: int) -> tuple[int, int]:
    """The facade's vectorized path: `repeat = count` of one `new` step."""
    r = Runtime(ops.RuntimeSettings(gogc=None, gomaxprocs=1))
    before = r.heap.stats()
    r.apply(ops.Repeat(ops.New("x", t.gotype()), count))
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
        t, count = by_name[case["type"]], case["count"]
        where = f"{count} × new({t.describe()})"
        sim = runtime_deltas(t, count)
        if sim != real:
            diff = {f: (real[f], sim[f]) for f in FIELDS if real[f] != sim[f]}
            problems.append(f"Runtime ops.New: {where}: (go, sim) {diff}")
        total, mallocs = runtime_repeat_deltas(t, count)
        if (total, mallocs) != (real["total_alloc"], real["mallocs"]):
            problems.append(f"Runtime ops.Repeat(New): {where}: go TotalAlloc/Mallocs "
                            f"{real['total_alloc']}/{real['mallocs']}, sim {total}/{mallocs}")
        tiny = t.size < 16 and not t.has_pointers
        if not tiny and real["total_alloc"] != count * alloc_size(t.size, not t.has_pointers):
            problems.append(f"sizeclasses.alloc_size: {where}: go {real['total_alloc']} B, "
                            f"model {count} × {alloc_size(t.size, not t.has_pointers)}")
    n_objects = sum(c["count"] for c in cases)
    print(f"{len(cases)} cases, {n_objects} objects over {len(types)} types; Go ran in {go_s:.2f}s")
    assert not problems, f"{len(problems)} disagreement(s) with real Go ({case_rng.tag()}):\n" + "\n".join(problems[:15])
