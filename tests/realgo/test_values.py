"""Element writes (`s[i] = p`, `s[i] = nil`) against real Go, and the recorded figures.

The program keeps a `[]*T` of four 1 KiB objects in a global, measures HeapAlloc and
HeapObjects after two `runtime.GC()` (GOMAXPROCS=1), then clears one element, then
overwrites another with a pointer the slice already holds, measuring after each; it
counts the allocations of a pointer store (`testing.AllocsPerRun`) and records the
panic of an index past len. The output must equal tests/oracle/values.json's `set_elem`,
which tests/runtime/mutator/test_values.py checks the simulator against.
"""

from __future__ import annotations

from tests.oracle_data import load_oracle

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


def test_set_elem_matches_recorded(go_tool):
    got = go_tool.build("set_elem", SET_ELEM_SOURCE).run({})
    assert got == load_oracle("values")["set_elem"]
