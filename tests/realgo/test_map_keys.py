"""Maps whose keys the program names, against real Go: delete any key, insert it again,
replace a value, values that point at objects.

One Go program (`GO_SOURCE`) runs three cases and, after each step, two `runtime.GC()`
and ReadMemStats give HeapAlloc above the baseline taken before the map was made; the
map's shape comes from the runtime's own headers (as in test_maps.py). The simulator
runs the same steps as scenario operations (`map_insert`/`map_delete` with `key` and
`value`) and its `run --json` heap figure must be the same, byte for byte:

* `named`: map[string]*Small with keys "k0".."k9", each value a new 64-byte object. A
  small map (8 slots): deleting a key frees its object at the next GC and leaves the
  group as it was; inserting it again, or replacing its value, costs nothing more; a
  9th key turns the group into a 16-slot table; `clear` frees every object, keeps the
  table; dropping the map frees everything.
* `pointers`: map[int]*Small, 100 keys each pointing at its own object: deleting half
  frees half of the objects, not a byte of the map; setting values to nil frees them too.
* `full_table`: a map[int]int at 896 keys, a full 1024-slot table (no growth left). 100
  times deleting a key and inserting it again never grows it — a deleted key leaves a
  tombstone (its group was full) or an empty slot that the same key finds again on its
  probe sequence — whatever the hash seed; one more key splits the table.

These outcomes do not depend on Go's random hash seed (the shapes say so), so they are
compared exactly. The recorded runs (tests/oracle/map_keys.json) are checked without Go.
"""

from __future__ import annotations

import pytest

from gomemtui.runtime import program as ops
from gomemtui.runtime.core import Runtime
from gomemtui.runtime.read.build import json_state
from gomemtui.runtime.types import GoType, parse_type
from tests.oracle_data import load_oracle
from tests.realgo.test_maps import GO_MAP_MIRRORS

SMALL = GoType("Small", 64, True, ("p",))
"""`type Small struct { a [56]byte; p *Small }`."""
INT = parse_type("int")
STRING = parse_type("string")
POINTER = GoType("*Small", 8, True)

GO_SOURCE = r"""
package main

import (
	"encoding/json"
	"os"
	"runtime"
	"runtime/debug"
	"unsafe"
)

// Mirrors of internal/runtime/maps.Map and maps.table (Go 1.27).
MAP_MIRRORS

type Small struct {
	a [56]byte
	p *Small
}

type Step struct {
	Name      string `json:"name"`
	HeapAlloc int64  `json:"heap_alloc"`
	Len       int    `json:"len"`
	Small     bool   `json:"small"`
	Tables    int    `json:"tables"`
	Slots     int    `json:"slots"`
}

var ms runtime.MemStats
var base int64

func heapNow() int64 {
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

func shape(p unsafe.Pointer, s *Step) {
	h := *(**mapHeader)(p)
	if h == nil {
		return
	}
	if h.dirLen == 0 {
		if h.dirPtr != nil {
			s.Small = true
			s.Slots = 8
		}
		return
	}
	dir := unsafe.Slice((**tableHeader)(h.dirPtr), h.dirLen)
	var last *tableHeader
	for _, t := range dir {
		if t == last {
			continue
		}
		last = t
		s.Tables++
		s.Slots += int(t.capacity)
	}
}

var (
	named  map[string]*Small
	ptrs   map[int]*Small
	ints   map[int]int
	steps  [32]Step
	cases  [32]string
	nsteps int
	keys   = [...]string{"k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9"}
)

// measure records a step without allocating (the names are constants, the array global).
func measure(c, name string, p unsafe.Pointer, n int) {
	s := &steps[nsteps]
	*s = Step{Name: name, Len: n}
	s.HeapAlloc = heapNow() - base
	shape(p, s)
	cases[nsteps] = c
	nsteps++
}

func start() {
	named, ptrs, ints = nil, nil, nil
	base = heapNow()
}

func main() {
	debug.SetGCPercent(-1)
	heapNow()
	// A small map with keys the program names, values pointing at objects.
	start()
	m := unsafe.Pointer(&named)
	named = make(map[string]*Small)
	measure("named", "make", m, len(named))
	for i := 0; i < 8; i++ {
		named[keys[i]] = new(Small)
	}
	measure("named", "insert k0..k7", m, len(named))
	delete(named, "k3")
	measure("named", "delete k3", m, len(named))
	named["k3"] = new(Small)
	measure("named", "insert k3 again", m, len(named))
	named["k3"] = new(Small)
	measure("named", "replace k3's value", m, len(named))
	delete(named, "k9")
	measure("named", "delete k9 (absent)", m, len(named))
	named["k8"] = new(Small)
	measure("named", "insert k8", m, len(named))
	for i := 0; i < 4; i++ {
		delete(named, keys[i])
	}
	measure("named", "delete k0..k3", m, len(named))
	clear(named)
	measure("named", "clear", m, len(named))
	named = nil
	measure("named", "drop", m, 0)

	// 100 int keys, each value pointing at its own object.
	start()
	m = unsafe.Pointer(&ptrs)
	ptrs = make(map[int]*Small)
	for i := 0; i < 100; i++ {
		ptrs[i] = new(Small)
	}
	measure("pointers", "insert 0..99", m, len(ptrs))
	for i := 0; i < 50; i++ {
		delete(ptrs, i)
	}
	measure("pointers", "delete 0..49", m, len(ptrs))
	for i := 0; i < 50; i++ {
		ptrs[i] = new(Small)
	}
	measure("pointers", "insert 0..49 again", m, len(ptrs))
	for i := 50; i < 100; i++ {
		ptrs[i] = nil
	}
	measure("pointers", "set 50..99 to nil", m, len(ptrs))
	clear(ptrs)
	measure("pointers", "clear", m, len(ptrs))

	// A full 1024-slot table: delete a key and insert it again, 100 times.
	start()
	m = unsafe.Pointer(&ints)
	ints = make(map[int]int)
	for i := 0; i < 896; i++ {
		ints[i] = i
	}
	measure("full_table", "insert 0..895", m, len(ints))
	for i := 0; i < 100; i++ {
		delete(ints, i*7)
		ints[i*7] = i
	}
	measure("full_table", "delete and re-insert 100 keys", m, len(ints))
	ints[100000] = 1
	measure("full_table", "insert one new key", m, len(ints))
	out := map[string][]Step{}
	for i := 0; i < nsteps; i++ {
		out[cases[i]] = append(out[cases[i]], steps[i])
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
""".replace("MAP_MIRRORS\n", GO_MAP_MIRRORS)


def _simulate_named() -> list[dict]:
    """The `named` case as scenario operations."""
    steps = [("make", [ops.MakeMap("m", STRING, POINTER)])]
    objects = iter(range(100))

    def put(key: str) -> list:
        name = f"o{next(objects)}"
        return [ops.New(name, SMALL), ops.MapInsert("m", key=key, value=name), ops.Drop(name)]

    steps.append(("insert k0..k7", [op for i in range(8) for op in put(f"k{i}")]))
    steps.append(("delete k3", [ops.MapDelete("m", key="k3")]))
    steps.append(("insert k3 again", put("k3")))
    steps.append(("replace k3's value", put("k3")))
    steps.append(("delete k9 (absent)", [ops.MapDelete("m", key="k9")]))
    steps.append(("insert k8", put("k8")))
    steps.append(("delete k0..k3", [ops.MapDelete("m", key=f"k{i}") for i in range(4)]))
    steps.append(("clear", [ops.MapClear("m")]))
    steps.append(("drop", [ops.Drop("m")]))
    return _run(steps)


def _simulate_pointers() -> list[dict]:
    """The `pointers` case: 100 int keys, each value pointing at its own object."""

    def put(key: int, value: str | None) -> list:
        if value is None:
            return [ops.MapInsert("m", key=key)]
        return [ops.New(value, SMALL), ops.MapInsert("m", key=key, value=value), ops.Drop(value)]

    steps = [
        ("insert 0..99", [ops.MakeMap("m", INT, POINTER)] + [op for i in range(100) for op in put(i, f"a{i}")]),
        ("delete 0..49", [ops.MapDelete("m", key=i) for i in range(50)]),
        ("insert 0..49 again", [op for i in range(50) for op in put(i, f"b{i}")]),
        ("set 50..99 to nil", [op for i in range(50, 100) for op in put(i, None)]),
        ("clear", [ops.MapClear("m")]),
    ]
    return _run(steps)


def _simulate_full_table() -> list[dict]:
    """The `full_table` case: 796 keys by count and the 100 keys the loop names make 896."""
    named = [i * 7 for i in range(100)]
    steps = [
        ("insert 0..895", [ops.MakeMap("m", INT, INT), ops.MapInsert("m", count=896 - len(named))]
         + [ops.MapInsert("m", key=k) for k in named]),
        ("delete and re-insert 100 keys", [op for k in named for op in (ops.MapDelete("m", key=k),
                                                                         ops.MapInsert("m", key=k))]),
        ("insert one new key", [ops.MapInsert("m", key=100000)]),
    ]
    return _run(steps)


def _run(steps: list[tuple[str, list]]) -> list[dict]:
    """Run each step's operations, then measure as the Go program does."""
    r = Runtime(ops.RuntimeSettings(gogc=None, gomaxprocs=1))
    out = []
    for name, step_ops in steps:
        for op in step_ops:
            r.apply(op)
        r.apply(ops.GC())
        r.apply(ops.GC())
        state = json_state(r)
        var = r.state.vars.get("m")
        shape = {"name": name, "heap_alloc": state["heap"]["alloc_bytes"], "len": 0, "small": False,
                 "tables": 0, "slots": 0}
        if var is not None:
            model = r.state.maps[var.map_ref].model
            shape.update(len=len(model), small=model.small, tables=model.distinct_tables,
                         slots=model.total_slots)
        out.append(shape)
    return out


SIMULATE = {"named": _simulate_named, "pointers": _simulate_pointers, "full_table": _simulate_full_table}


@pytest.fixture(scope="module")
def simulated() -> dict[str, list[dict]]:
    return {case: run() for case, run in SIMULATE.items()}


@pytest.mark.parametrize("case", list(SIMULATE))
def test_recorded_real_go_runs_match_the_simulator(case: str, simulated: dict[str, list[dict]]) -> None:
    recorded = {c["case"]: c["steps"] for c in load_oracle("map_keys")["cases"]}
    assert simulated[case] == recorded[case]


def test_the_recorded_figures_are_the_size_classes_of_the_layout() -> None:
    """Hand-computed: map[string]*Small groups are 8 + 8 × (16 + 8) = 200 B (208-B slot),
    map[int]*Small and map[int]int groups 136 B; header 48 B, table 32 B, directory 8 B."""
    steps = {c["case"]: {s["name"]: s["heap_alloc"] for s in c["steps"]} for c in load_oracle("map_keys")["cases"]}
    assert steps["named"]["insert k0..k7"] == 48 + 208 + 8 * 64
    assert steps["named"]["delete k3"] == 48 + 208 + 7 * 64
    assert steps["named"]["insert k8"] == 48 + 416 + 32 + 8 + 9 * 64
    assert steps["named"]["clear"] == 48 + 416 + 32 + 8
    assert steps["pointers"]["insert 0..99"] == 48 + 2304 + 32 + 8 + 100 * 64
    assert steps["pointers"]["delete 0..49"] == 48 + 2304 + 32 + 8 + 50 * 64
    assert steps["full_table"]["delete and re-insert 100 keys"] == 48 + 18432 + 32 + 8


def test_real_go_matches_the_simulator(go_tool, simulated: dict[str, list[dict]]) -> None:
    """One quiet run of three agrees exactly: on a loaded machine the runtime sometimes
    allocates a 16-byte block of its own between two readings (64 B read where 48 B were
    the map's), which a rerun does not repeat."""
    program = go_tool.build("map_keys", GO_SOURCE)
    runs = []
    for _ in range(3):
        real = program.run({})
        runs.append(real)
        if all(real[case] == steps for case, steps in simulated.items()):
            return
    for case, steps in simulated.items():
        assert runs[0][case] == steps, (case, [run[case] for run in runs])
