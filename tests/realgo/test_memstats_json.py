"""`run --json`'s MemStats figures against real Go: each one means what runtime.MemStats'
field (or the runtime/metrics value) of the same name means.

One Go program and one scenario do the same things: 1000 `new([64]byte)` (each replacing
the last), ten 1 MiB byte slices kept alive, `runtime.GC()`, the slices and the pointer
dropped, two more `runtime.GC()`, then 100 goroutines that block for ever. The Go
program reads `runtime.ReadMemStats`, `runtime.NumGoroutine` and runtime/metrics into
preallocated memory after each phase (so reading allocates nothing) and prints them at
the end; the simulator runs the scenario through the loader, checker and compiler and
reads `json_state` (what `run --json` prints) after the same steps.

What real Go has and the model does not, and so the tolerances (measured with Go 1.27.3,
GOMAXPROCS=1, three runs; `/tmp` program in the docstring of each constant):

* The runtime and package init allocate before main (219..225 objects, 58..64 KB in
  this program; ~66..72 KB stay live): the cumulative counters are compared as deltas
  from a reading at the start of main, and live heap with START_HEAP_TOLERANCE.
* The runtime allocates a few small objects of its own around GC cycles (14 objects,
  1120 B over the two automatic cycles of the 10 MiB phase): RUNTIME_OBJECTS_TOLERANCE.
* Every new goroutine allocates a `g` on the heap (~500 B): the heap counters are not
  compared across the goroutine phase, only StackInuse and NumGoroutine.
* The heap is mapped in 4 MiB palloc chunks, and whether the 10 MiB phase needs one
  chunk more depends on when concurrent sweeping frees pages (HeapSys was 12.29 MB in two
  runs, 16.52 MB in the third); the background scavenger's progress is timing too:
  HeapSys, HeapIdle and HeapReleased within one chunk plus the start-up memory. Before the
  first allocation the model has mapped nothing, where Go had mapped 4 or 8 MiB: the
  reading at the start of main is left out of these three.
"""

from __future__ import annotations

from gomemtui.runtime.core import Runtime
from gomemtui.runtime.read.build import json_state
from gomemtui.scenario import compile_scenario, load_text

MIB = 1 << 20
CHUNK = 4 * MIB
"""`pallocChunkPages` × 8 KiB: the step in which `(*mheap).grow` maps heap memory."""
START_HEAP_TOLERANCE = 128 << 10
"""What the runtime's init keeps live (66,296..71,616 B measured after a forced GC)."""
START_MEMORY_TOLERANCE = 512 << 10
"""Start-up spans (HeapInuse 294,912..335,872 B with an empty program heap) and stacks."""
RUNTIME_OBJECTS_TOLERANCE = 32
"""Objects the runtime allocates for itself during this program's GC cycles (14 measured)."""
RUNTIME_BYTES_TOLERANCE = 4096
"""Their bytes (1,120 measured)."""
STACK_SPAN = 32 << 10
"""One stack span: the runtime's own stacks took 7 or 8 of them at start (229,376 or 262,144 B)."""
GLOBALS_TOLERANCE = 16 << 10
"""The model's data+bss is a fixed 165,258 B; this program's is 167,466 B (`/gc/scan/globals:bytes`)."""
STACK_SCAN_TOLERANCE = 1024
"""main's scanned stack: 1,960 B in Go; the model counts its fixed frame use."""
GOROUTINES = 100

GO_SOURCE = r"""
package main

import (
	"encoding/json"
	"os"
	"runtime"
	"runtime/metrics"
)

type point struct {
	Tag                                                   string
	HeapAlloc, HeapInuse, HeapIdle, HeapReleased, HeapSys uint64
	StackInuse, TotalAlloc, Mallocs, Frees, NextGC        uint64
	Goroutines                                            int
	Live, Stack, Globals, Goal, GOGC                      uint64
}

var (
	big    [10][]byte
	sink64 *[64]byte
	points [16]point
	npts   int
	ms     runtime.MemStats
	names  = []string{"/gc/heap/live:bytes", "/gc/scan/stack:bytes", "/gc/scan/globals:bytes",
		"/gc/heap/goal:bytes", "/gc/gogc:percent"}
	sample = make([]metrics.Sample, 5)
)

//go:noinline
func record(tag string) {
	runtime.ReadMemStats(&ms)
	metrics.Read(sample)
	points[npts] = point{tag, ms.HeapAlloc, ms.HeapInuse, ms.HeapIdle, ms.HeapReleased, ms.HeapSys,
		ms.StackInuse, ms.TotalAlloc, ms.Mallocs, ms.Frees, ms.NextGC, runtime.NumGoroutine(),
		sample[0].Value.Uint64(), sample[1].Value.Uint64(), sample[2].Value.Uint64(),
		sample[3].Value.Uint64(), sample[4].Value.Uint64()}
	npts++
}

func main() {
	for i, n := range names {
		sample[i].Name = n
	}
	record("init") // the first metrics.Read builds its tables: not counted
	record("start")
	for range 1000 {
		sink64 = new([64]byte)
	}
	record("small")
	for i := range big {
		big[i] = make([]byte, 1<<20)
	}
	record("big")
	runtime.GC()
	record("gc1")
	big = [10][]byte{}
	sink64 = nil
	runtime.GC()
	record("gc2")
	runtime.GC()
	record("gc3")
	for range GOROUTINES {
		go func() { select {} }()
	}
	record("goroutines")
	json.NewEncoder(os.Stdout).Encode(points[:npts])
}
""".replace("GOROUTINES", str(GOROUTINES))


def scenario_text() -> str:
    """The Go program's phases as a scenario; `tag` marks the step after which each is read."""
    steps: list[str] = ['do = "new"\nvar = "o"\ntype = "[64]byte"\nrepeat = 1000\nnote = "small"']
    steps += [f'do = "make_slice"\nvar = "b{i}"\nelem = "byte"\nlen = {MIB}' for i in range(10)]
    steps[-1] += '\nnote = "big"'
    steps.append('do = "gc"\nnote = "gc1"')
    steps += [f'do = "drop"\nvar = "b{i}"' for i in range(10)] + ['do = "drop"\nvar = "o"']
    steps += ['do = "gc"\nnote = "gc2"', 'do = "gc"\nnote = "gc3"']
    for i in range(GOROUTINES):
        steps += [f'do = "go"\ngoroutine = "w{i}"', f'do = "block"\nin = "w{i}"']
    steps[-1] += '\nnote = "goroutines"'
    goroutines = "".join(f'[[goroutine]]\nname = "w{i}"\n\n' for i in range(GOROUTINES))
    return ('[scenario]\ntitle = "memstats"\n\n[runtime]\ngomaxprocs = 1\n\n'
            '[source]\ncode = "package main"\n\n' + goroutines
            + "".join(f"[[step]]\nline = 1\n{s}\n\n" for s in steps))


def simulate() -> dict[str, dict]:
    """`json_state` at the start and after each tagged step."""
    program = compile_scenario(load_text(scenario_text()))
    r = Runtime(program.settings, program.goroutines)
    out = {"start": json_state(r)}
    for step in program.steps:
        r.apply(step.op)
        if step.note:
            out[step.note] = json_state(r)
    return out


def test_run_json_memstats_mean_what_go_reports(go_tool):
    runs = [go_tool.build("memstatsjson", GO_SOURCE).run({}) for _ in range(3)]
    sim = simulate()
    problems: list[str] = []

    def near(what: str, got: int, want: int, tol: int) -> None:
        if abs(got - want) > tol:
            problems.append(f"{what}: sim {got:,}, go {want:,} (tolerance {tol:,})")

    for real in runs:
        go = {p["Tag"]: p for p in real}
        base = go["start"]
        for tag in ("small", "big", "gc1", "gc2", "gc3"):
            h, g = sim[tag]["heap"], go[tag]
            # Mallocs, Frees, TotalAlloc: cumulative, counted from the start of main.
            near(f"{tag} mallocs", h["mallocs"], g["Mallocs"] - base["Mallocs"], RUNTIME_OBJECTS_TOLERANCE)
            near(f"{tag} frees", h["frees"], g["Frees"] - base["Frees"], RUNTIME_OBJECTS_TOLERANCE)
            near(f"{tag} total_alloc_bytes", h["total_alloc_bytes"], g["TotalAlloc"] - base["TotalAlloc"],
                 RUNTIME_BYTES_TOLERANCE)
        for tag in ("start", "small", "big", "gc1", "gc2", "gc3", "goroutines"):
            h, g, state = sim[tag]["heap"], go[tag], sim[tag]
            assert h["sys_bytes"] == h["inuse_bytes"] + h["idle_bytes"], "HeapSys = HeapInuse + HeapIdle"
            assert 0 <= h["released_bytes"] <= h["idle_bytes"], "HeapReleased is part of HeapIdle"
            assert h["next_gc_bytes"] == h["goal_bytes"] == state["goal"]["goal_bytes"], "NextGC = heapGoal()"
            if tag != "start":  # the model maps nothing before the first allocation; Go had 4 or 8 MiB
                near(f"{tag} sys_bytes", h["sys_bytes"], g["HeapSys"], CHUNK + START_MEMORY_TOLERANCE)
                near(f"{tag} idle_bytes", h["idle_bytes"], g["HeapIdle"], CHUNK + START_MEMORY_TOLERANCE)
                near(f"{tag} released_bytes", h["released_bytes"], g["HeapReleased"],
                     CHUNK + START_MEMORY_TOLERANCE)
            near(f"{tag} stack_inuse_bytes", h["stack_inuse_bytes"], g["StackInuse"], STACK_SPAN)
            if state["goroutines"] != g["Goroutines"]:
                problems.append(f"{tag} goroutines: sim {state['goroutines']}, go {g['Goroutines']}")
        # 100 new goroutines: 2 KiB stacks carved from 32 KiB stack spans, as many spans in both.
        near("goroutines: stack_inuse_bytes growth",
             sim["goroutines"]["heap"]["stack_inuse_bytes"] - sim["gc3"]["heap"]["stack_inuse_bytes"],
             go["goroutines"]["StackInuse"] - go["gc3"]["StackInuse"], 0)
        # The goal's terms after each forced cycle (automatic cycles' timing is the pacer's own test).
        for tag in ("gc1", "gc2", "gc3"):
            terms, g = sim[tag]["goal"], go[tag]
            near(f"{tag} goal.live_heap_bytes", terms["live_heap_bytes"], g["Live"], START_HEAP_TOLERANCE)
            near(f"{tag} goal.stack_bytes", terms["stack_bytes"], g["Stack"], STACK_SCAN_TOLERANCE)
            near(f"{tag} goal.globals_bytes", terms["globals_bytes"], g["Globals"], GLOBALS_TOLERANCE)
            if terms["gogc"] != g["GOGC"] or terms["memory_limit_bytes"] is not None:
                problems.append(f"{tag} gogc / memory limit: sim {terms['gogc']} / {terms['memory_limit_bytes']}")
            term_tol = (START_HEAP_TOLERANCE + STACK_SCAN_TOLERANCE + GLOBALS_TOLERANCE) * 2  # × (1 + GOGC/100)
            near(f"{tag} next_gc_bytes", sim[tag]["heap"]["next_gc_bytes"], g["NextGC"], term_tol)
            near(f"{tag} goal.goal_bytes", terms["goal_bytes"], g["Goal"], term_tol)
    assert not problems, "\n".join(problems)
