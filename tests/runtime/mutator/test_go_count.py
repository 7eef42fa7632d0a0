"""`go` with `count` and `body`: each goroutine its own g, stack and locals; pausable."""

from __future__ import annotations

import re

from gomemtui.runtime import program as ops
from gomemtui.runtime.core import Runtime
from gomemtui.runtime.enums import GCPhase
from gomemtui.runtime.mutator.go_count import instance_op
from gomemtui.runtime.timeline import Timeline
from gomemtui.runtime.types import parse_type

BYTE = parse_type("byte")
SLICE = parse_type("[]byte")
G_BYTES, SUDOG_BYTES, HCHAN_BYTES = 480, 112, 112
"""go1.27.3's runtime.g, sudog and hchan (tests/realgo/test_goroutine_memory.py, test_channels.py)."""


def _leak(count: int, length: int = 4096) -> ops.Go:
    return ops.Go("worker", count=count, body=(
        ops.MakeSlice("buf@worker", BYTE, length, length, g="worker"),
        ops.Send("ch", "buf@worker", g="worker"),
    ))


def test_instance_op_names_the_goroutine_and_its_own_locals():
    op = ops.Send("ch", "buf@worker", g="worker")
    assert instance_op(op, "worker", "worker#17") == ops.Send("ch", "buf@worker#17", g="worker#17")
    loop = ops.Loop((ops.New("p@worker", BYTE, g="worker"),), 3, g="worker")
    assert instance_op(loop, "worker", "worker#2") == ops.Loop((ops.New("p@worker#2", BYTE, g="worker#2"),), 3,
                                                              g="worker#2")


def test_each_goroutine_parks_with_its_own_buffer():
    rt = Runtime(ops.RuntimeSettings(gomaxprocs=1), goroutines=("main", "worker"))
    rt.apply(ops.MakeChan("ch", SLICE, 0))
    rt.gc()
    before = rt.heap.stats().heap_alloc
    rt.apply(_leak(20))
    names = [f"worker#{i}" for i in range(20)]
    assert [rt.state.goroutines[n].state for n in names] == ["blocked"] * 20
    assert [rt.state.vars[f"buf@{n}"].owner for n in names] == names
    # 20 buffers of 4 KiB, 20 g and 20 sudogs; allgs (8 start-up gs) grows to cap 16
    # (128 B) then cap 32 (256 B): growslice of 8-byte pointers
    assert rt.heap.stats().heap_alloc - before == 20 * (4096 + G_BYTES + SUDOG_BYTES) + 128 + 256
    assert rt.state.runtime_objects.allgs_len == 8 + 20


def test_a_body_that_does_not_park_returns_and_its_locals_die():
    rt = Runtime(ops.RuntimeSettings(), goroutines=("main", "w"))
    rt.apply(ops.Go("w", count=3, body=(ops.New("p@w", BYTE, g="w"),)))
    assert [rt.state.goroutines[f"w#{i}"].state for i in range(3)] == ["dead"] * 3
    assert not [v for v in rt.state.vars if v.startswith("p@")]
    # each goroutine returns before the next starts, which reuses its g (gfget): one g in all
    assert len(rt.state.runtime_objects.free_gs) == 1 and not rt.state.runtime_objects.gs


def test_a_goroutine_parked_at_its_bodys_end_returns_once_woken():
    rt = Runtime(ops.RuntimeSettings(), goroutines=("main", "worker"))
    rt.apply(ops.MakeChan("ch", SLICE, 0))
    rt.apply(_leak(2))
    rt.apply(ops.Recv("ch", "got"))
    assert rt.state.goroutines["worker#0"].state == "dead"  # its send completed: it returned
    assert "buf@worker#0" not in rt.state.vars
    assert rt.state.goroutines["worker#1"].state == "blocked"
    rt.apply(ops.Recv("ch", "got"))
    assert rt.state.goroutines["worker#1"].state == "dead"


def _program(count: int) -> ops.Program:
    return ops.Program(ops.RuntimeSettings(), (
        ops.Step(0, 1, "make_chan", ops.MakeChan("ch", SLICE, 0)),
        ops.Step(1, 2, "go", _leak(count, 65536)),
        ops.Step(2, 3, "gc", ops.GC()),
    ), goroutines=("main", "worker"))


def test_a_go_count_step_pauses_where_the_gc_phase_changes_and_resumes_exactly():
    prog = _program(300)  # 300 × 64 KiB: cycles start inside the step
    straight = Timeline(prog)
    digests = []
    while not straight.at_end:
        straight.step()
        digests.append(straight.runtime.digest())
    walked = Timeline(prog)
    walked.step()
    walked.next_phase()
    assert walked.runtime.phase is GCPhase.MARK
    assert re.fullmatch(r"inside step 2, goroutine [\d,]+ of 300 started", walked.where), walked.where
    stops = []
    while True:
        before = walked.position
        walked.next_phase()
        if walked.position == before:
            break
        stops.append((walked.position, walked.runtime.digest(), walked.where))
    for index, digest in enumerate(digests):
        walked.goto_step(index)
        assert walked.runtime.digest() == digest, f"after step {index + 1}"
    for position, digest, where in reversed(stops):  # rewinding into the paused step is exact
        walked.goto_position(position)
        assert (walked.runtime.digest(), walked.where) == (digest, where)
