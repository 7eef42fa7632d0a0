"""Element writes (`s[i] = p`, `s[i] = nil`), boxing and closures against real Go, and the
recorded figures.

The program keeps a `[]*T` of four 1 KiB objects in a global, measures HeapAlloc and
HeapObjects after two `runtime.GC()` (GOMAXPROCS=1), then clears one element, then
overwrites another with a pointer the slice already holds, measuring after each; it
counts the allocations of a pointer store (`testing.AllocsPerRun`) and records the
panic of an index past len. The output must equal tests/oracle/values.json's `set_elem`,
which tests/runtime/mutator/test_values.py checks the simulator against.
"""

from __future__ import annotations

import os
import re
import subprocess

from tests.oracle_data import load_oracle
from tests.realgo.conftest import BUILD_TIMEOUT_S

SET_ELEM_SOURCE = r"""
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"testing"
)

type T struct{ b [1024]byte }

var keep []*T

func heap() (uint64, uint64) {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc, ms.HeapObjects
}

//go:noinline
func store(s []*T, i int, p *T) { s[i] = p }

func main() {
	out := map[string]any{}
	keep = make([]*T, 4)
	for i := range keep {
		keep[i] = new(T)
	}
	heap() // the first GCs make one-time runtime allocations
	a0, o0 := heap()
	keep[1] = nil
	a1, o1 := heap()
	p := keep[0]
	keep[2] = p
	a2, o2 := heap()
	out["nil_one_freed_bytes"] = a0 - a1
	out["nil_one_freed_objects"] = o0 - o1
	out["overwrite_freed_bytes"] = a1 - a2
	out["overwrite_freed_objects"] = o1 - o2
	out["store_allocs_per_run"] = testing.AllocsPerRun(1000, func() { store(keep, 3, p) })
	func() {
		defer func() { out["out_of_range_panic"] = fmt.Sprint(recover()) }()
		store(keep, 5, p)
	}()
	json.NewEncoder(os.Stdout).Encode(out)
}
"""


MEASURE_GO = r"""
type result struct {
	Allocs float64 `json:"allocs_per_run"`
	Bytes  uint64  `json:"bytes_per_op"`
	Objs   uint64  `json:"mallocs_per_op"`
}

func measure(f func()) result {
	a := testing.AllocsPerRun(1000, f)
	const n = 4096
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	for i := 0; i < n; i++ {
		f()
	}
	runtime.ReadMemStats(&m1)
	return result{a, (m1.TotalAlloc - m0.TotalAlloc) / n, (m1.Mallocs - m0.Mallocs) / n}
}
"""
"""`measure(f)`: testing.AllocsPerRun of f, and the TotalAlloc and Mallocs deltas of 4096
calls divided by 4096 (the programs below import runtime and testing)."""


BOX_SOURCE = r"""
package main

import (
	"encoding/json"
	"os"
	"runtime"
	"testing"
)

var sink any

type pair struct{ a, b int }
type node struct {
	next *node
	v    int
}
type empty struct{}

var (
	i1000  = 1000
	i200   = 200
	i64v   = int64(70000)
	b8     = uint8(200)
	str    = "hello"
	sl     = []int{1, 2, 3}
	pr     = pair{1, 2}
	nd     = node{nil, 1}
	ptr    = &pair{}
	f32    = float32(1.5)
	big    = [100]int{}
	e      = empty{}
)

""" + MEASURE_GO + r"""
func main() {
	out := map[string]result{
		"int 1000":         measure(func() { sink = i1000 }),
		"int 200":          measure(func() { sink = i200 }),
		"int const 1000":   measure(func() { sink = 1000 }),
		"int64 70000":      measure(func() { sink = i64v }),
		"uint8 200":        measure(func() { sink = b8 }),
		"float32 1.5":      measure(func() { sink = f32 }),
		"string":           measure(func() { sink = str }),
		"string const":     measure(func() { sink = "hello" }),
		"[]int":            measure(func() { sink = sl }),
		"pair (16 B noscan)": measure(func() { sink = pr }),
		"node (16 B scan)": measure(func() { sink = nd }),
		"*pair":            measure(func() { sink = ptr }),
		"[100]int":         measure(func() { sink = big }),
		"struct{}":         measure(func() { sink = e }),
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
"""
"""`sink = v` for a global `sink any`, per kind of value: testing.AllocsPerRun, and the
TotalAlloc and Mallocs deltas over 4096 conversions divided by 4096."""


def test_box_matches_recorded(go_tool):
    got = go_tool.build("box", BOX_SOURCE).run({})
    assert got == load_oracle("values")["box"]


def test_set_elem_matches_recorded(go_tool):
    got = go_tool.build("set_elem", SET_ELEM_SOURCE).run({})
    assert got == load_oracle("values")["set_elem"]


CLOSURE_SOURCE = r"""
package main

import (
	"encoding/json"
	"os"
	"runtime"
	"testing"
)

var sink func() int

type T struct{ a, b int }

var (
	i1000 = 1000
	arr16 [16]int
	arr17 [17]int64
	arr20 [20]int
	sl    = []int{1, 2, 3}
	ptr   = &T{}
	str   = "hello"
	b1    = byte(1)
	total int
)

""" + MEASURE_GO + r"""
//go:noinline
func call(f func() int) int { return f() }

func main() {
	out := map[string]result{
		"none": measure(func() { sink = func() int { return 1 } }),
		"int by value": measure(func() {
			nval := i1000
			sink = func() int { return nval }
		}),
		"int modified": measure(func() {
			nref := i1000
			sink = func() int { nref++; return nref }
		}),
		"[16]int": measure(func() {
			a16 := arr16
			sink = func() int { return a16[3] }
		}),
		"[17]int64": measure(func() {
			a17 := arr17
			sink = func() int { return int(a17[3]) }
		}),
		"[20]int": measure(func() {
			a20 := arr20
			sink = func() int { return a20[3] }
		}),
		"slice and pointer": measure(func() {
			s, p := sl, ptr
			sink = func() int { return len(s) + p.a }
		}),
		"string": measure(func() {
			s := str
			sink = func() int { return len(s) }
		}),
		"byte, int, byte": measure(func() {
			x, n, y := b1, i1000, b1
			sink = func() int { return int(x) + n + int(y) }
		}),
		"int modified, not escaping": measure(func() {
			nstack := i1000
			f := func() int { nstack++; return nstack }
			total += call(f)
		}),
		"[20]int, not escaping": measure(func() {
			b20 := arr20
			f := func() int { return b20[3] }
			total += call(f)
		}),
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
"""
"""`sink = func() int { … }` for a global `sink func() int`, per set of captured locals
(each case names its locals apart, so `-gcflags=-m`'s "moved to heap" lines say which):
testing.AllocsPerRun, and TotalAlloc and Mallocs deltas over 4096 closures divided by 4096;
the last two cases call a closure that does not escape."""


def test_closure_allocations_match_recorded(go_tool):
    got = go_tool.build("closure", CLOSURE_SOURCE).run({})
    assert got == load_oracle("values")["closure"]


def test_closure_moved_to_heap_matches_recorded(go_tool, tmp_path):
    """The compiler's escape decisions: the locals it moves to the heap (by reference and
    escaping: a modified int, a [17]int64 and a [20]int, over 128 B) and no other."""
    (tmp_path / "main.go").write_text(CLOSURE_SOURCE)
    (tmp_path / "go.mod").write_text("module realgo\n\ngo 1.27\n")
    proc = subprocess.run([str(go_tool.go), "build", "-gcflags=-m", "-o", os.devnull, "."], cwd=tmp_path,
                          env=go_tool.env(), capture_output=True, text=True, timeout=BUILD_TIMEOUT_S)
    assert proc.returncode == 0, proc.stderr
    moved = sorted(set(re.findall(r"moved to heap: (\w+)", proc.stderr)))
    assert moved == load_oracle("values")["closure_moved_to_heap"]
