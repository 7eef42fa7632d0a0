"""What a reslice keeps alive, against real Go: HeapAlloc after two GCs.

Random cases over a big (or small) `[]byte` and a `[]*T` of random T, each kept in a
global after one of:

* `reslice` — `keep = s[lo:hi:max]` (random bounds, including empty and zero-cap ones:
  the compiler keeps the base pointer for a zero cap, so even `b[k:k:k]` keeps b);
* `copy` — `keep = append([]byte(nil), b[lo:hi]...)` (only the copy stays);
* `copy_make` — `keep = make([]T, hi-lo); copy(keep, s[lo:hi])`;
* `drop` — keep nothing.

Real Go measures HeapAlloc/HeapObjects after `runtime.GC()` twice minus the baseline
before the case (GOMAXPROCS=1). The Runtime facade runs the same program with
ops.MakeSlice, ops.New + ops.Append(value=...), ops.Reslice, ops.CopySlice, ops.Drop
and two ops.GC, from a fresh heap.
"""

from __future__ import annotations

import random
import time

from gomemtui.runtime import program as ops
from gomemtui.runtime.core import Runtime
from gomemtui.runtime.types import GoType, parse_type
from gomemtui.runtime.read.build import json_state

from tests.realgo.gotypes import ElemType, go_type_decls, random_type

BYTE = parse_type("byte")
N_TYPES = 12
N_BYTE_CASES = 40
N_PTR_CASES = 40
MODES = ("reslice", "reslice", "reslice", "copy", "copy_make", "drop")
PTR_MODES = ("reslice", "reslice", "reslice", "copy_make", "drop")
"""No `copy` for pointer slices: the facade's `append` batch appends zero values, and
copying pointers (what keeps the pointees) is what ops.CopySlice stands for."""

GO_SOURCE = r"""
package main

import (
	"encoding/json"
	"os"
	"runtime"
	"unsafe"
)

//TYPES

var keepBytes []byte

//KEEPS

type kind struct {
	size  uintptr
	run   func(n, lo, hi, max int, mode string)
	reset func()
}

func kindOf[T any](dst *[]*T) kind {
	var z T
	return kind{
		unsafe.Sizeof(z),
		func(n, lo, hi, max int, mode string) { makePtrs(dst, n, lo, hi, max, mode) },
		func() { *dst = nil },
	}
}

var kinds = map[string]kind{
//KINDS
}

//go:noinline
func makeBytes(n, lo, hi, max int, mode string) {
	b := make([]byte, n)
	switch mode {
	case "reslice":
		keepBytes = b[lo:hi:max]
	case "copy":
		keepBytes = append([]byte(nil), b[lo:hi]...)
	case "copy_make":
		c := make([]byte, hi-lo)
		copy(c, b[lo:hi])
		keepBytes = c
	case "drop":
		keepBytes = nil
	default:
		panic(mode)
	}
}

// makePtrs: n pointers to fresh T objects, then one of the modes into *dst (a global).
//
//go:noinline
func makePtrs[T any](dst *[]*T, n, lo, hi, max int, mode string) {
	s := make([]*T, n)
	for i := range s {
		s[i] = new(T)
	}
	switch mode {
	case "reslice":
		*dst = s[lo:hi:max]
	case "copy":
		*dst = append([]*T(nil), s[lo:hi]...)
	case "copy_make":
		c := make([]*T, hi-lo)
		copy(c, s[lo:hi])
		*dst = c
	case "drop":
		*dst = nil
	default:
		panic(mode)
	}
}

type Case struct {
	Type string `json:"type"` // "" for []byte
	Mode string `json:"mode"`
	N    int    `json:"n"`
	Lo   int    `json:"lo"`
	Hi   int    `json:"hi"`
	Max  int    `json:"max"`
}

type Result struct {
	HeapAlloc   int64 `json:"heap_alloc"`
	HeapObjects int64 `json:"heap_objects"`
	Len         int   `json:"len"`
	Cap         int   `json:"cap"`
}

var ms runtime.MemStats

func gc2() {
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
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
	gc2() // the first GCs make one-time runtime allocations
	gc2()
	for i, c := range in.Cases {
		keepBytes = nil
		for _, k := range kinds {
			k.reset()
		}
		var k kind
		if c.Type != "" {
			k = kinds[c.Type]
		}
		gc2()
		baseAlloc, baseObjs := int64(ms.HeapAlloc), int64(ms.HeapObjects)
		if c.Type == "" {
			makeBytes(c.N, c.Lo, c.Hi, c.Max, c.Mode)
		} else {
			k.run(c.N, c.Lo, c.Hi, c.Max, c.Mode)
		}
		gc2()
		out[i].HeapAlloc = int64(ms.HeapAlloc) - baseAlloc
		out[i].HeapObjects = int64(ms.HeapObjects) - baseObjs
		out[i].Len, out[i].Cap = len(keepBytes), cap(keepBytes)
	}
	if err := json.NewEncoder(os.Stdout).Encode(map[string]any{"sizes": sizes, "results": out}); err != nil {
		panic(err)
	}
}
"""


def go_source(types: list[ElemType]) -> str:
    keeps = "\n".join(f"var keep{t.name} []*{t.name}" for t in types)
    kinds = "\n".join(f'\t"{t.name}": kindOf(&keep{t.name}),' for t in types)
    return (GO_SOURCE.replace("//TYPES", go_type_decls(types)).replace("//KEEPS", keeps)
            .replace("//KINDS", kinds))


def _bounds(rng: random.Random, n: int) -> tuple[int, int, int]:
    """lo <= hi <= max <= n, with the interesting shapes often."""
    shape = rng.random()
    if shape < 0.15:
        return 0, 0, 0  # s[:0:0]
    if shape < 0.3:
        k = rng.randint(0, n)
        return k, k, k  # empty and zero-cap anywhere, the end included
    if shape < 0.45:
        hi = rng.randint(0, min(n, 16))
        return 0, hi, n  # s[:16]
    if shape < 0.6:
        lo = max(0, n - rng.randint(1, 16))
        return lo, n, n  # s[len-16:]
    lo = rng.randint(0, n)
    hi = rng.randint(lo, n)
    return lo, hi, rng.randint(hi, n)


def generate(rng: random.Random) -> tuple[list[ElemType], list[dict]]:
    types = [random_type(rng, f"E{i}", 1, 4096) for i in range(N_TYPES)]
    cases = []
    for _ in range(N_BYTE_CASES):
        n = rng.choice([rng.randint(1, 32 << 10), int(2 ** rng.uniform(0, 24)), 8 << 20])
        lo, hi, mx = _bounds(rng, n)
        cases.append({"type": "", "mode": rng.choice(MODES), "n": n, "lo": lo, "hi": hi, "max": mx})
    for _ in range(N_PTR_CASES):
        t = rng.choice(types)
        n = rng.choice([rng.randint(1, 16), rng.randint(1, 300)])
        lo, hi, mx = _bounds(rng, n)
        cases.append({"type": t.name, "mode": rng.choice(PTR_MODES), "n": n, "lo": lo, "hi": hi, "max": mx})
    return types, cases


def simulate(case: dict, t: ElemType | None) -> tuple[int, int]:
    """HeapAlloc and HeapObjects after two GCs, from an empty heap."""
    r = Runtime(ops.RuntimeSettings(gomaxprocs=1))
    n, lo, hi, mx, mode = case["n"], case["lo"], case["hi"], case["max"], case["mode"]
    if t is None:
        elem = BYTE
        r.apply(ops.MakeSlice("s", BYTE, n, n))
    else:
        elem = GoType(f"*{t.name}", 8, True)
        r.apply(ops.MakeSlice("s", elem, 0, n))
        r.apply(ops.Loop((ops.New("x", t.gotype()), ops.Append("s", value="x"), ops.Drop("x")), n))
    if mode == "reslice":
        r.apply(ops.Reslice("keep", "s", lo, hi, mx))
    elif mode == "copy":  # append([]byte(nil), b[lo:hi]...)
        r.apply(ops.MakeSlice("keep", elem))
        if hi > lo:  # appending nothing leaves the nil slice
            r.apply(ops.Append("keep", batch=hi - lo))
    elif mode == "copy_make":
        r.apply(ops.Reslice("part", "s", lo, hi))
        r.apply(ops.CopySlice("keep", "part"))
        r.apply(ops.Drop("part"))
    r.apply(ops.Drop("s"))
    r.apply(ops.GC())
    r.apply(ops.GC())
    heap = json_state(r)["heap"]
    return heap["alloc_bytes"], heap["objects"]


def test_retention_matches_real_go(go_tool, case_rng):
    types, cases = generate(case_rng.rng)
    program = go_tool.build("retention", go_source(types))
    t0 = time.perf_counter()
    got = program.run({"cases": cases})
    go_s = time.perf_counter() - t0
    assert got["sizes"] == {t.name: t.size for t in types}, "generated type sizes"
    by_name = {t.name: t for t in types}

    problems = []
    for case, real in zip(cases, got["results"], strict=True):
        t = by_name.get(case["type"])
        sim_alloc, sim_objects = simulate(case, t)
        if (sim_alloc, sim_objects) != (real["heap_alloc"], real["heap_objects"]):
            what = "[]byte" if t is None else f"[]*{t.describe()}"
            problems.append(f"{case['mode']} of {what} n={case['n']} [{case['lo']}:{case['hi']}:{case['max']}]: "
                            f"go HeapAlloc {real['heap_alloc']} B / {real['heap_objects']} objects, "
                            f"sim {sim_alloc} B / {sim_objects} objects")
    print(f"{len(cases)} cases over {len(types)} pointee types; Go ran in {go_s:.2f}s")
    assert not problems, f"{len(problems)} disagreement(s) with real Go ({case_rng.tag()}):\n" + "\n".join(problems[:15])
