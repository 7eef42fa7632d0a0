"""The bundled scenarios teach what real Go 1.27 does: one per claim of the article, and
the key numbers each one shows are the oracle's (../shared/oracle) and facts.md's.

Generic checks of every bundled scenario live elsewhere and are not repeated here:
`gomemtui check` in tests/scenario/test_bundled.py, `run` and `run --json` with the
DESIGN.md fields in tests/cli/test_run_core.py. This file adds what the article scenarios
promise: a scenario for each claim, a note on every step, a run that stays fast, and for
each scenario a few assertions of the facts it teaches, with expected values taken from
the oracle files and facts.md — not from the simulator.

Where the simulator is known to disagree with real Go the assertion is kept and marked
xfail with the reason (reported to the runtime's owner). The markers are not strict: the
runtime is being reworked and some of these pass in one revision and not in another; an
XPASS in the report means the simulator now agrees with Go and the marker can go.
"""

from __future__ import annotations

import functools
import io
import json
import math
import re
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from gomemtui.headless import run_json
from gomemtui.runtime.timeline import Timeline
from gomemtui.scenario import find_scenario, list_bundled, load_program, load_scenario
from tests.oracle_data import ORACLE_DIR, load_oracle

MiB = 1 << 20

ARTICLE = {
    1: ["01-returned-slice"],
    2: ["02-presize"],
    3: ["03-reslice", "03-substring"],
    4: ["04-map-delete-clear"],
    5: ["05-global"],
    6: ["06-pointers-vs-flat"],
    7: ["07-goroutine-leak"],
    8: ["08-sync-pool"],
    9: ["09-escape-analysis"],
    10: ["10-gogc-50", "10-gogc-100", "10-gogc-200"],
    11: ["11-memory-limit"],
    12: ["12-tiny-and-size-classes"],
}
"""Claim of the article → the bundled scenario(s) that show it."""

ARTICLE_SCENARIOS = [name for names in ARTICLE.values() for name in names]

RUN_BUDGET_S = 15.0
"""CPU seconds one scenario may take to play to the end (they take 1-3 s; generous for CI)."""


@dataclass
class Played:
    """A scenario played to the end: its JSON Lines, the summary, and the runtime."""

    steps: list[dict]
    summary: dict
    timeline: Timeline
    seconds: float

    def step(self, n: int) -> dict:
        """The JSON object of step n (1-based, as `run --json` numbers them)."""
        obj = self.steps[n - 1]
        assert obj["step"] == n
        return obj

    def events(self, n: int, kind: str) -> list[dict]:
        return [e for e in self.step(n)["events"] if e["kind"] == kind]

    def all_events(self, kind: str) -> list[dict]:
        return [e for obj in self.steps for e in obj["events"] if e["kind"] == kind]


@functools.cache
def played(name: str) -> Played:
    """Play a bundled scenario once, exactly as `gomemtui run NAME --json` does."""
    start = time.process_time()
    timeline = Timeline(load_program(name, env={}))
    out = io.StringIO()
    run_json(timeline, out)
    seconds = time.process_time() - start
    objects = [json.loads(line) for line in out.getvalue().splitlines()]
    assert objects[-1]["summary"] is True
    return Played(objects[:-1], objects[-1], timeline, seconds)


def alloc(p: Played, n: int) -> int:
    return p.step(n)["heap"]["alloc_bytes"]


def var(p: Played, n: int, name: str) -> dict:
    return p.step(n)["vars"][name]


def step_index(name: str, do: str, line: int) -> int:
    """The number of the step of scenario `name` with that operation and source line."""
    matches = [i for i, s in enumerate(load_scenario(find_scenario(name)).steps, 1)
               if s.do == do and s.source_line == line]
    assert len(matches) == 1, (name, do, line, matches)
    return matches[0]


def oracle_slot(kind: str, size: int) -> int:
    """Bytes real Go allocated for one object of `size` (sizeclass_roundup.json)."""
    for case in load_oracle("sizeclass_roundup")["cases"]:
        if case.get("kind") == kind and case.get("requested_bytes") == size:
            return case["total_alloc_delta"]
    raise LookupError(f"no {kind} case of {size} bytes in sizeclass_roundup.json")


def oracle_tiny_blocks(size: int) -> int:
    """16-byte blocks real Go used for 64 consecutive new([size]byte)."""
    for case in load_oracle("sizeclass_roundup")["cases"]:
        if case.get("kind") == "noscan new([n]byte)" and case["object_size"] == size:
            assert case["count"] == 64
            return case["sixteen_byte_blocks_used"]
    raise LookupError(size)


def oracle_caps(elem_type: str, variant: str = "heap", start: str = "nil") -> list[int]:
    for case in load_oracle("slice_growth")["cases"]:
        if (case.get("elem_type") == elem_type and case.get("variant") == variant
                and case.get("start") == start and case.get("distinct_caps")):
            return case["distinct_caps"]
    raise LookupError(elem_type)


def oracle_retention(name: str) -> int:
    for case in load_oracle("retention")["cases"]:
        if case["name"] == name:
            return case["heap_alloc_minus_baseline"]
    raise LookupError(name)


# -- every claim has a scenario, every step says why --------------------------------------


def test_every_claim_of_the_article_has_a_bundled_scenario() -> None:
    bundled = {s.name for s in list_bundled()}
    assert sorted(ARTICLE) == list(range(1, 13))
    missing = [name for name in ARTICLE_SCENARIOS if name not in bundled]
    assert not missing


@pytest.mark.parametrize("name", ARTICLE_SCENARIOS)
def test_article_scenarios_explain_every_step(name: str) -> None:
    sc = load_scenario(find_scenario(name))
    assert sc.info.title and sc.info.summary and sc.info.description
    for step in sc.steps:
        assert step.note and len(step.note) > 20, f"{name} {step.label}: every step needs a note"


@pytest.mark.parametrize("name", ARTICLE_SCENARIOS)
def test_article_scenarios_play_to_the_end_quickly(name: str) -> None:
    p = played(name)
    assert len(p.steps) == len(load_scenario(find_scenario(name)).steps)
    assert p.seconds < RUN_BUDGET_S, f"{name} took {p.seconds:.1f} s of CPU"


def test_quoted_gcflags_messages_are_real_go_output() -> None:
    """Every `-gcflags=-m` message quoted in a note is one go1.27.3 printed (escape.json)."""
    real = {m["message"] for case in load_oracle("escape")["cases"] for m in case["messages"]}
    quoted = []
    for name in ARTICLE_SCENARIOS:
        for step in load_scenario(find_scenario(name)).steps:
            quoted += re.findall(r'"([^"]*(?:escapes to heap|does not escape|moved to heap: \w+))"', step.note)
    assert len(quoted) >= 8
    assert [q for q in quoted if q not in real] == []


# -- 1. a returned slice --------------------------------------------------------------------


def test_01_returned_slice_escapes_and_is_freed_by_a_later_cycle() -> None:
    p = played("01-returned-slice")
    assert var(p, 1, "nums")["array_bytes"] == oracle_slot("noscan", 80) == 80  # size class 7
    assert p.events(2, "alloc")[0]["stack"] is True and alloc(p, 2) == 80  # the local one
    assert alloc(p, 4) == 80  # nums = nil frees nothing by itself
    assert alloc(p, 5) == 0 and p.step(5)["heap"]["goal_bytes"] == 4 * MiB  # runtime.GC frees it
    assert var(p, 6, "rec")["array_bytes"] == oracle_slot("noscan", 8000)
    automatic = [e for e in p.events(6, "gc") if not e["forced"]]
    assert 1 <= len(automatic) <= 2  # real Go: one or two cycles in the 1000 iterations
    assert var(p, 8, "boxed")["bytes"] == 16  # the boxed int: a 16-byte tiny block


def test_01_the_pacer_counts_every_allocation_since_the_last_cycle() -> None:
    """heapLive = bytes marked by the last cycle + every byte allocated since (sweeping
    does not lower it): the loop's records after its last cycle are all in it."""
    p = played("01-returned-slice")
    events = p.step(6)["events"]
    last_gc = max(i for i, e in enumerate(events) if e["kind"] == "gc")
    after = sum(e["bytes"] for e in events[last_gc:] if e["kind"] == "alloc")
    marked = events[last_gc]["live"]
    heap_live = p.timeline.runtime.collector.heap_live()
    if heap_live < marked + after:
        pytest.xfail("simulator: allocations that sweep a dead object first are not added to heapLive "
                     f"(heapLive {heap_live} B, real Go {marked + after} B), so cycles come too late")
    assert heap_live >= marked + after


# -- 2. pre-sizing ------------------------------------------------------------------------------


def test_02_growing_from_nil_follows_growslice_and_leaves_garbage() -> None:
    p = played("02-presize")
    caps = [e["new_cap"] for e in p.events(2, "growslice")]
    real = oracle_caps("int")[1:]  # the oracle appended 20,000: its caps end at 21504
    assert caps[: len(real)] == real
    assert len(caps) == 25 and caps[-1] == 55296  # 44032 + (44032 + 768) / 4, rounded to pages
    total = sum(max(e["new_bytes"], 16) for e in p.events(2, "growslice"))  # cap 1: a tiny block
    assert alloc(p, 2) == total == 1_955_072
    assert var(p, 3, "grown")["array_bytes"] == 55296 * 8
    assert alloc(p, 3) - 55296 * 8 in (0, 16)  # the old tiny block may live one more cycle
    assert var(p, 4, "sized") == {"kind": "slice", "len": 0, "cap": 50_000,
                                  "array_bytes": math.ceil(400_000 / 8192) * 8192}
    assert p.events(5, "growslice") == []
    assert alloc(p, 6) == 55296 * 8 + 401_408


# -- 3. reslicing -----------------------------------------------------------------------------------


def test_03_reslice_keeps_the_whole_array_and_only_a_copy_frees_it() -> None:
    p = played("03-reslice")
    assert var(p, 2, "numbers") == {"kind": "slice", "len": 500, "cap": 1000, "array_bytes": 8192}
    assert var(p, 3, "numbers")["array_bytes"] == 8192 and alloc(p, 3) == 8192  # after the GC
    assert var(p, 5, "numbers")["cap"] == 500 and alloc(p, 5) == 8192  # clipped, still kept
    assert var(p, 6, "trimmed")["array_bytes"] == oracle_slot("noscan", 4000)
    assert alloc(p, 8) == 4096  # the copy let the 8 KiB array go
    kept = oracle_retention("keep b[:16] of an 8 MiB []byte")
    assert var(p, 12, "header")["array_bytes"] == kept == 8 * MiB
    assert alloc(p, 12) == kept + 4096
    assert alloc(p, 14) - 4096 == oracle_retention("keep append([]byte(nil), b[:16]...)") == 16


# -- 4. maps ------------------------------------------------------------------------------------


def test_04_delete_and_clear_keep_a_maps_memory_a_new_map_frees_it() -> None:
    p = played("04-map-delete-clear")
    case = next(c for c in load_oracle("map_memory")["cases"]
                if c.get("map_type") == "map[int]int" and c.get("n") == 1000 and c.get("make_hint") == -1)
    real = {s["step"]: s["heap_alloc_minus_baseline"] for s in case["steps"]}
    assert var(p, 1, "seen")["bytes"] == real["make"] == 48
    assert var(p, 3, "seen") == {"kind": "map", "len": 1000, "bytes": real["insert N keys 0..N-1"]}
    assert var(p, 4, "seen") == {"kind": "map", "len": 0, "bytes": real["delete all keys in a loop"]}
    assert alloc(p, 5) == real["delete all keys in a loop"]  # after runtime.GC
    assert var(p, 6, "seen")["bytes"] == real["insert N new keys N..2N-1"]
    assert var(p, 7, "seen")["bytes"] == real["clear(m)"]
    assert var(p, 9, "seen")["bytes"] == real["insert N keys again after clear"]
    assert alloc(p, 11) == 48  # the old tables are gone once nothing references them


# -- 5. globals -------------------------------------------------------------------------------------


def test_05_a_global_keeps_everything_it_reaches() -> None:
    p = played("05-global")
    live = 4096 * 1024 + 6144 * 8
    assert var(p, 3, "history")["cap"] == 6144 and 6144 in oracle_caps("*int")
    assert alloc(p, 5) == live  # after runtime.GC: every record survives
    globals_scan = load_oracle("pacer_goal")["cases"][0]["globals_scan"]
    goal = p.step(5)["heap"]["goal_bytes"]
    marked = live + p.timeline.runtime.collector.startup_heap_bytes  # + the runtime's start-up heap
    assert 2 * marked + globals_scan <= goal <= 2 * marked + globals_scan + 64 * 1024
    assert var(p, 6, "history")["len"] == 0 and alloc(p, 7) == live  # history[:0] keeps them all
    assert alloc(p, 9) == 0 and p.step(9)["heap"]["goal_bytes"] == 4 * MiB
    assert [v["var"] for v in p.summary["live"]] == []


# -- 6. pointers vs flat --------------------------------------------------------------------------


def test_06_a_list_is_10000_objects_to_mark_a_flat_slice_one() -> None:
    p = played("06-pointers-vs-flat")
    assert p.step(4)["heap"]["objects"] == 10_000 and alloc(p, 4) == 160_000
    swept = p.events(6, "sweep")[0]
    assert swept["freed_objects"] == 10_000
    assert swept["spans"] == math.ceil(10_000 / 496)  # Green Tea: 496 scan objects of 16 B per span
    assert var(p, 7, "items")["array_bytes"] == 20 * 8192
    assert p.step(8)["heap"]["objects"] == 1


# -- 7. goroutine leaks -------------------------------------------------------------------------------


def test_07_blocked_goroutines_keep_their_stacks_and_buffers() -> None:
    p = played("07-goroutine-leak")
    per_goroutine = next(c for c in load_oracle("stacks")["cases"]
                         if c["experiment"] == "blocked" and c["goroutines"] == 10000)["per_goroutine_bytes"]
    leaked = p.summary["leaked_goroutines"]
    assert [g["goroutine"] for g in leaked] == ["fetch0", "fetch1", "fetch2"]
    assert all(g["stack_bytes"] == per_goroutine == 2048 for g in leaked)
    # Each parked fetch alone keeps its 1 MiB buffer, its channel's 112 B hchan and the
    # 112 B sudog that parks it; buf itself keeps the buffer (sudog.elem points at buf
    # in the sender's frame).
    assert all(g["retained_bytes"] == MiB + 112 + 112 for g in leaked)
    assert [v["retained_bytes"] for v in p.summary["live"]] == [MiB] * 3
    # Each `go` allocates a 480 B g (never freed), each goroutine parked on a channel a
    # 112 B sudog, each make(chan []byte) a 112 B hchan, and the first `go` grows allgs to
    # cap 16 (128 B): go1.27.3's MemStats.BySize (tests/realgo/test_goroutine_memory.py,
    # test_channels.py).
    own = 3 * (480 + 112 + 112) + 128
    assert alloc(p, 16) == 3 * MiB + own  # nothing freed by the first runtime.GC
    # the fixed call's buffer is freed with its channel (hchan and buffer); its g stays
    assert alloc(p, 23) == 3 * MiB + own + 480


def test_100_leaked_goroutines_each_keep_their_own_buffer() -> None:
    p = played("leak-100")
    buffer = oracle_slot("noscan", 65536)  # a []byte of 64 KiB: 65,536 bytes of HeapAlloc
    leaked = p.summary["leaked_goroutines"]
    assert [g["goroutine"] for g in leaked] == [f"worker#{i}" for i in range(100)]
    # its buffer, its own channel's 112 B hchan and the 112 B sudog that parks it
    assert [g["retained_bytes"] for g in leaked] == [buffer + 112 + 112] * 100
    assert [g["vars"] for g in leaked] == [[f"ch@worker#{i}", f"buf@worker#{i}"] for i in range(100)]
    # Besides the buffers, HeapAlloc holds the runtime's own objects: a 480 B g and a 112 B
    # sudog per blocked goroutine and the allgs array. Real Go 1.27.3 measured 60,176 B for
    # 100 leaked goroutines (tests/realgo); the 176 B apart are Go's freed start-up allgs
    # array and a sudog from the per-P cache, which the model does not keep. Each worker's
    # own channel adds its 112 B hchan.
    assert alloc(p, 2) - 100 * buffer == 60_352 + 100 * 112
    bufs = [v for v in p.summary["live"] if v["var"].startswith("buf@")]
    assert sorted(v["var"] for v in bufs) == sorted(f"buf@worker#{i}" for i in range(100))
    assert all(v["retained_bytes"] == buffer for v in bufs)


def test_100_leaked_goroutines_summary_states_the_total() -> None:
    from gomemtui.headless import run_text

    out = io.StringIO()
    run_text(Timeline(load_program("leak-100", env={})), out)
    text = out.getvalue()
    assert re.search(r"^  100 leaked goroutines keep \S+ MiB \(6,576,000 B\) of heap and 200 KiB of stack alive",
                     text, re.M), text[-3000:]
    assert 100 * (65536 + 112 + 112) == 6_576_000
    # the first three and the last one, and the 96 between counted on one line
    assert text.count("keeps 64.2 KiB of heap alive") == 4
    assert "  … 96 more of the same go step's goroutines, worker#3 … worker#98 (run --json lists every one)" in text


# -- 8. sync.Pool -----------------------------------------------------------------------------------------


def test_08_pool_reuse_victim_cache_and_two_gcs() -> None:
    p = played("08-sync-pool")
    gets = [(e["var"], e["source"], e["object"]) for e in p.all_events("pool_get")]
    assert gets == [
        ("a", "new", "a"), ("b", "private", "a"),            # put; get → the same object
        ("x", "private", "a"), ("y", "new", "y"), ("z", "new", "z"),
        ("p1", "victim", "a"), ("p2", "victim", "y"), ("p3", "victim", "z"),  # put 1,2,3; GC; get → 1,2,3
        ("p4", "new", "p4"),                                  # ... then New
        ("p5", "new", "p5"),                                  # put; GC; GC; get → New
    ]
    cases = {c["name"]: c for c in load_oracle("sync_pool")["cases"]}
    assert cases["put;get -> same object"]["get_results"] == ["obj#1"]
    assert cases["order from victim: put 1,2,3; GC; get x4 (victim private first, then victim shared popTail)"][
        "get_results"] == ["obj#1", "obj#2", "obj#3", "obj#1001"]
    assert cases["put;GC;GC;get -> dropped after two GCs, New called"]["get_results"] == ["obj#1001"]
    # The second GC drops the victim. Until then the pool's own memory counts too (facts.md d.:
    # the [1]poolLocal array, 128 B, and sync.allPools' []*Pool array, 8 B, made at the first
    # use after a GC; real Go 1.27.3 shows the same HeapAlloc deltas).
    assert alloc(p, 25) == 4 * 48 + 128 + 8 and alloc(p, 26) == 3 * 48


def test_08_the_pools_own_structures_are_in_its_bytes() -> None:
    """A pool variable's `bytes` are its own heap structures, local and victim: the
    [GOMAXPROCS]poolLocal array (pinSlow; 128 B each, GOMAXPROCS=1 here) and, once Put
    pushes to the shared chain, a poolChainElt (48 B) with an 8-slot []eface (8 × 16 B),
    each in its size class; poolCleanup moves them to the victim cache, the next one drops them."""
    p = played("08-sync-pool")
    local = oracle_slot("scan", 128)
    chain = oracle_slot("scan", 48) + oracle_slot("scan", 8 * 16)
    pool_bytes = [var(p, n, "bufPool")["bytes"] for n in range(1, len(p.steps) + 1)]
    assert pool_bytes[0] == 0  # declared, not used yet
    assert set(pool_bytes) == {0, local, local + chain, 2 * local + chain}
    first_shared = pool_bytes.index(local + chain)  # the first Put that found private taken
    assert all(b == local for b in pool_bytes[pool_bytes.index(local):first_shared])
    gc1, gc2 = step_index("08-sync-pool", "gc", 32), step_index("08-sync-pool", "gc", 33)
    assert pool_bytes[gc1 - 1] == local  # the old victim dropped, the local array now the victim
    assert pool_bytes[gc2 - 1] == 0  # the second GC in a row: nothing used since, all dropped
    live = {e["var"]: e for e in p.summary["live"]}
    assert live["bufPool"]["bytes"] == pool_bytes[-1]


# -- 9. escape analysis ---------------------------------------------------------------------------------


def test_09_only_escaping_allocations_touch_the_heap() -> None:
    name = "09-escape-analysis"
    p = played(name)
    for n, obj in enumerate(p.steps, 1):
        for e in obj["events"]:
            if e["kind"] == "alloc" and e["stack"]:
                assert e["bytes"] == 0 and alloc(p, n) == alloc(p, n - 1), f"step {n}"
    big = step_index(name, "make_slice", 40)
    assert alloc(p, big) - alloc(p, big - 1) == oracle_slot("noscan", 65537) == 9 * 8192
    # the returned slice, the tiny block of the two moved-to-heap ints (returnsAddr's x, counter's x),
    # next's closure
    assert alloc(p, len(p.steps)) == 80 + 16 + 16


def test_09_a_returned_closure_moves_what_it_modifies_to_the_heap_and_a_local_one_does_not() -> None:
    """counter's closure: Go's two mallocs (tests/oracle/values.json, closure "int modified"),
    the 16-byte closure and x's 8 bytes in the tiny block returnsAddr's x opened;
    closureLocal's: none."""
    name = "09-escape-analysis"
    p = played(name)
    real = load_oracle("values")["closure"]["int modified"]
    returned = step_index(name, "closure", 48)
    before, after = p.step(returned - 1)["heap"], p.step(returned)["heap"]
    assert after["mallocs"] - before["mallocs"] == real["mallocs_per_op"] == 2
    assert alloc(p, returned) - alloc(p, returned - 1) == 16  # x shares the tiny block p points into
    assert var(p, returned, "next") == {"kind": "func", "type": "func()", "bytes": 16}
    passed = step_index(name, "closure", 57)
    assert p.step(passed)["heap"]["mallocs"] == p.step(passed - 1)["heap"]["mallocs"]


def test_09_a_64_KiB_frame_grows_the_stack_in_one_copy() -> None:
    """newstack doubles the size until the frame fits, then copies once (facts.md g)."""
    name = "09-escape-analysis"
    grows = played(name).events(step_index(name, "call", 68), "stack_grow")
    assert grows and grows[-1]["new_size"] == 128 * 1024
    if len(grows) > 1:
        pytest.xfail(f"simulator: {len(grows)} separate growths/copies for one 64 KiB frame; real Go copies once")
    assert len(grows) == 1


# -- beside 9: interface boxing ----------------------------------------------------------------------


def test_09_interface_boxing_allocates_what_real_go_allocates() -> None:
    """Each `sink = v` step moves TotalAlloc and Mallocs as go1.27.3's `sink = v` did
    (tests/oracle/values.json, box); the non-escaping conversion allocates nothing."""
    name = "09-interface-boxing"
    p = played(name)
    real = load_oracle("values")["box"]
    sink_lines = {27: "int 1000", 28: "int 200", 29: "int const 1000", 30: "string",
                  31: "[]int", 32: "*pair", 33: "pair (16 B noscan)", 34: "struct{}"}
    for line, case in sink_lines.items():
        n = step_index(name, "box", line)
        before, after = p.step(n - 1)["heap"], p.step(n)["heap"]
        assert after["mallocs"] - before["mallocs"] == real[case]["mallocs_per_op"], (line, case)
        # a tiny allocation opens a 16-byte block, which MemStats counts when it is opened:
        # real Go's 8 B per conversion is the average of two conversions sharing a block
        per_block = 2 if case == "int 1000" else 1
        assert (after["total_alloc_bytes"] - before["total_alloc_bytes"]
                == per_block * real[case]["bytes_per_op"]), (line, case)
    local = step_index(name, "box", 11)
    assert p.step(local)["heap"]["mallocs"] == p.step(local - 1)["heap"]["mallocs"]
    assert var(p, step_index(name, "box", 31), "sink") == {"kind": "iface", "type": "[]int", "bytes": 24}
    end = p.step(len(p.steps))["heap"]
    assert (end["alloc_bytes"], end["objects"]) == (24 + 16 + 16, 3)  # nums[], p, the tiny block


# -- 10. GOGC -------------------------------------------------------------------------------------------------


def gogc_oracle(gogc: int) -> dict:
    return next(c for c in load_oracle("gctrace")["cases"] if c["name"] == f"GOGC={gogc}")


def gogc_log(gogc: int) -> list[str]:
    """The gctrace lines real Go 1.27.3 printed for the scenario's own source (GOMAXPROCS=1)."""
    text = (ORACLE_DIR / "gctrace_logs" / f"gogc-{gogc}.log").read_text()
    return [line for line in text.splitlines() if line.startswith("gc ")]


@pytest.mark.parametrize("gogc", [50, 100, 200])
def test_10_gogc_first_goal_is_the_minimum_and_notes_quote_real_go(gogc: int) -> None:
    name = f"10-gogc-{gogc}"
    p = played(name)
    real = gogc_log(gogc)
    first = p.all_events("gc")[0]
    minimum = 4 * MiB * gogc // 100  # heapMinimum, facts.md f
    assert minimum <= first["goal"] <= minimum + 64 * 1024
    assert f", {first['goal'] >> 20} MB goal," in real[0]
    notes = " ".join(s.note for s in load_scenario(find_scenario(name)).steps)
    assert f"{len(real)} cycles" in notes
    assert real[-1].split("cpu, ")[1].split(", 0 MB stacks")[0] in notes


def test_10_lower_gogc_means_more_cycles_and_a_smaller_peak() -> None:
    runs = {g: played(f"10-gogc-{g}").summary for g in (50, 100, 200)}
    assert runs[50]["cycles"] > runs[100]["cycles"] > runs[200]["cycles"]
    assert runs[50]["peak_heap_bytes"] < runs[100]["peak_heap_bytes"] < runs[200]["peak_heap_bytes"]
    real = {g: gogc_oracle(g)["summary"] for g in (50, 100, 200)}
    assert real[50]["num_gc"] > real[100]["num_gc"] > real[200]["num_gc"]


@pytest.mark.parametrize("gogc", [50, 100, 200])
def test_10_cycle_count_is_close_to_real_gos(gogc: int) -> None:
    sim = played(f"10-gogc-{gogc}").summary["cycles"]
    real = gogc_oracle(gogc)["summary"]["num_gc"]
    assert abs(sim - real) <= max(2, real // 10)


# -- 11. GOMEMLIMIT ------------------------------------------------------------------------------------------------


def test_11_memory_limit_sets_the_goal_and_the_limiter_engages() -> None:
    p = played("11-memory-limit")
    # Before its first GC this program's goal is 16,017,016 B in go1.27.3 (runtime/metrics
    # /gc/heap/goal:bytes read at the top of its loop, GOGC=off GOMEMLIMIT=20MiB GOMAXPROCS=1:
    # limit − non-heap 3,905,928 B − 1 MiB headroom); 15,303,328 B (pacer_goal.json) only
    # once two cycles have grown the runtime's metadata.
    start_goal = p.step(1)["heap"]["goal_bytes"]
    assert abs(start_goal - 16_017_016) <= 16_017_016 // 100
    gcs = p.all_events("gc")
    assert 13 * MiB <= gcs[0]["heap0"] < 20 * MiB  # no cycle before the heap nears the goal
    steady = [e for e in gcs[len(gcs) // 2:]]
    assert all(e["heap0"] > 20 * MiB and e["goal"] >= 24 * MiB for e in steady)  # goal floored at live
    assert p.timeline.runtime.limiter.last_enabled_cycle > 0


def test_11_first_cycle_is_held_back_by_assists() -> None:
    """Real Go's first cycles under GOMEMLIMIT=20MiB stay below the limit (gctrace.json: 'limit'
    14->15->6 MB, 14 MB goal; 'limit_long' 13->16->15 MB, 13 MB goal): once mappedReady passes the
    limit, memoryLimitHeapGoal's overage pulls the goal below heapLive, and revise's assist ratio
    makes the allocating goroutine finish the mark. An assist is credited for at most one 128 KiB
    oblet of a large object (scanobject, maxObletBytes), not for a whole 1 MiB array at once.
    gctrace's goal is heapGoal() at endCycle (lastHeapGoal), not heapMarked (0 in the first cycle)."""
    first = played("11-memory-limit").all_events("gc")[0]
    go = next(c for c in load_oracle("gctrace")["cases"] if c["workload"] == "limit_long")["gcs"][0]
    assert first["heap1"] < 20 * MiB
    assert abs(first["heap1"] / MiB - go["heap_at_mark_end_mb"]) <= 2 + 0.15 * go["heap_at_mark_end_mb"]
    # MB figures within 2 MB + 15 %, as in tests/runtime/test_pacing_fidelity.py.
    assert abs(first["goal"] / MiB - go["goal_mb"]) <= 2 + 0.15 * go["goal_mb"]


GO_11_GOALS_MB = {2: (14, 15), 3: (14, 14), 4: (13, 15), 5: (14, 15)}
"""gctrace's `N MB goal` of scenario 11's cycles 2-5 in real Go, lowest and highest seen.
Measured 2026-11-26: the scenario's [source] (its endless loop cut after 0.3 s) built with
go1.27.3 and run 13 times with GOGC=off GOMEMLIMIT=20MiB GOMAXPROCS=1 GODEBUG=gctrace=1.
Cycles whose heap overshot (heap1 ≥ heap0 + 5 MB: a run-to-run accident there, e.g.
`14->207->205 MB, 12 MB goal` and the cycles after it) are left out. The rest printed:
gc 2: 14 MB goal ×11, 15 ×1; gc 3: 14 ×12; gc 4: 13 ×1, 14 ×4, 15 ×4; gc 5: 14 ×3, 15 ×4.
Three of the runs also had GODEBUG=scavtrace=1: allocSpan released 1.5-3.8 MB eagerly per
cycle (`KiB work (eager)`), the background scavenger 0-1 MB; and runtime/metrics in an
instrumented run show total − heap/released held 1,784 B under the limit after gc 1."""


def test_11_goals_from_gc_2_are_gos() -> None:
    """Freed pages do not keep counting against the limit: allocSpan scavenges them when an
    allocation would take mappedReady past GOMEMLIMIT, so memoryLimitHeapGoal has no overage
    to subtract while free pages remain (it had: 12 MB goals from gc 2 on, 2 MB under Go's)."""
    gcs = {e["cycle"]: e for e in played("11-memory-limit").all_events("gc")}
    for n, (low, high) in GO_11_GOALS_MB.items():
        e = gcs[n]
        assert low <= e["goal"] // MiB <= high, (n, e["line"])
        assert e["heap1"] < e["heap0"] + 5 * MiB, (n, e["line"])  # none of these cycles overshoots
    rt = played("11-memory-limit").timeline.runtime
    stats = rt.heap.stats()
    assert rt.heap.scavenger.released_eager > 0
    assert stats.heap_released <= stats.heap_idle and stats.heap_sys == stats.heap_inuse + stats.heap_idle


@pytest.mark.xfail(reason="simulator: 14->18->8 MB, 12 MB goal (heap0 15,248,984 B, heap1 18,919,000 B = 1.24 x "
                          "heap0, goal 13,573,592 B). Real Go running this program: 14->17->7 MB, 14 MB goal "
                          "(gcpacertrace: triggered 15,425,536 B, heapLive at mark end 17,850,368 B, goal "
                          "15,445,360 B). The non-heap memory is now Go's (3,905,928 B before the first GC: the "
                          "start goal is Go's 16.0 MB, and the metadata a cycle adds is counted from its start), "
                          "so what is left is the mark itself: the simulator's assists let 3.7 MB be allocated "
                          "during the first mark where Go allows 2.4 MB (the credit of the assist paced at "
                          "work == expected, remaining work 1000 B, depends on where the 64 KiB allocations land "
                          "below the goal), and the extra 1 MB over the limit lowers the goal through the "
                          "overage term")
def test_11_first_cycle_does_not_overshoot() -> None:
    first = played("11-memory-limit").all_events("gc")[0]
    assert first["heap1"] <= first["heap0"] * 5 // 4 and first["goal"] >= 13 * MiB


@pytest.mark.xfail(reason="not Go's behaviour at this run length: the scenario plays ~0.8 s of simulated time "
                          "(GC 99 %); real Go 1.27.3 running this program prints 90-92 % at gc 60-90 "
                          "(@0.54-0.81 s) — its 62 % (gctrace.json limit_long) is over 3 s, after the limiter's "
                          "1 CPU-second bucket has filled (~1 s)")
def test_11_the_limiter_caps_gc_cpu() -> None:
    assert played("11-memory-limit").timeline.runtime.collector.gc_cpu_fraction() <= 0.75


# -- 12. tiny allocator and size classes ------------------------------------------------------------------------


def test_12_tiny_blocks_and_size_class_slots_are_real_gos() -> None:
    name = "12-tiny-and-size-classes"
    p = played(name)
    codes_loop = step_index(name, "loop", 16)
    assert alloc(p, codes_loop) == 512 + 16 * oracle_tiny_blocks(3)  # 13 blocks for 64 × 3 bytes
    labels_loop = step_index(name, "loop", 25)
    assert alloc(p, labels_loop) - alloc(p, labels_loop - 1) == 16 * oracle_tiny_blocks(9)  # one block each
    slots = {v: var(p, len(p.steps), v) for v in ("rec", "page", "ptrs", "blob")}
    assert slots["rec"]["bytes"] == oracle_slot("noscan", 33) == 48
    assert slots["page"]["bytes"] == 1152  # facts.md a: 1025 B → class 33
    assert slots["ptrs"]["array_bytes"] == oracle_slot("scan", 520) == 576  # + 8-byte malloc header
    assert slots["blob"]["array_bytes"] == oracle_slot("noscan", 32769) == 5 * 8192
    first_gc = step_index(name, "gc", 35)
    assert alloc(p, first_gc) in (16, 32)  # first's block, and the P's current tiny block


def test_12_tiny_allocations_are_reported_in_the_16_byte_class() -> None:
    """A 1..15-byte noscan object lives in a 16-byte block of size class 2 (facts.md a)."""
    tiny = [e for e in played("12-tiny-and-size-classes").all_events("alloc") if e["tiny"]]
    assert tiny
    wrong = {(e["size"], e["size_class"]) for e in tiny if e["size_class"] != 2}
    if wrong:
        pytest.xfail(f"simulator reports tiny objects of up to 8 bytes in size class 1: {sorted(wrong)}")
    assert not wrong


def test_bundled_dir_holds_the_article_scenarios_as_files() -> None:
    for name in ARTICLE_SCENARIOS:
        assert Path(find_scenario(name)).name == f"{name}.toml"
