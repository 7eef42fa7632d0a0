"""Go's heap profile by source line (runtime/read/profile.py): what is published when,
by runtime/mprof.go's rules, with figures worked out by hand from the size classes."""

from __future__ import annotations

import numpy as np
import pytest

from gomemtui.runtime import program as ops
from gomemtui.runtime.core import Runtime
from gomemtui.runtime.read.profile import function_at, heap_profile, top_lines
from gomemtui.runtime.timeline import Timeline
from gomemtui.scenario import compile_scenario, load_program, load_text
from tests.oracle_data import oracle_cases

THREE_ALLOCATIONS = '''
[scenario]
title = "three allocations"

[source]
code = """
package main

import "runtime"

func main() {
	a := new([100]byte)
	b := make([]int, 1000)
	c := make([]byte, 40000)
	runtime.GC()
	b = nil
	runtime.GC()
	runtime.KeepAlive(a)
	runtime.KeepAlive(c)
}
"""

[[step]]
line = 6
do = "new"
var = "a"
type = "[100]byte"

[[step]]
line = 7
do = "make_slice"
var = "b"
elem = "int"
len = 1000

[[step]]
line = 8
do = "make_slice"
var = "c"
elem = "byte"
len = 40000

[[step]]
line = 9
do = "gc"

[[step]]
line = 10
do = "drop"
var = "b"

[[step]]
line = 11
do = "gc"
'''

# Hand-worked slots: new([100]byte) is 100 B pointer-free → size class 10, 112 B;
# make([]int, 1000) is 8000 B → class 51, 8192 B; make([]byte, 40000) is over 32760 B →
# a large object of ceil(40000 / 8192) = 5 pages, 40960 B.
A, B, C = 112, 8192, 40960


def play(text: str, steps: int) -> tuple[Timeline, ops.Program]:
    program = compile_scenario(load_text(text))
    timeline = Timeline(program, rewind=False)
    while timeline.next_step < steps:
        timeline.step()
    return timeline, program


def totals(timeline: Timeline, program: ops.Program) -> tuple[int, int, int, int]:
    p = heap_profile(timeline.runtime, program)
    return (p.total("alloc_objects"), p.total("alloc_space"), p.total("inuse_objects"), p.total("inuse_space"))


def test_nothing_is_published_before_a_gc_completes():
    timeline, program = play(THREE_ALLOCATIONS, 3)
    profile = heap_profile(timeline.runtime, program)
    assert profile.as_of_gc == 0 and profile.samples == ()


def test_runtime_gc_publishes_its_own_cycle_with_whole_slots():
    timeline, program = play(THREE_ALLOCATIONS, 4)
    profile = heap_profile(timeline.runtime, program)
    assert profile.as_of_gc == 1
    assert totals(timeline, program) == (3, A + B + C, 3, A + B + C)
    by_line = {s.site.line: (s.object_bytes, s.alloc_objects, s.inuse_space) for s in profile.samples}
    assert by_line == {6: (A, 1, A), 7: (B, 1, B), 8: (C, 1, C)}
    assert {s.site.function for s in profile.samples} == {"main.main"}
    assert profile.samples[0].site.code == "a := new([100]byte)"


def test_a_dropped_slice_leaves_inuse_but_stays_in_alloc():
    timeline, program = play(THREE_ALLOCATIONS, 6)
    assert totals(timeline, program) == (3, A + B + C, 2, A + C)
    rows = top_lines(heap_profile(timeline.runtime, program), "inuse_space")
    assert [(r.site.line, r.flat) for r in rows] == [(8, C), (6, A)]
    rows = top_lines(heap_profile(timeline.runtime, program), "alloc_space")
    assert [(r.site.line, r.flat) for r in rows] == [(8, C), (7, B), (6, A)]
    assert rows[0].share == pytest.approx(C / (A + B + C))


def test_after_runtime_gc_the_totals_are_the_heaps_own_figures():
    """inuse_space is the bytes the GC marked, alloc_space is TotalAlloc (no start-up
    objects: this program allocates only its three)."""
    timeline, program = play(THREE_ALLOCATIONS, 6)
    heap = timeline.runtime.heap
    _, alloc_space, _, inuse_space = totals(timeline, program)
    assert inuse_space == heap.marked_bytes() == heap.live_bytes()
    assert alloc_space == heap.total_alloc_bytes()


def _book_program() -> ops.Program:
    source = "package main\n\nfunc main() {\n\ta := new([100]byte)\n\tb := make([]int, 1000)\n}\n"
    # The ops are not run (the test allocates through the heap): only the lines count.
    steps = (ops.Step(0, 4, "new", ops.Drop("a")), ops.Step(1, 5, "make_slice", ops.Drop("b")))
    return ops.Program(ops.RuntimeSettings(), steps, source=source)


def _cycle(rt: Runtime, keep: list[int]) -> None:
    """One GC cycle by hand: mark only `keep`, mark termination, then the whole sweep."""
    heap = rt.heap
    heap.begin_mark()
    heap.mark(np.array(keep, dtype=np.int64))
    heap.end_mark()
    heap.sweep_all()


def test_a_heap_triggered_gc_publishes_the_cycle_before_it():
    """mProf_Malloc counts in cycle C+2, mProf_Free in C+1, each mark termination
    publishes the cycle it ends, runtime.GC()'s sweep (mProf_PostSweep) also the next."""
    rt = Runtime(ops.RuntimeSettings())
    program = _book_program()
    heap = rt.heap
    rt.mutator.enter_site((0,))
    a = heap.alloc(100, True)  # 112-B slot, allocated in cycle 0
    _cycle(rt, [a])  # C = 1: publishes cycle 1 (nothing: a counts in cycle 2)
    assert heap_profile(rt, program).samples == ()
    rt.mutator.enter_site((1,))
    b = heap.alloc(8000, True)  # 8192-B slot, cycle 1
    _cycle(rt, [b])  # C = 2: a's malloc is published; its free (swept now) counts in cycle 3
    p = heap_profile(rt, program)
    assert p.as_of_gc == 1
    assert [(s.site.line, s.alloc_space, s.inuse_space) for s in p.samples] == [(4, 112, 112)]
    _cycle(rt, [])  # C = 3: a's free and b's malloc published, b's free not yet
    p = heap_profile(rt, program)
    assert [(s.site.line, s.alloc_space, s.inuse_space) for s in p.samples] == [(4, 112, 0), (5, 8192, 8192)]
    heap.profile.post_sweep(heap.objects)  # as runtime.GC() does once its sweep is done
    p = heap_profile(rt, program)
    assert p.as_of_gc == 3
    assert [(s.site.line, s.alloc_space, s.inuse_space) for s in p.samples] == [(4, 112, 0), (5, 8192, 0)]
    assert b != a


def test_a_tiny_block_is_profiled_once_at_the_allocation_that_opened_it():
    """mallocgcTiny profiles only a new 16-byte block: 64 three-byte objects take 13 blocks
    (oracle: 64 × new([3]byte) → 13 blocks), so 13 allocations of 16 B."""
    rt = Runtime(ops.RuntimeSettings())
    rt.mutator.enter_site((0,))
    ids = rt.heap.alloc_many(64, 3, True)
    profiled = rt.heap.objects.obj_profiled[ids]
    assert int(np.count_nonzero(profiled)) == 13
    assert set(profiled[profiled > 0].tolist()) == {16}
    assert rt.heap.objects.obj_profiled[ids[0]] == 16


def test_one_by_one_tiny_allocations_are_profiled_as_the_batch_is():
    rt = Runtime(ops.RuntimeSettings())
    ids = [rt.heap.alloc(3, True) for _ in range(64)]
    profiled = rt.heap.objects.obj_profiled[ids]
    assert int(np.count_nonzero(profiled)) == 13 and int(profiled.sum()) == 13 * 16


def test_loop_body_steps_are_sited_at_their_own_lines():
    program = load_program("13-pprof-heap")
    timeline = Timeline(program, rewind=False)
    timeline.end()
    profile = heap_profile(timeline.runtime, program)
    lines = {(s.site.line, s.site.function) for s in profile.samples}
    assert lines == {(18, "main.handle"), (20, "main.handle"), (22, "main.handle")}


def test_the_bundled_pprof_scenario_profiles_as_real_go_did():
    """tests/oracle/pprof_heap.json: real go1.27.3 ran the scenario's program with
    MemProfileRate = 1; every bucket (line, size) of the simulator's profile is real Go's,
    and the only real ones it lacks are the runtime's two small objects at line 18."""
    program = load_program("13-pprof-heap")
    timeline = Timeline(program, rewind=False)
    timeline.end()
    real = {(c["line"], c["function"], c["bytes"]): (c["alloc_objects"], c["alloc_space"], c["inuse_objects"],
                                                     c["inuse_space"]) for c in oracle_cases("pprof_heap")}
    simulated = {(s.site.line, s.site.function, s.object_bytes): (s.alloc_objects, s.alloc_space, s.inuse_objects,
                                                                 s.inuse_space)
                 for s in heap_profile(timeline.runtime, program).samples}
    assert {k: real[k] for k in simulated} == simulated
    assert set(real) - set(simulated) == {(18, "main.handle", 16), (18, "main.handle", 112)}


@pytest.mark.parametrize(("line", "name"), [
    (4, "main.main"),
    (5, "main.main"),  # the closing brace is still the function's
    (7, "main.init"),  # a package-level declaration
    (10, "main.(*Server).handle"),
    (13, "main.Cache.get"),
    (16, "main.(*List).push"),
])
def test_function_names_are_gos_symbol_names(line: int, name: str):
    source = (
        "package main\n\nfunc main() {\n\tx := 1\n}\n\nvar table = make([]int, 10)\n\n"
        "func (s *Server) handle(id int) {\n\tbuf := make([]byte, 10)\n}\n\nfunc (c Cache) get() { return }\n\n"
        "func (l *List[T]) push(v T) {\n\tl.items = append(l.items, v)\n}\n"
    ).splitlines()
    assert function_at(source, line) == name


def test_a_scenario_without_source_allocates_in_main_main():
    assert function_at((), 12) == "main.main"


def test_the_profile_follows_a_rewind():
    program = load_program("13-pprof-heap")
    timeline = Timeline(program)
    timeline.end()
    at_end = heap_profile(timeline.runtime, program)
    timeline.goto_step(2)
    mid = heap_profile(timeline.runtime, program)
    assert mid.as_of_gc < at_end.as_of_gc
    timeline.end()
    assert heap_profile(timeline.runtime, program) == at_end


def test_unknown_sample_type_is_refused():
    timeline, program = play(THREE_ALLOCATIONS, 4)
    with pytest.raises(ValueError):
        top_lines(heap_profile(timeline.runtime, program), "cpu")

