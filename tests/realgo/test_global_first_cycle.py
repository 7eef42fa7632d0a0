"""05-global's first GC cycle against real Go: where it starts, what it marks.

Real Go prints `3->4->3 MB` (`3->3->3 MB` when its mark is short) and a next goal of 7 MB
(sometimes 6) for this cycle, the model `3->4->4 MB` and 8 MB. The figures behind that (tests/oracle/global_first_cycle.json) come from the scenario's program with a probe
added: after each `handle(id)` it notes whether the write barrier is on (the cycle is
marking) and `gcController.heapLive`, and once the loop is done `gcController.heapMarked`
and the next goal. They show the cycle marks by Go's rules and nothing else:

* heapMarked = the start-up heap's live objects (~100 KB) + 1024 B × every record
  allocated before mark termination + the live 4095-element array (32,768 B). Records
  allocated while marking are black (`gcmarknewobject` adds their size to
  `gcw.bytesMarked`); the arrays `append` left behind were garbage before the cycle and
  are not marked.
* So heapMarked depends on two things: the record at which the cycle starts (the heap
  trigger is read against heapLive) and how many records the program allocates before
  mark termination.

The model follows the same rule (first test) and allocates as many records black as real
marks do (second). What it gets wrong is the start (third test, expected to fail): real
heapLive counts every span an mcache holds whole (`mcache.refill`), from start-up on. It
is 262,144-327,680 B when main begins at GOMAXPROCS=4 (the spans the runtime's start-up
allocations left cached in the Ps' mcaches), against the model's 103,584 B of start-up
objects, and it counts the 18,432-byte array's 73,728-byte span whole. At record 3360 real
heapLive is 4,005,888 B and the model's 3,650,840, so the model reaches the trigger after
record 3699 instead of 3328-3432, and marks those ~300 records more. Counting the program's
spans whole alone moves it to record 3536; the start-up spans are the rest.

Record the oracle again with `python -m tests.realgo.test_global_first_cycle` (go1.27,
linux/amd64: the probe reads two runtime variables through `go:linkname` and knows
`gcControllerState`'s layout, so it is built with `-ldflags=-checklinkname=0`).
"""

from __future__ import annotations

import json
import re
from functools import cache
import subprocess
import sys

import pytest

from gomemtui.runtime.timeline import Timeline
from gomemtui.scenario import load_program
from tests.oracle_data import ORACLE_DIR, load_oracle

SCENARIO = "05-global"
RECORD_BYTES = 1024
ARRAY_BYTES = 4095 * 8 + 8
"""The []*Record array live while the first cycle runs: cap 4095, 32,768 B with its malloc
header (the loop's note in the scenario)."""
GROWN_ARRAY_BYTES = 6144 * 8
"""The array the last append grows to (a 6-page large object)."""
RUNS = 24

PROBE_SOURCE = r"""
package main

import (
	"runtime"
	_ "unsafe"
)

//go:linkname writeBarrier runtime.writeBarrier
var writeBarrier struct {
	enabled bool
	pad     [3]byte
	alignme uint64
}

// runtime.gcController (mgcpacer.go, gcControllerState) as 8-byte words, go1.27 amd64:
// 2 heapMinimum, 9 gcPercentHeapGoal, 13 heapLive, 19 heapMarked.
//
//go:linkname gcController runtime.gcController
var gcController [20]uint64

type Record struct {
	ID      int
	Payload [1016]byte
}

var history []*Record

var marking [4096]bool
var heapLive [4096]uint64

//go:noinline
func handle(id int) {
	r := &Record{ID: id}
	history = append(history, r)
}

func main() {
	if gcController[2] != 4<<20 {
		println("PROBE-LAYOUT heapMinimum word is", gcController[2])
		return
	}
	live0 := gcController[13]
	for id := 0; id < 4096; id++ {
		handle(id)
		marking[id] = writeBarrier.enabled
		heapLive[id] = gcController[13]
	}
	for writeBarrier.enabled { // the cycle outlasted the loop: let it finish
		runtime.Gosched()
	}
	marked, goal := gcController[19], gcController[9]
	first, last := -1, -1
	for i, on := range marking {
		if on {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 1 {
		println("PROBE-NOMARK")
		return
	}
	println("PROBE", live0, first, last, heapLive[first-1], heapLive[first], heapLive[last], marked, goal)
	runtime.GC()
	history = history[:0]
	runtime.GC()
	history = nil
	runtime.GC()
}
"""

PROBE_FIELDS = ("heap_live_at_main", "first_marking_record", "last_marking_record",
                "heap_live_before_trigger", "heap_live_at_first", "heap_live_at_last",
                "heap_marked", "next_goal")


def real_runs() -> list[dict]:
    return load_oracle("global_first_cycle")["cases"]


@cache
def model_first_cycle() -> dict:
    """The model's first cycle of the scenario: records allocated when it starts and when
    its mark ends, its gctrace figures and the goal it sets."""
    timeline = Timeline(load_program(SCENARIO, env={}), rewind=False)
    events = []
    while not timeline.at_end:
        events.extend(timeline.step())
    records = 0
    start = end = None
    gc = None
    for e in events:
        if e.kind == "alloc" and e.data.get("var") == "r":
            records += 1
        elif e.kind == "gc_phase" and e.data.get("cycle") == 1:
            if e.data.get("phase") == "sweep termination":
                start = records
            elif e.data.get("phase") == "mark termination":
                end = records
        elif e.kind == "gc" and e.data.get("cycle") == 1:
            gc = e.data
    assert start is not None and end is not None and gc is not None
    return {"records_at_start": start, "records_at_mark_end": end, "heap2": gc["live"],
            "next_goal": gc["next_goal"], "startup_heap": gc["startup_heap"]}


def test_the_first_cycle_marks_what_go_marks_for_the_records_it_has_seen():
    """heapMarked = start-up heap + every record allocated until mark termination + the
    live array: in every real run (the start-up part 94.9-105.7 KB) and in the model."""
    model = model_first_cycle()
    assert model["heap2"] == model["startup_heap"] + RECORD_BYTES * model["records_at_mark_end"] + ARRAY_BYTES
    for run in real_runs():
        black_records = RECORD_BYTES * (run["last_marking_record"] + 1)
        if run["last_marking_record"] == 4095:  # marking until the loop ended: the grown array is black too
            black_records += GROWN_ARRAY_BYTES
        startup = run["heap_marked"] - black_records - ARRAY_BYTES
        # The record of the iteration after the last one seen marking may still be black
        # (mark termination came inside that handle, after its allocation): up to a few KB.
        assert abs(startup - model["startup_heap"]) <= 10 * 1024, (run, startup)


def test_the_model_allocates_as_many_records_black_as_real_marks_do():
    """Real first marks take 0.2-1 ms of wall clock, during which the loop allocates 0 to
    ~440 records; the model's mark sees a number within that range, so the length of its
    mark is not what makes it mark more."""
    model = model_first_cycle()
    black = model["records_at_mark_end"] - model["records_at_start"]
    real = [run["last_marking_record"] - run["first_marking_record"] for run in real_runs()]
    assert min(real) <= black <= max(real), (black, min(real), max(real))


@pytest.mark.xfail(strict=True, reason=(
    "real heapLive counts every cached span whole (mcache.refill) and starts at 262,144-327,680 B "
    "when main begins (GOMAXPROCS=4: the spans the runtime's start-up allocations left in the Ps' "
    "mcaches); the model starts it at the start-up objects' 103,584 B, so its heap reaches the "
    "trigger after record 3699 (3536 with the program's spans counted whole), real Go's after "
    "3328-3432"
))
def test_the_first_cycle_starts_at_the_record_where_real_go_starts_it():
    model = model_first_cycle()
    trigger_record = model["records_at_start"] - 1
    real = [run["first_marking_record"] for run in real_runs()]
    assert min(real) <= trigger_record <= max(real), (trigger_record, min(real), max(real))


def test_real_heap_live_starts_above_the_start_up_objects():
    """The recorded fact the xfail above rests on: at GOMAXPROCS=4 real heapLive at main's
    start is 2.5-3.2 times the start-up heap's live bytes."""
    model = model_first_cycle()
    for run in real_runs():
        assert run["heap_live_at_main"] >= 2 * model["startup_heap"], run


# -- recording --------------------------------------------------------------------------------


def parse_probe(stderr: str) -> dict:
    """One run's probe line and its first two gctrace lines."""
    found = re.search(r"^PROBE (.*)$", stderr, re.M)
    if found is None:
        raise AssertionError(f"no probe line (layout check failed or no cycle ran):\n{stderr[-2000:]}")
    run = dict(zip(PROBE_FIELDS, (int(v) for v in found.group(1).split()), strict=True))
    for n in (1, 2):
        line = re.search(rf"^gc {n} @.*$", stderr, re.M)
        run[f"gctrace_{n}"] = line.group(0) if line else None
    pacer = re.search(r"^pacer: \d+% CPU .* in (\d+) B -> (\d+) B", stderr, re.M)
    if pacer is not None and run["gctrace_1"] is not None and stderr.index(pacer.group(0)) < stderr.index(
            run["gctrace_1"]):
        run["heap0"], run["heap1"] = int(pacer.group(1)), int(pacer.group(2))
    return run


def record() -> None:
    """Run the probe RUNS times and write tests/oracle/global_first_cycle.json."""
    from tests.realgo.conftest import _probe_go

    tool, why = _probe_go()
    if tool is None:
        sys.exit(f"no Go: {why}")
    work = tool.cache / "src" / "global-first-cycle"
    work.mkdir(parents=True, exist_ok=True)
    (work / "main.go").write_text(PROBE_SOURCE)
    (work / "go.mod").write_text("module realgo\n\ngo 1.27\n")
    binary = work / "probe"
    subprocess.run([str(tool.go), "build", "-ldflags=-checklinkname=0", "-o", str(binary), "."], cwd=work,
                   env=tool.env(), check=True, timeout=600)
    env = {**tool.env(), "GOMAXPROCS": "4", "GOGC": "100", "GODEBUG": "gctrace=1,gcpacertrace=1"}
    runs = []
    for _ in range(RUNS):
        proc = subprocess.run([str(binary)], env=env, capture_output=True, text=True, timeout=120, check=True)
        runs.append(parse_probe(proc.stderr))
    data = {
        "go_version": tool.version,
        "description": (
            "The 05-global scenario's program, GOMAXPROCS=4 GOGC=100, with a probe: after each handle(id) "
            "whether runtime.writeBarrier is on (first/last_marking_record: the loop indexes of the first "
            "cycle's mark) and gcController.heapLive; heap_live_at_main is heapLive when main begins, "
            "heap_live_before_trigger the value after the record before the cycle began; heap_marked and "
            "next_goal are gcController.heapMarked and gcPercentHeapGoal after the loop (one cycle ran). "
            "heap0/heap1 are gcpacertrace's exact figures when it printed them before gc 1's line. "
            f"{RUNS} runs on a 2-core machine. Recorded by python -m tests.realgo.test_global_first_cycle."
        ),
        "cases": runs,
    }
    path = ORACLE_DIR / "global_first_cycle.json"
    path.write_text(json.dumps(data, indent=1) + "\n")
    print(f"wrote {path}: {len(runs)} runs")


if __name__ == "__main__":
    record()
