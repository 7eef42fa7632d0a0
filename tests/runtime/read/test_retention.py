"""The dominator tree behind retained bytes, on graphs small enough to work out by hand."""

from __future__ import annotations

import numpy as np

from gomemtui.runtime import program as ops
from gomemtui.runtime.read.retention import UNREACHED, dominators, retention, subtree_sums
from gomemtui.runtime.timeline import Timeline
from gomemtui.runtime.types import GoType


def test_a_diamond_is_dominated_by_its_top_and_a_tail_by_the_join() -> None:
    # 0 → 1 → 3 → 4, 0 → 2 → 3; 5 → 4 but nothing reaches 5
    src = np.array([0, 0, 1, 2, 3, 5])
    dst = np.array([1, 2, 3, 3, 4, 4])
    idom, order, levels = dominators(src, dst, 6, 0)
    assert idom.tolist() == [0, 0, 0, 0, 3, UNREACHED]
    assert sorted(order.tolist()) == [0, 1, 2, 3, 4]
    totals = subtree_sums(idom, order, np.array([0, 1, 2, 4, 8, 16]), levels)
    # 3 keeps 4 alive alone (4 + 8); neither 1 nor 2 keeps 3: each retains only itself
    assert totals.tolist() == [15, 1, 2, 12, 8, 0]


def test_a_heap_of_garbage_does_not_change_what_the_live_graph_retains() -> None:
    """Two 1 KiB-element arrays shared by two slices, among 50,000 dead objects."""
    node = GoType("Node", 16, True, ("next",))
    steps = [
        ops.Step(0, 1, "new", ops.Repeat(ops.New("junk", node), 50_000)),
        ops.Step(1, 2, "make_slice", ops.MakeSlice("a", GoType("int", 8, False), 128, 128)),
        ops.Step(2, 3, "reslice", ops.Reslice("b", "a", 0, 64)),
        ops.Step(3, 4, "make_slice", ops.MakeSlice("c", GoType("int", 8, False), 128, 128)),
        ops.Step(4, 5, "gc", ops.GC()),
    ]
    timeline = Timeline(ops.Program(ops.RuntimeSettings(), tuple(steps)))
    while not timeline.at_end:
        timeline.step()
    figures = retention(timeline.runtime)
    # a and b share one 1024-byte array: dropping either alone frees nothing; c alone holds its own
    assert (figures.by_var["a"], figures.by_var["b"], figures.by_var["c"]) == (0, 0, 1024)
    assert figures.by_var["junk"] == 16
    assert len(figures.by_object) == timeline.runtime.heap.n_objects
