"""append against real Go: the capacities `growslice` gives, for random element types.

One Go program is built per run with the run's random element types (byte arrays,
other noscan arrays and structs, pointer arrays, structs with a pointer, strings,
interfaces, slices; 1..2048 bytes). Its generic functions append to a slice whose
variable lives on the heap (`sink = &s`), so every growth is `runtime.growslice` on the
heap path — a local slice would get the compiler's 32-byte stack buffer first (see
slice_growth.json's description), which is checked separately as the `local` mode.

Each case's capacities are compared with `gomemtui.runtime.values.growslice` and with the
growslice events of the Runtime facade (`ops.MakeSlice` + `ops.Append`, one by one or
with `batch`).
"""

from __future__ import annotations

import random
import time

import pytest

from gomemtui.runtime import program as ops
from gomemtui.runtime.values.growslice import AppendPath, append_one_caps, growslice
from gomemtui.runtime.core import Runtime
from gomemtui.runtime.types import GoType
from gomemtui.runtime.read.build import json_state

from tests.realgo.gotypes import ElemType, go_type_decls, random_type

N_TYPES = 24
BULK_PER_TYPE = 6
MAX_ARRAY_BYTES = 6 << 20
"""One-by-one runs stop before the array passes this many bytes (keeps runs short)."""

GO_SOURCE = r"""
package main

import (
	"encoding/json"
	"os"
	"unsafe"
)

//TYPES

type kind struct {
	size  uintptr
	one   func(startCap, n int) []int
	local func(n int) []int
	bulk  func(l, c, k int) int
}

func kindOf[T any]() kind {
	var z T
	return kind{unsafe.Sizeof(z), appendOne[T], appendLocal[T], appendBulk[T]}
}

var kinds = map[string]kind{
//KINDS
}

var sink any

// appendOne appends n zero values one at a time and records every distinct cap().
// sink = &s moves s to the heap, so each append takes runtime.growslice's heap path.
//
//go:noinline
func appendOne[T any](startCap, n int) []int {
	var s []T
	sink = &s
	if startCap > 0 {
		s = make([]T, 0, startCap)
	}
	caps := []int{cap(s)}
	var zero T
	for i := 0; i < n; i++ {
		s = append(s, zero)
		if c := cap(s); c != caps[len(caps)-1] {
			caps = append(caps, c)
		}
	}
	sink = nil
	return caps
}

// appendLocal: the same with a slice that never escapes (the compiler's stack buffer).
//
//go:noinline
func appendLocal[T any](n int) []int {
	var s []T
	caps := []int{0}
	var zero T
	for i := 0; i < n; i++ {
		s = append(s, zero)
		if c := cap(s); c != caps[len(caps)-1] {
			caps = append(caps, c)
		}
	}
	return caps
}

// appendBulk: one append(s, src...) of k elements to make([]T, l, c) (nil if c == 0).
//
//go:noinline
func appendBulk[T any](l, c, k int) int {
	var s []T
	sink = &s
	if c > 0 {
		s = make([]T, l, c)
	}
	src := make([]T, k)
	s = append(s, src...)
	sink = nil
	return cap(s)
}

type Case struct {
	Type     string `json:"type"`
	Mode     string `json:"mode"`
	StartCap int    `json:"start_cap"`
	N        int    `json:"n"`
	Len      int    `json:"len"`
	Cap      int    `json:"cap"`
	K        int    `json:"k"`
}

type Result struct {
	Caps []int `json:"caps,omitempty"`
	Cap  int   `json:"cap"`
}

func main() {
	var in struct {
		Cases []Case `json:"cases"`
	}
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		panic(err)
	}
	sizes := map[string]uintptr{}
	for name, k := range kinds {
		sizes[name] = k.size
	}
	out := make([]Result, len(in.Cases))
	for i, c := range in.Cases {
		k, ok := kinds[c.Type]
		if !ok {
			panic("unknown type " + c.Type)
		}
		switch c.Mode {
		case "one":
			out[i].Caps = k.one(c.StartCap, c.N)
		case "local":
			out[i].Caps = k.local(c.N)
		case "bulk":
			out[i].Cap = k.bulk(c.Len, c.Cap, c.K)
		default:
			panic("unknown mode " + c.Mode)
		}
	}
	if err := json.NewEncoder(os.Stdout).Encode(map[string]any{"sizes": sizes, "results": out}); err != nil {
		panic(err)
	}
}
"""


def go_source(types: list[ElemType]) -> str:
    kinds = "\n".join(f'\t"{t.name}": kindOf[{t.name}](),' for t in types)
    return GO_SOURCE.replace("//TYPES", go_type_decls(types)).replace("//KINDS", kinds)


def _appends(rng: random.Random, size: int) -> int:
    limit = max(64, MAX_ARRAY_BYTES // size)
    return rng.randint(1, limit) if rng.random() < 0.5 else int(2 ** rng.uniform(0, limit.bit_length() - 1)) + 1


def _bulk_case(rng: random.Random, t: ElemType) -> dict:
    cap_limit = max(16, (1 << 20) // t.size)
    shape = rng.random()
    if shape < 0.25:  # from nil
        length = cap = 0
    elif shape < 0.5:  # full slice
        cap = rng.randint(1, cap_limit)
        length = cap
    else:
        cap = int(2 ** rng.uniform(0, cap_limit.bit_length()))
        length = rng.randint(0, cap)
    k_pick = rng.random()
    if k_pick < 0.3:
        k = rng.randint(1, 8)
    elif k_pick < 0.6:  # near "more than doubles": nextslicecap returns newLen itself
        k = max(1, cap + length + rng.randint(-3, 3))
    else:
        k = int(2 ** rng.uniform(0, max(1, cap_limit.bit_length())))
    return {"type": t.name, "mode": "bulk", "len": length, "cap": cap, "k": max(1, k)}


def generate(rng: random.Random) -> tuple[list[ElemType], list[dict]]:
    types = [random_type(rng, f"E{i}", 1, 2048) for i in range(N_TYPES)]
    cases: list[dict] = []
    for t in types:
        cases.append({"type": t.name, "mode": "one", "start_cap": 0, "n": _appends(rng, t.size)})
        start = rng.choice([1, 2, 3, 5, 7, rng.randint(1, 300), int(2 ** rng.uniform(0, 12))])
        cases.append({"type": t.name, "mode": "one", "start_cap": start, "n": start + _appends(rng, t.size)})
        cases.append({"type": t.name, "mode": "local", "n": _appends(rng, t.size)})
        cases += [_bulk_case(rng, t) for _ in range(BULK_PER_TYPE)]
    return types, cases


# -- the simulator's answers ---------------------------------------------------------------


def runtime_caps(t: ElemType, start_cap: int, n: int, escape: str) -> tuple[list[int], int]:
    """Distinct caps from the facade's growslice events, and the final cap it reports."""
    r = Runtime(ops.RuntimeSettings(gomaxprocs=1))
    caps = [start_cap]
    for op in (ops.MakeSlice("s", t.gotype(), 0, start_cap, escape=escape), ops.Append("s", count=n)):
        for e in r.apply(op):
            if e.kind == "growslice" and e.data["new_cap"] != caps[-1]:
                caps.append(e.data["new_cap"])
    return caps, json_state(r)["vars"]["s"]["cap"]


def runtime_bulk_cap(t: ElemType, length: int, cap: int, k: int) -> tuple[int | None, int]:
    """The facade's growslice event's new_cap (None if it did not grow), and its final cap."""
    r = Runtime(ops.RuntimeSettings(gomaxprocs=1))
    r.apply(ops.MakeSlice("s", t.gotype(), length, cap))
    grew = [e.data["new_cap"] for e in r.apply(ops.Append("s", batch=k)) if e.kind == "growslice"]
    assert len(grew) <= 1, "one append(s, xs...) grows at most once"
    return (grew[0] if grew else None), json_state(r)["vars"]["s"]["cap"]


def model_bulk_cap(t: ElemType, length: int, cap: int, k: int) -> int:
    if length + k <= cap:
        return cap
    return growslice(length, cap, k, t.size, not t.has_pointers)[0]


def test_append_capacities_match_real_go(go_tool, case_rng):
    types, cases = generate(case_rng.rng)
    program = go_tool.build("slicegrowth", go_source(types))
    t0 = time.perf_counter()
    got = program.run({"cases": cases})
    go_s = time.perf_counter() - t0
    by_name = {t.name: t for t in types}
    assert {n: s for n, s in got["sizes"].items()} == {t.name: t.size for t in types}, "generated type sizes"

    problems: list[str] = []
    counts = {"one": 0, "local": 0, "bulk": 0}
    for case, res in zip(cases, got["results"], strict=True):
        t = by_name[case["type"]]
        counts[case["mode"]] += 1
        where = f"{t.describe()} {case}"
        if case["mode"] in ("one", "local"):
            real = res["caps"]
            n, start = case["n"], case.get("start_cap", 0)
            path = AppendPath.HEAP if case["mode"] == "one" else AppendPath.STACK_BUFFER
            model = append_one_caps(n, t.size, not t.has_pointers, path, start)
            facade, final = runtime_caps(t, start, n, "heap" if case["mode"] == "one" else "stack")
            if model != real:
                problems.append(f"growslice.append_one_caps: {where}\n  go    {real}\n  model {model}")
            if facade != real or final != real[-1]:
                problems.append(f"Runtime growslice events: {where}\n  go    {real}\n  sim   {facade} (final cap {final})")
        else:
            real = res["cap"]
            model = model_bulk_cap(t, case["len"], case["cap"], case["k"])
            event, facade = runtime_bulk_cap(t, case["len"], case["cap"], case["k"])
            grows = case["len"] + case["k"] > case["cap"]
            if model != real:
                problems.append(f"growslice.growslice: {where}: go cap {real}, model {model}")
            if facade != real or event != (real if grows else None):
                problems.append(f"Runtime append batch: {where}: go cap {real}, sim {facade} (growslice event: {event})")
    print(f"{len(cases)} cases ({counts}) over {len(types)} types; Go ran in {go_s:.2f}s")
    assert not problems, f"{len(problems)} disagreement(s) with real Go ({case_rng.tag()}):\n" + "\n".join(problems[:15])


# -- zero-size elements -----------------------------------------------------------------------

ZERO_SIZE_SOURCE = r"""
package main

import (
	"encoding/json"
	"os"
	"runtime"
	"runtime/debug"
)

type Z struct{}

var sink, sink2 any
var before, after runtime.MemStats

func main() {
	var in struct {
		N int `json:"n"`
		K int `json:"k"`
	}
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		panic(err)
	}
	debug.SetGCPercent(-1)
	caps := make([]int, 0, in.N+1) // allocated before the measurement
	var s, b []Z
	sink, sink2 = &s, &b // heap slices: runtime.growslice
	src := make([]Z, in.K)
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := 0; i < in.N; i++ {
		s = append(s, Z{})
		caps = append(caps, cap(s))
	}
	b = append(b, src...)
	runtime.ReadMemStats(&after)
	out := map[string]any{"caps": caps, "bulk_cap": cap(b), "mallocs": after.Mallocs - before.Mallocs,
		"total_alloc": after.TotalAlloc - before.TotalAlloc}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
"""

ZERO = GoType("Z", 0, False)


def _zero_size_run(go_tool, case_rng) -> tuple[dict, list[int], int, object]:
    n, k = case_rng.rng.randint(1, 40), case_rng.rng.randint(1, 1000)
    real = go_tool.build("zerosize", ZERO_SIZE_SOURCE).run({"n": n, "k": k})
    r = Runtime(ops.RuntimeSettings(gogc=None, gomaxprocs=1))
    r.apply(ops.MakeSlice("s", ZERO))
    r.apply(ops.MakeSlice("b", ZERO))
    before = r.heap.stats()
    caps = [e.data["new_cap"] for e in r.apply(ops.Append("s", count=n)) if e.kind == "growslice"]
    r.apply(ops.Append("b", batch=k))
    after = r.heap.stats()
    sim = {"mallocs": after.mallocs - before.mallocs, "total_alloc": after.total_alloc - before.total_alloc}
    return real, caps, json_state(r)["vars"]["b"]["cap"], sim


def test_zero_size_elements_grow_to_the_new_length(go_tool, case_rng):
    """growslice returns cap = newLen for zero-size elements (every append grows)."""
    real, caps, bulk_cap, _ = _zero_size_run(go_tool, case_rng)
    assert caps == real["caps"] == list(range(1, len(real["caps"]) + 1))
    assert bulk_cap == real["bulk_cap"]
    assert append_one_caps(len(caps), 0, True)[1:] == real["caps"]


def test_zero_size_elements_allocate_nothing(go_tool, case_rng):
    real, _, _, sim = _zero_size_run(go_tool, case_rng)
    assert (real["mallocs"], real["total_alloc"]) == (0, 0)
    assert sim == {"mallocs": 0, "total_alloc": 0}
