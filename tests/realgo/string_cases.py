"""The string cases the real-Go test and the recorded-oracle test share: the fixed cases
of tests/oracle/strings.json, random ones, and how the simulator runs one (the same
operands, then the one operation measured as Go measures it: after a GC and an mcache
flush, the Mallocs and TotalAlloc deltas, a `[]byte(s)`'s cap; for a substring, HeapAlloc
after two GCs with the substring kept and its string dropped)."""

from __future__ import annotations

import random

from gomemtui.runtime import program as ops
from gomemtui.runtime.core import Runtime
from gomemtui.runtime.read.build import json_state
from gomemtui.runtime.types import parse_type

BYTE = parse_type("byte")
N_RANDOM = 120
LITERAL = 7
"""Bytes of the literal in `"prefix:" + a`."""


def case(op: str, lens: list[int], escape: str = "heap", lo: int = 0, hi: int = 0) -> dict:
    return {"op": op, "escape": escape, "lens": lens, "lo": lo, "hi": hi}


FIXED: list[dict] = [
    *(case("string", [n]) for n in (0, 1, 2, 5, 15, 16, 17, 32, 33, 100, 1000, 32760, 32761, 40000)),
    *(case("string", [n], "stack") for n in (1, 5, 32, 33, 1000)),
    *(case("clone", [n]) for n in (0, 1, 5, 16, 33, 1000)),
    *(case("clone", [n], "stack") for n in (1, 32, 33)),
    *(case("concat", lens) for lens in ([0, 0], [0, 20], [20, 0], [3, 4], [10, 10], [16, 17], [500, 524],
                                        [10, 0, 10])),
    *(case("concat", lens, "stack") for lens in ([16, 16], [16, 17], [0, 40])),
    case("concat_literal", [LITERAL, 10]),
    *(case("concat_stack_part", [0, n]) for n in (1, 20)),
    *(case("bytes", [n]) for n in (0, 1, 5, 16, 33, 1000, 40000)),
    *(case("bytes", [n], "stack") for n in (0, 5, 32, 33, 1000)),
    case("substring", [8 << 20], lo=100, hi=116),
    case("substring", [8 << 20], lo=500, hi=500),
    case("substring", [8 << 20], lo=8 << 20, hi=8 << 20),
    case("substring", [1000], lo=10, hi=26),
    case("substring_clone", [8 << 20], lo=100, hi=116),
    case("substring_clone", [1000], lo=10, hi=15),
]
"""The cases recorded in tests/oracle/strings.json: the brief's lengths around every
rule's edges (0, 1, tiny, 16, 32/33 for the stack buffer, size classes, 32760/32761 for
large objects)."""


def _length(rng: random.Random) -> int:
    return rng.choice([rng.randint(0, 40), rng.randint(0, 1100), int(2 ** rng.uniform(0, 16)),
                       rng.choice([0, 1, 15, 16, 31, 32, 33, 512, 32760, 32761])])


def generate(rng: random.Random) -> list[dict]:
    cases = []
    for _ in range(N_RANDOM):
        op = rng.choice(["string", "clone", "concat", "concat", "bytes", "substring", "substring_clone",
                         "concat_literal", "concat_stack_part"])
        escape = rng.choice(["heap", "stack"]) if op in ("string", "clone", "bytes") else "heap"
        if op == "concat":
            lens = [_length(rng) if rng.random() < 0.8 else 0 for _ in range(rng.choice([2, 2, 3]))]
            escape = rng.choice(["heap", "stack"]) if len(lens) == 2 else "heap"
            cases.append(case(op, lens, escape))
        elif op == "concat_literal":
            cases.append(case(op, [LITERAL, _length(rng)]))
        elif op == "concat_stack_part":
            cases.append(case(op, [0, rng.randint(1, 32)]))
        elif op.startswith("substring"):
            n = rng.choice([rng.randint(1, 5000), 1 << rng.randint(10, 23)])
            lo = rng.randint(0, n)
            hi = rng.randint(lo, min(n, lo + rng.choice([0, 1, 16, 100, n])))
            cases.append(case(op, [n], lo=lo, hi=hi))
        else:
            cases.append(case(op, [_length(rng)], escape))
    return cases


def simulate(c: dict) -> dict:
    """The same case in the simulator: operands first, then the operation measured."""
    rt = Runtime(ops.RuntimeSettings(gomaxprocs=1))
    op, lens, escape = c["op"], c["lens"], c["escape"]
    if op in ("substring", "substring_clone"):
        rt.apply(ops.MakeString("s", len=lens[0]))
        rt.apply(ops.Substring("part", "s", c["lo"], c["hi"]))
        if op == "substring_clone":
            rt.apply(ops.MakeString("keep", source="part"))
            rt.apply(ops.Drop("part"))
        else:
            rt.apply(ops.Substring("keep", "part"))
            rt.apply(ops.Drop("part"))
        rt.apply(ops.Global("keep"))
        rt.apply(ops.Drop("s"))
        rt.apply(ops.GC())
        rt.apply(ops.GC())
        return {"mallocs": 0, "total_alloc": 0, "cap": 0, "retained": json_state(rt)["heap"]["alloc_bytes"]}
    measured: ops.Op
    if op == "string":
        rt.apply(ops.MakeSlice("b", BYTE, lens[0]))
        measured = ops.MakeString("r", source="b", escape=escape)
    elif op == "clone":
        rt.apply(ops.MakeString("s", len=lens[0]))
        measured = ops.MakeString("r", source="s", escape=escape)
    elif op == "concat":
        names = [f"p{i}" for i in range(len(lens))]
        for name, n in zip(names, lens):
            rt.apply(ops.MakeString(name, len=n))
        measured = ops.Concat("r", tuple(names), escape=escape)
    elif op == "concat_literal":
        rt.apply(ops.MakeString("a", len=lens[1]))
        measured = ops.Concat("r", (lens[0], "a"))
    elif op == "concat_stack_part":
        rt.apply(ops.MakeSlice("b", BYTE, lens[1]))
        rt.apply(ops.MakeString("e", len=0))
        rt.heap.flush_mcache()
        before = rt.heap.stats()
        rt.apply(ops.MakeString("p", source="b", escape="stack"))
        rt.apply(ops.Concat("r", ("e", "p")))
        after = rt.heap.stats()
        return {"mallocs": int(after.mallocs - before.mallocs),
                "total_alloc": int(after.total_alloc - before.total_alloc), "cap": 0, "retained": 0}
    elif op == "bytes":
        rt.apply(ops.MakeString("s", len=lens[0]))
        measured = ops.StringBytes("r", "s", escape=escape)
    else:
        raise ValueError(op)
    rt.apply(ops.GC())
    rt.heap.flush_mcache()  # what Go's ReadMemStats does before the measured operation
    before = rt.heap.stats()
    rt.apply(measured)
    after = rt.heap.stats()
    cap = json_state(rt)["vars"]["r"].get("cap", 0) if op == "bytes" else 0
    return {"mallocs": int(after.mallocs - before.mallocs),
            "total_alloc": int(after.total_alloc - before.total_alloc), "cap": cap, "retained": 0}


def describe(c: dict) -> str:
    bounds = f"[{c['lo']}:{c['hi']}]" if c["op"].startswith("substring") else ""
    return f"{c['op']} {c['lens']}{bounds} escape={c['escape']}"


SUBSTRING_PROBED = '''package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
)
var stats runtime.MemStats // probe
var base, baseMallocs uint64 // probe
var probes [5][2]int64 // probe
var nprobes int // probe
func probe() { // probe
	runtime.ReadMemStats(&stats) // probe
	probes[nprobes] = [2]int64{int64(stats.HeapAlloc) - int64(base), int64(stats.Mallocs - baseMallocs)} // probe
	nprobes++ // probe
} // probe

// Kept for the life of the program, like the entries of a long-lived cache.
var slowID, fastID string

//go:noinline
func readBody(r io.Reader, n int) string {
	buf := make([]byte, n)
	io.ReadFull(r, buf)
	return string(buf) // a copy: buf is garbage once readBody returns
}

func main() {
	runtime.GC() // probe
	runtime.ReadMemStats(&stats) // probe
	base, baseMallocs = stats.HeapAlloc, stats.Mallocs // probe
	body := readBody(os.Stdin, 1<<20)
	probe() // probe
	slowID = body[8:24] // 16 bytes of a 1 MiB string
	body = ""
	runtime.GC()
	probe() // probe
	fmt.Println(len(slowID)) // 16, yet all 1 MiB of body is still live

	body = readBody(os.Stdin, 1<<20)
	probe() // probe
	id := body[8:24]
	fastID = strings.Clone(id) // copy out the 16 bytes
	probe() // probe
	body, id, slowID = "", "", ""
	runtime.GC()
	probe() // probe
	fmt.Println(len(fastID)) // 16, and only 16 bytes stay live
	fmt.Fprintln(os.Stderr, probes) // probe
}
'''
"""The 03-substring scenario's program with probes: HeapAlloc and Mallocs above main's
start after its steps `SUBSTRING_PROBE_STEPS` (lines ending in `// probe` are added;
the rest is the scenario's own source, which a test checks)."""

SUBSTRING_PROBE_STEPS = (3, 7, 10, 12, 17)
"""The scenario step each probe follows: readBody returned, the first runtime.GC(), the
second readBody returned, the clone, the second runtime.GC()."""


def unprobed(source: str) -> str:
    """`source` without its `// probe` lines."""
    return "\n".join(line for line in source.splitlines() if not line.endswith("// probe")) + "\n"
