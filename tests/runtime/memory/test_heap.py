"""The simulated heap: allocation, tiny blocks, spans, sweeping, stats and views."""

from __future__ import annotations

import copy
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gomemtui.runtime.memory.heap import Heap
from gomemtui.runtime.memory.sizeclasses import size_to_class
from gomemtui.runtime.memory.spans import SPAN_IN_USE
from gomemtui.runtime.read.views import GridMode, MarkColor
from gomemtui.runtime.read import heap_map
from tests.oracle_data import oracle_cases

_ROUNDUP = [c for c in oracle_cases("sizeclass_roundup") if "requested_bytes" in c]
_TINY = [c for c in oracle_cases("sizeclass_roundup") if "sixteen_byte_blocks_used" in c]
_SPANS = [c for c in oracle_cases("sizeclass_roundup") if "objects_per_span_observed" in c]


def full_gc(h: Heap, keep: np.ndarray) -> None:
    """begin_mark, mark `keep`, end_mark, sweep everything."""
    h.begin_mark()
    h.mark(keep)
    h.end_mark()
    h.sweep_all()


def check_invariants(h: Heap) -> None:
    """Structural invariants that must hold after every operation."""
    sp = h.spans
    n = h.n_objects
    live = np.flatnonzero(h.obj_live[:n])
    sids = h.obj_span[live]
    assert (sp.span_state[sids] == SPAN_IN_USE).all()
    g = sp.span_slot_base[sids] + h.obj_slot[live]
    assert sp.slot_alloc[g].all(), "a live object sits in a free slot"
    assert (sp.slot_span[g] == sids).all()
    # Every allocated slot's object list (a chain for tiny blocks) is exactly the live
    # objects placed in it: no slot is shared by objects of different allocations.
    owners = sp.slot_obj[g]
    assert (owners >= 0).all()
    alloc_slots = np.flatnonzero(sp.slot_alloc[: sp.n_slots])
    assert (sp.slot_obj[alloc_slots] >= 0).all()
    free_slots = np.flatnonzero(~sp.slot_alloc[: sp.n_slots])
    assert (sp.slot_obj[free_slots] == -1).all()
    chain_len = {}
    for s in alloc_slots.tolist():
        cur, k = int(sp.slot_obj[s]), 0
        while cur >= 0:
            assert h.obj_live[cur]
            k += 1
            cur = int(h.obj_next[cur])
        chain_len[s] = k
    counts = np.bincount(g, minlength=sp.n_slots)
    for s in alloc_slots.tolist():
        assert counts[s] == chain_len[s]
    # Per-span counters agree with the slot bits.
    ns = sp.n_spans
    inuse = np.flatnonzero(sp.span_state[:ns] == SPAN_IN_USE)
    for sid in inuse.tolist():
        base, ne = sp.slot_range(sid)
        assert sp.span_nalloc[sid] == np.count_nonzero(sp.slot_alloc[base : base + ne])
        assert sp.span_nmarked[sid] == np.count_nonzero(sp.slot_marked[base : base + ne])
        start, npg = int(sp.span_start_page[sid]), int(sp.span_npages[sid])
        assert (h.pages.page_span[start : start + npg] == sid).all()
    stats = h.stats()
    slot_bytes = int((sp.span_nalloc[inuse].astype(np.int64) * sp.span_elem_size[inuse]).sum())
    assert stats.heap_alloc == slot_bytes == int(h.object_bytes_array(live).sum())
    assert stats.heap_objects == int(sp.span_nalloc[inuse].sum())
    assert stats.heap_inuse == int(sp.span_npages[inuse].sum()) * 8192
    assert stats.heap_sys == stats.heap_inuse + stats.heap_idle
    assert stats.heap_idle == int(np.count_nonzero(h.page_span < 0)) * 8192
    assert stats.unswept_spans == int(np.count_nonzero(~sp.span_swept[inuse]))


# -- allocation and size classes --------------------------------------------------------


def test_oracle_single_allocation_total_alloc_and_mallocs() -> None:
    """Every request size of sizeclass_roundup.json: TotalAlloc and Mallocs deltas of one
    allocation right after an mcache flush (ReadMemStats), as real Go measured them."""
    assert _ROUNDUP, "the oracle file holds these cases"
    h = Heap()
    wrong = []
    for case in _ROUNDUP:
        h.flush_mcache()
        before = h.stats()
        h.alloc(case["requested_bytes"], case["kind"] == "noscan")
        after = h.stats()
        got = (after.total_alloc - before.total_alloc, after.mallocs - before.mallocs)
        want = (case["total_alloc_delta"], case["mallocs_delta"])
        if got != want:
            wrong.append((case["kind"], case["requested_bytes"], got, want))
    assert not wrong, wrong[:10]


@pytest.mark.parametrize("case", _TINY, ids=lambda c: f"new([{c['object_size']}]byte)x{c['count']}")
@pytest.mark.parametrize("batched", [False, True])
def test_oracle_tiny_block_packing(case: dict, batched: bool) -> None:
    h = Heap()
    if batched:
        h.alloc_many(case["count"], case["object_size"], True)
    else:
        for _ in range(case["count"]):
            h.alloc(case["object_size"], True)
    s = h.stats()
    assert s.total_alloc == case["total_alloc_delta"]
    assert s.mallocs == case["mallocs_delta"]
    assert s.heap_alloc // 16 == case["sixteen_byte_blocks_used"]
    check_invariants(h)


@pytest.mark.parametrize("case", _SPANS, ids=lambda c: f"{c['kind']}-{c['class_size']}")
def test_oracle_objects_per_span(case: dict) -> None:
    h = Heap()
    ids = h.alloc_many(case["objects_allocated"], case["request_bytes"], case["kind"] == "noscan")
    per_span = np.bincount(h.obj_span[ids])
    assert per_span.max() == case["objects_per_span_observed"]
    assert h.span_elem_size[h.obj_span[ids[0]]] == case["class_size"]


def test_nogreentea_spans_hold_the_table_count() -> None:
    h = Heap(green_tea=False)
    ids = h.alloc_many(2000, 16, True)
    assert np.bincount(h.obj_span[ids]).max() == 512


def test_pointerful_object_over_512_bytes_takes_header_class() -> None:
    h = Heap()
    oid = h.alloc(520, False)
    assert h.object_size_class(oid) == size_to_class(576)
    assert h.object_bytes(oid) == 576
    assert h.scan_bytes(oid) == 520
    assert h.scan_bytes(h.alloc(520, True)) == 0


def test_noscan_and_scan_objects_never_share_a_span() -> None:
    h = Heap()
    a, b = h.alloc(64, True), h.alloc(64, False)
    assert h.span_of(a) != h.span_of(b)
    assert h.span_noscan[h.span_of(a)] and not h.span_noscan[h.span_of(b)]


def test_large_objects_get_their_own_page_rounded_span() -> None:
    h = Heap()
    a = h.alloc(32761, True)  # mallocgc: > 32760 is large, 4 pages
    b = h.alloc(100_000, False)
    assert h.object_size_class(a) == 0 and h.object_bytes(a) == 32768
    assert h.span_npages[h.span_of(b)] == 13 and h.object_bytes(b) == 13 * 8192
    assert h.span_of(a) != h.span_of(b)
    assert h.stats().heap_alloc == 32768 + 13 * 8192
    check_invariants(h)


def test_objects_fill_the_lowest_free_slots_in_order() -> None:
    h = Heap()
    ids = h.alloc_many(10, 48, True)
    assert h.obj_slot[ids].tolist() == list(range(10))
    assert len(set(h.obj_span[ids].tolist())) == 1


def test_alloc_many_equals_repeated_alloc() -> None:
    sizes = [(3, 5, True), (700, 520, False), (40, 8, True), (3, 40000, True), (1200, 16, True), (9, 13, True)]
    a, b = Heap(), Heap()
    for count, size, noscan in sizes:
        ids = a.alloc_many(count, size, noscan)
        ids2 = [b.alloc(size, noscan) for _ in range(count)]
        assert ids.tolist() == ids2
    n = a.n_objects
    for name in ("obj_size", "obj_span", "obj_slot", "obj_live", "obj_next"):
        assert (getattr(a, name)[:n] == getattr(b, name)[:n]).all(), name
    assert a.stats() == b.stats()


def test_heap_grows_in_4_mib_chunks_and_new_pages_count_as_released() -> None:
    h = Heap()
    h.alloc(8, True)
    s = h.stats()
    assert s.heap_sys == 4 << 20
    assert s.heap_inuse == 8192
    assert s.heap_released == s.heap_idle == (4 << 20) - 8192
    h.alloc(5 << 20, True)  # 640 pages: grows by alignUp(640, 512) pages
    assert h.stats().heap_sys == (4 << 20) + (8 << 20)


def test_size_zero_is_not_a_heap_object() -> None:
    with pytest.raises(ValueError):
        Heap().alloc(0, True)


# -- tiny allocator ------------------------------------------------------------------


def test_tiny_objects_share_a_block_with_alignment() -> None:
    h = Heap()
    a = h.alloc(1, True)
    b = h.alloc(4, True)  # aligned to 4: offset 4
    c = h.alloc(8, True)  # aligned to 8: offset 8, fills the block
    d = h.alloc(1, True)  # does not fit: new block
    assert h.span_of(a) == h.span_of(b) == h.span_of(c)
    assert h.obj_slot[a] == h.obj_slot[b] == h.obj_slot[c] != h.obj_slot[d]
    assert h.tiny_block_objects(b).tolist() == [a, b, c]
    assert [h.object_bytes(x) for x in (a, b, c, d)] == [16, 0, 0, 16]
    s = h.stats()
    assert (s.mallocs, s.heap_objects, s.heap_alloc, s.total_alloc) == (4, 2, 32, 32)


def test_new_tiny_block_replaces_current_only_with_more_room() -> None:
    h = Heap()
    h.alloc(6, True)  # block A, offset 6
    h.alloc(12, True)  # doesn't fit A (6->8+12): block B offset 12; 12 < 6? no: A stays
    x = h.alloc(2, True)  # goes into A at offset 6
    assert h.obj_slot[x] == h.obj_slot[0]
    h2 = Heap()
    h2.alloc(14, True)  # block A offset 14
    h2.alloc(3, True)  # doesn't fit; new block B (3 < 14): B becomes current
    y = h2.alloc(3, True)
    assert h2.obj_slot[y] == h2.obj_slot[1] != h2.obj_slot[0]


def test_tiny_block_is_freed_only_when_no_sub_object_is_marked() -> None:
    h = Heap()
    ids = h.alloc_many(32, 1, True)  # two full blocks of 16
    h.alloc(16, True)  # unrelated (a 16-B object is not tiny)
    cur = h.alloc(1, True)  # a third block, the current one at mark start
    full_gc(h, ids[[3]])  # one sub-object of the first block reachable
    assert h.obj_live[ids[:16]].all()  # the whole first block survives
    assert not h.obj_live[ids[16:]].any()
    assert h.obj_live[cur]  # kept by gcMarkTinyAllocs although unmarked
    assert h.stats().heap_alloc == 32  # two blocks; the 16-B object was unmarked
    check_invariants(h)


def test_current_tiny_block_survives_the_cycle_it_was_current_in() -> None:
    h = Heap()
    ids = h.alloc_many(3, 2, True)  # current block, offset 6
    h.begin_mark()  # gcMarkTinyAllocs greys it
    h.end_mark()
    h.sweep_all()
    assert h.obj_live[ids].all()
    full_gc(h, np.array([], dtype=np.int64))  # no longer current (mcache flushed)
    assert not h.obj_live[ids].any()
    assert h.stats().heap_alloc == 0


# -- sweeping ------------------------------------------------------------------------


def test_garbage_stays_allocated_until_its_span_is_swept() -> None:
    h = Heap()
    ids = h.alloc_many(3 * 168, 48, True)  # three full 48-B spans
    keep = ids[::2]
    h.flush_mcache()  # as if ReadMemStats ran: no span cached at mark termination
    h.begin_mark()
    h.mark(keep)
    h.end_mark()  # all three spans unswept
    assert h.unswept_span_count() == 3 and not h.is_swept
    before = h.stats().heap_alloc
    assert before == 3 * 168 * 48
    freed = h.sweep(1)
    assert freed == (1, 84, 84 * 48)
    assert h.stats().heap_alloc == before - 84 * 48
    h.sweep_all()
    assert h.is_swept and h.stats().heap_alloc == len(keep) * 48
    assert h.obj_live[keep].all() and not h.obj_live[ids[1::2]].any()
    check_invariants(h)


def test_allocation_sweeps_its_class_before_growing() -> None:
    h = Heap()
    ids = h.alloc_many(2 * 168, 48, True)
    pages = h.stats().heap_sys
    h.begin_mark()
    h.mark(ids[:168])  # first span all live, second all garbage
    h.end_mark()  # second span (cached) swept at once: freed to the page heap
    assert h.unswept_span_count() == 1
    new = h.alloc(48, True)
    # cacheSpan found no partial swept span and swept the full unswept one: still full,
    # so it grew a new span, reusing the pages of the freed one (first fit).
    assert h.unswept_span_count() == 0
    assert h.span_start_page[h.span_of(new)] == h.span_start_page[h.span_of(ids[200])]
    assert h.stats().heap_sys == pages
    check_invariants(h)


def test_freed_slots_are_reused_after_sweep() -> None:
    h = Heap()
    ids = h.alloc_many(168 + 10, 48, True)
    h.begin_mark()
    h.mark(ids[1:168])
    h.end_mark()
    new = h.alloc(48, True)  # partial unswept span swept by cacheSpan; slot 0 reused
    assert h.span_of(new) == h.span_of(ids[0]) and h.obj_slot[new] == 0
    assert not h.obj_live[ids[0]]
    check_invariants(h)


def test_large_allocation_reclaims_unmarked_spans_first() -> None:
    h = Heap()
    big = h.alloc_many(10, 100_000, True)
    sys_before = h.stats().heap_sys
    h.begin_mark()
    h.end_mark()
    assert h.unswept_span_count() == 10
    x = h.alloc(100_000, True)
    assert h.unswept_span_count() == 0  # the whole 512-page chunk was reclaimed
    assert h.span_start_page[h.span_of(x)] == 0 and h.stats().heap_sys == sys_before
    assert not h.obj_live[big].any()
    check_invariants(h)


def test_marked_objects_are_never_freed() -> None:
    h = Heap()
    ids = np.concatenate([h.alloc_many(500, s, ns) for s, ns in [(3, True), (24, False), (600, False), (40000, True)]])
    keep = ids[::3]
    full_gc(h, keep)
    assert h.obj_live[keep].all()
    check_invariants(h)


def test_background_sweep_order_is_by_span_class_full_first() -> None:
    h = Heap()
    small = h.alloc_many(2 * 168, 48, True)  # class 5 noscan: spc 11
    large = h.alloc(50_000, True)  # class 0 noscan: spc 1
    h.flush_mcache()
    h.begin_mark()
    h.end_mark()
    s_large = h.span_of(large)
    h.sweep(1)
    assert h.span_state[s_large] == 0  # large span (spc 1) swept and freed first
    assert h.unswept_span_count() == 2
    assert h.obj_live[small].all()


def test_black_allocation_survives_the_cycle() -> None:
    h = Heap()
    h.begin_mark()
    a = h.alloc(64, False, black=True)
    b = h.alloc(64, False)
    h.end_mark()
    h.sweep_all()
    assert h.obj_live[a] and not h.obj_live[b]


def test_begin_mark_finishes_leftover_sweeping() -> None:
    h = Heap()
    h.alloc_many(3 * 168, 48, True)
    h.flush_mcache()
    h.begin_mark()
    h.end_mark()
    assert h.unswept_span_count() == 3
    spans, objs, nbytes = h.begin_mark()
    assert (spans, objs, nbytes) == (3, 3 * 168, 3 * 168 * 48)
    assert h.is_swept


# -- property tests --------------------------------------------------------------------

_alloc_op = st.tuples(
    st.just("alloc"),
    st.integers(1, 40),
    st.sampled_from([1, 2, 3, 5, 8, 12, 15, 16, 24, 48, 100, 512, 513, 1024, 5000, 32760, 32761, 70000]),
    st.booleans(),
)
_gc_op = st.tuples(st.just("gc"), st.integers(0, 2**32 - 1), st.integers(0, 3), st.booleans())
_sweep_op = st.tuples(st.just("sweep"), st.integers(1, 5), st.just(0), st.just(False))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_alloc_op, _alloc_op, _gc_op, _sweep_op), min_size=1, max_size=30))
def test_heap_invariants_hold_under_random_programs(ops: list) -> None:
    """Bytes conserved, no slot both free and allocated, slots reused only after sweep,
    marked objects never freed — after every operation of a random program."""
    h = Heap()
    charged: dict[int, int] = {}
    marked: set[int] = set()
    for op, a, b, c in ops:
        if op == "alloc":
            ids = h.alloc_many(a, b, c)
            charged.update(zip(ids.tolist(), h.object_bytes_array(ids).tolist()))
        elif op == "gc":
            h.begin_mark()
            live = h.live_object_ids()
            rng = np.random.default_rng(a)  # test data only; the heap itself has no randomness
            keep = live[rng.random(live.size) < b / 3]
            h.mark(keep)
            marked = set(keep.tolist())
            h.end_mark()
            if c:
                h.sweep_all()
        else:
            h.sweep(a)
        # Marked objects stay allocated (until the next begin_mark).
        assert all(h.obj_live[o] for o in marked)
        check_invariants(h)
        # Allocated minus freed equals in use, object by object.
        s = h.stats()
        dead = [o for o in charged if not h.obj_live[o]]
        assert s.total_alloc == sum(charged.values())
        assert s.total_alloc - sum(charged[o] for o in dead) == s.heap_alloc


# -- views, snapshots, determinism --------------------------------------------------------


def test_grid_codes_by_mode() -> None:
    h = Heap()
    h.alloc_many(168, 48, True)  # one full span
    h.alloc_many(10, 64, False)  # a partial span
    g = heap_map.grid(h, 4, 8, GridMode.SIZE_CLASS)
    assert g.shape == (4, 8) and g.dtype == np.uint8
    # 512 mapped pages over 32 cells: 16 pages a cell; first cell holds both spans.
    assert g[0, 0] in (size_to_class(48) + 2, size_to_class(64) + 2)
    assert (g.ravel()[1:] == 1).all()
    f = Heap()
    f.alloc_many(168, 48, True)
    assert heap_map.grid(f, 1, 512, GridMode.FILL)[0, 0] == 10
    f.alloc(64, True)
    assert heap_map.grid(f, 1, 512, GridMode.FILL)[0, 1] == 3  # 1/126: not empty
    m = Heap()
    ids = m.alloc_many(168 * 3, 48, True)
    m.flush_mcache()
    m.begin_mark()
    m.mark(ids[:1])
    colors = np.zeros(m.n_objects, np.uint8)
    colors[ids[0]] = MarkColor.BLACK
    colors[ids[168]] = MarkColor.GREY
    row = heap_map.grid(m, 1, 600, GridMode.MARK, colors=colors, queued_spans=np.array([m.span_of(ids[336])]))[0]
    assert row[:4].tolist() == [4, 3, 5, 1]  # black, grey, queued, idle
    assert heap_map.grid(m, 1, 600, GridMode.MARK)[0, 1] == 2  # white without colours
    assert (row[512:] == 0).all()  # unmapped


def test_grid_takes_under_10ms_at_1m_live_objects() -> None:
    h = Heap()
    h.alloc_many(1_000_000, 24, False)
    colors = np.zeros(h.n_objects, np.uint8)
    for mode in GridMode:
        best = float("inf")
        for _ in range(5):  # best of 5: other processes may share the CPU
            t = time.perf_counter()
            heap_map.grid(h, 40, 120, mode, colors=colors)
            best = min(best, time.perf_counter() - t)
        assert best < 0.010, mode


def test_span_at_and_span_detail() -> None:
    h = Heap()
    ids = h.alloc_many(3, 40, False)  # class 48 scan
    big = h.alloc(40000, True)
    sid = heap_map.span_at(h, 0, 0, 1, 512)
    assert sid == h.span_of(ids[0])
    assert heap_map.span_at(h, 0, 511, 1, 512) is None
    view = heap_map.span_detail(h, sid, lambda o: f"o{o}")
    assert (view.elem_size, view.nelems, view.allocated, view.noscan) == (48, 165, 3, False)
    assert view.slots[1].object == "o1" and view.slots[1].state == "allocated"
    assert view.slots[5].state == "free"
    assert view.internal_waste == 3 * 8
    assert view.tail_waste == 8192 - 165 * 48
    h.begin_mark()
    h.end_mark()
    h2 = heap_map.span_detail(h, h.span_of(big), lambda o: None)
    assert h2.slots[0].state == "garbage" and h2.internal_waste == 40960 - 40000


def test_snapshot_restore_and_deepcopy_give_the_same_future() -> None:
    def run(h: Heap, ids: np.ndarray) -> tuple:
        full_gc(h, ids[::2])
        more = h.alloc_many(500, 48, True)
        return (h.stats(), more.tolist(), h.obj_span[: h.n_objects].tolist())

    h = Heap()
    ids = h.alloc_many(1000, 48, True)
    snap = h.snapshot()
    clone = copy.deepcopy(h)
    first = run(h, ids)
    h.restore(snap)
    assert run(h, ids) == first
    assert run(clone, ids) == first
    assert run(copy.deepcopy(snap), ids) == first


def test_grid_mark_mode_with_grey_and_black_id_arrays() -> None:
    h = Heap()
    ids = h.alloc_many(168 * 3, 48, True)
    h.flush_mcache()
    h.begin_mark()
    h.mark(ids)  # a collector may set every reachable mark bit up front...
    row = heap_map.grid(h, 1, 600, GridMode.MARK, grey=ids[168:169], black=ids[:1])[0]
    assert row[:3].tolist() == [4, 3, 2]  # ...and say which are black / grey so far
    assert heap_map.grid(h, 1, 600, GridMode.MARK, grey=ids[168:169])[0, :3].tolist() == [4, 3, 4]
    assert h.spans_in_use() == 3
    view = heap_map.span_detail(h, h.span_of(ids[168]), lambda o: None, grey=ids[168:169], black=ids[:1])
    assert view.slots[0].color is MarkColor.GREY and view.slots[1].color is MarkColor.WHITE


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.tuples(st.integers(1, 60), st.sampled_from([1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 33, 600, 40000]), st.booleans()),
            st.tuples(st.just(0), st.integers(0, 2**32 - 1), st.booleans()),
        ),
        max_size=25,
    )
)
def test_single_allocs_and_batches_build_the_same_heap(ops: list) -> None:
    """`alloc` (scalar fast paths) and `alloc_many` (vectorized) are the same mallocgc."""
    a, b = Heap(), Heap()
    for count, x, flag in ops:
        if count:
            ids = a.alloc_many(count, x, flag)
            assert ids.tolist() == [b.alloc(x, flag) for _ in range(count)]
        else:
            for h in (a, b):
                h.begin_mark()
                live = h.live_object_ids()
                h.mark(live[np.random.default_rng(x).random(live.size) < 0.5])
                h.end_mark()
                if flag:
                    h.sweep(3)
    n = a.n_objects
    for name in ("obj_size", "obj_span", "obj_slot", "obj_live", "obj_marked", "obj_next"):
        assert (getattr(a, name)[:n] == getattr(b, name)[:n]).all(), name
    assert a.stats() == b.stats()
    ta, tb = a.allocator, b.allocator
    assert (ta.tiny_span, ta.tiny_slot, ta.tiny_offset, ta.tiny_last) == (tb.tiny_span, tb.tiny_slot, tb.tiny_offset, tb.tiny_last)
    check_invariants(a)
