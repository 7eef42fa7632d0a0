"""Tri-color marking: what ends up marked, the tri-color invariant, Green Tea units."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gomemtui.runtime.gc.marking import RootJob, build_mark_state, one_unit


def _state(n, edges, roots, small=None, spans=None, work=None):
    src = np.array([a for a, _ in edges], dtype=np.int64)
    dst = np.array([b for _, b in edges], dtype=np.int64)
    jobs = [RootJob(label, 100, np.array(oids, dtype=np.int64)) for label, oids in roots]
    return build_mark_state(
        n,
        src,
        dst,
        jobs,
        np.full(n, 32, dtype=np.int64) if work is None else np.asarray(work, dtype=np.int64),
        np.zeros(n, dtype=np.int64) if spans is None else np.asarray(spans, dtype=np.int64),
        np.zeros(n, dtype=bool) if small is None else np.asarray(small, dtype=bool),
    )


def _reachable(n, edges, roots):
    seen = set()
    stack = [o for _, oids in roots for o in oids]
    while stack:
        o = stack.pop()
        if o in seen:
            continue
        seen.add(o)
        stack.extend(b for a, b in edges if a == o)
    return seen


def test_unreachable_objects_are_not_in_the_mark_order():
    # 0 -> 1 -> 2 from a stack root; 3 -> 4 is garbage.
    state = _state(5, [(0, 1), (1, 2), (3, 4)], [("stack of main", [0])])
    assert sorted(state.order.tolist()) == [0, 1, 2]
    assert state.pos[3] == -1 and state.pos[4] == -1


def test_roots_must_be_scanned_before_anything_is_grey():
    state = _state(3, [(0, 1), (1, 2)], [("globals", [0])])
    assert len(state.grey_positions()) == 0
    assert not state.complete()
    state.do_root_job()
    assert state.order[state.grey_positions()].tolist() == [0]


def test_drain_everything_marks_exactly_the_reachable_set():
    edges = [(0, 1), (1, 2), (2, 0), (5, 6), (6, 7)]
    state = _state(8, edges, [("globals", [0]), ("stack of g", [5])])
    state.finish()
    assert state.complete()
    marked = set(state.order[state.marked_positions()].tolist())
    assert marked == {0, 1, 2, 5, 6, 7}


def test_a_linked_list_is_marked_one_node_after_another():
    n = 50
    state = _state(n, [(i, i + 1) for i in range(n - 1)], [("stack of main", [0])])
    state.do_root_job()
    for expected_grey in range(n):
        assert state.order[state.grey_positions()].tolist() == [expected_grey]
        unit = one_unit(state, green_tea=False, name=str)
        assert unit is not None and unit.scanned == 1
    assert state.complete()


def test_green_tea_scans_a_whole_span_in_one_unit():
    # Root 0 points to 1..4; 1..3 share span 7 (small objects), 4 is big (own path).
    small = [False, True, True, True, False]
    spans = [0, 7, 7, 7, 9]
    state = _state(5, [(0, 1), (0, 2), (0, 3), (0, 4)], [("stack of main", [0])], small, spans)
    state.do_root_job()
    one_unit(state, green_tea=True, name=str)  # scans the root object 0
    unit = one_unit(state, green_tea=True, name=str)
    assert unit.scanned == 3 and "span 7" in unit.text
    unit = one_unit(state, green_tea=True, name=str)
    assert unit.scanned == 1 and "object 4" in unit.text
    assert state.complete()


def test_classic_marking_scans_those_objects_one_by_one():
    small = [False, True, True, True, False]
    spans = [0, 7, 7, 7, 9]
    state = _state(5, [(0, 1), (0, 2), (0, 3), (0, 4)], [("stack of main", [0])], small, spans)
    units = 0
    while one_unit(state, green_tea=False, name=str) is not None:
        units += 1
    assert units == 1 + 5  # the root job, then five objects


def test_write_barrier_shading_greys_a_white_object_early():
    state = _state(4, [(0, 1), (1, 2), (2, 3)], [("stack of main", [0])])
    state.do_root_job()
    shaded = state.shade_objects(np.array([3]))
    assert shaded.tolist() == [3]
    grey = set(state.order[state.grey_positions()].tolist())
    assert grey == {0, 3}
    # Shading an already grey object does nothing.
    assert state.shade_objects(np.array([3])).tolist() == []


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 40),
    data=st.data(),
)
def test_tri_color_invariant_holds_at_every_unit(n, data):
    """No black object ever points to a white one, and the end state marks the reachable set."""
    edges = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=80))
    roots = data.draw(st.lists(st.integers(0, n - 1), max_size=5))
    small = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    spans = data.draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))
    green_tea = data.draw(st.booleans())
    state = _state(n, edges, [("stack of main", roots)], small, spans)
    plan = data.draw(st.lists(st.sampled_from(["unit", "drain", "shade"]), max_size=30))
    for move in plan:
        if move == "unit":
            one_unit(state, green_tea, str)
        elif move == "drain":
            state.drain(data.draw(st.integers(1, 200)))
        else:
            state.shade_objects(np.array(data.draw(st.lists(st.integers(0, n - 1), max_size=3)), dtype=np.int64))
        discovered = state.discovered_mask()
        black = set(state.order[state.scanned].tolist())
        marked = set(state.order[discovered].tolist())
        assert black <= marked
        for a, b in edges:
            if a in black:
                assert b in marked, f"black {a} points to white {b}"
    state.finish()
    assert state.complete()
    assert set(state.order[state.marked_positions()].tolist()) == _reachable(n, edges, [("r", roots)])


def test_a_green_tea_span_scanned_before_another_finder_greys_what_it_points_to():
    # 0 is first reached from 10 (not small: scanned one object at a time), but 21 shares
    # a span with 9 and is scanned in 9's batch first: scanning 21 must grey 0 all the same
    small = [False] * 24
    small[9] = small[21] = True
    state = _state(24, [(10, 0), (21, 0)], [("stack of main", [9, 10, 21])], small, [0] * 24)
    one_unit(state, green_tea=True, name=str)  # the root job
    one_unit(state, green_tea=True, name=str)  # span 0: 9 and 21 together
    black = set(state.order[state.scanned].tolist())
    assert black == {9, 21}
    assert 0 in set(state.order[state.discovered_mask()].tolist())
