"""The scavenger's rules (`gomemtui/runtime/memory/scavenger.py`, `PageHeap.scavenge`): which free
pages are released, how much `(*mheap).allocSpan` scavenges, the goals `gcPaceScavenger`
sets, and what a runtime with GOMEMLIMIT does with them. Expected values follow the Go
1.27 source (`mgcscavenge.go`, `mheap.go`), worked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from gomemtui.runtime import program as ops
from gomemtui.runtime.memory.heap import Heap
from gomemtui.runtime.core import Runtime
from gomemtui.runtime.memory.pages import CHUNK_PAGES, PageHeap
from gomemtui.runtime.memory.scavenger import (
    HUGE_PAGE_PAGES,
    NO_SCAVENGE_GOAL,
    PHYS_PAGE_SIZE,
    alloc_span_scavenge,
    pace_scavenger,
)
from gomemtui.runtime.memory.sizeclasses import PAGE_SIZE
from gomemtui.runtime.types import parse_type
from gomemtui.runtime.read.build import build_view

MiB = 1 << 20
MAX_INT64 = (1 << 63) - 1


def used_heap(npages: int = CHUNK_PAGES) -> PageHeap:
    """A page heap with `npages` pages mapped and all of them used once (retained when freed)."""
    p = PageHeap()
    p.alloc(npages, 0)
    p.free(0, npages)
    assert p.released_pages == 0 and p.free_pages == npages
    return p


# -- which pages: PageHeap.scavenge ----------------------------------------------------------------


def test_fresh_pages_are_released_and_allocation_takes_them_back() -> None:
    p = PageHeap()
    start = p.alloc(3, 7)
    assert (start, p.n_pages, p.last_growth_pages, p.last_scav_pages) == (0, CHUNK_PAGES, CHUNK_PAGES, 3)
    assert p.released_pages == CHUNK_PAGES - 3
    p.alloc(2, 8)
    assert p.last_growth_pages == 0 and p.last_scav_pages == 2


def test_highest_free_pages_go_first_and_used_pages_stay() -> None:
    p = used_heap()
    p.alloc(300, 1)  # pages 0..299 in use: the free run 300..511 does not reach page 256
    assert p.scavenge(5) == 5
    assert p.page_released[CHUNK_PAGES - 5 :].all() and not p.page_released[: CHUNK_PAGES - 5].any()
    assert p.scavenge(3) == 3  # the next highest retained pages
    assert p.page_released[CHUNK_PAGES - 8 :].all() and p.released_pages == 8
    assert not p.page_released[:300].any()  # in-use pages are never candidates


def test_asking_too_much_releases_every_retained_free_page() -> None:
    p = used_heap()
    p.alloc(10, 1)
    assert p.scavenge(10 * CHUNK_PAGES) == CHUNK_PAGES - 10
    assert p.released_pages == p.free_pages == CHUNK_PAGES - 10
    assert p.scavenge(1) == 0


def test_a_run_crossing_a_huge_page_is_extended_down_to_its_boundary() -> None:
    """findScavengeCandidate: the top `max` pages of the highest run, extended down to the
    huge page below when they cross a 2 MiB boundary and the free run reaches it."""
    assert HUGE_PAGE_PAGES == 256
    p = used_heap()  # pages 0..511 free and retained: one run
    assert p.scavenge(257) == CHUNK_PAGES  # pages 255..511 cross page 256 → extended down to 0
    q = used_heap()
    q.alloc(100, 1)  # pages 0..99 used: the run 100..511 does not reach page 0
    assert q.scavenge(257) == 257
    assert q.page_released[CHUNK_PAGES - 257 :].all() and not q.page_released[: CHUNK_PAGES - 257].any()
    r = used_heap()
    r.alloc(10, 1)  # the run 10..511 reaches page 256: even 5 pages at its top (507..511,
    assert r.scavenge(5) == 256  # ending on the boundary at 512) release the whole huge page


def test_runs_stay_inside_their_chunk() -> None:
    p = used_heap(2 * CHUNK_PAGES)
    p.alloc(CHUNK_PAGES - 4, 1)  # chunk 0: only pages 508..511 free
    assert p.scavenge(CHUNK_PAGES + 2) == CHUNK_PAGES + 2  # chunk 1's 512-page run, then 2 of chunk 0's
    assert p.page_released[CHUNK_PAGES - 2 :].all() and not p.page_released[: CHUNK_PAGES - 2].any()


# -- allocSpan's rule ------------------------------------------------------------------------------


def test_memory_limit_scavenges_the_excess_paged_back_in() -> None:
    """if scav + mappedReady > limit: scavenge the difference, forced."""
    args = dict(memory_limit=20 * MiB, limiting=False, gc_percent_goal=NO_SCAVENGE_GOAL, growth=0, heap_retained=0)
    assert alloc_span_scavenge(scav=65536, mapped_ready=20 * MiB - 1000, **args) == (64536, True)
    assert alloc_span_scavenge(scav=0, mapped_ready=20 * MiB + 8192, **args) == (8192, True)
    assert alloc_span_scavenge(scav=65536, mapped_ready=20 * MiB - 65536, **args) == (0, False)


def test_no_memory_limit_scavenging_while_the_cpu_limiter_limits() -> None:
    assert alloc_span_scavenge(scav=65536, mapped_ready=30 * MiB, memory_limit=20 * MiB, limiting=True,
                               gc_percent_goal=NO_SCAVENGE_GOAL, growth=0, heap_retained=0) == (0, False)


def test_heap_growth_past_the_gc_percent_goal_scavenges_at_most_the_growth() -> None:
    common = dict(scav=0, mapped_ready=0, memory_limit=MAX_INT64, limiting=False)
    goal = 10 * MiB
    assert alloc_span_scavenge(gc_percent_goal=goal, growth=4 * MiB, heap_retained=9 * MiB, **common) == (3 * MiB, False)
    assert alloc_span_scavenge(gc_percent_goal=goal, growth=4 * MiB, heap_retained=20 * MiB, **common) == (4 * MiB, False)
    assert alloc_span_scavenge(gc_percent_goal=goal, growth=0, heap_retained=20 * MiB, **common) == (0, False)
    assert alloc_span_scavenge(gc_percent_goal=NO_SCAVENGE_GOAL, growth=4 * MiB, heap_retained=20 * MiB,
                               **common) == (0, False)


def test_the_larger_of_the_two_amounts_wins() -> None:
    nbytes, force = alloc_span_scavenge(scav=8192, mapped_ready=20 * MiB, memory_limit=20 * MiB, limiting=False,
                                        gc_percent_goal=10 * MiB, growth=4 * MiB, heap_retained=11 * MiB)
    assert (nbytes, force) == (4 * MiB, True)  # min(growth, 11 + 4 − 10 MiB) > 8 KiB over the limit


# -- gcPaceScavenger -------------------------------------------------------------------------------


def test_memory_limit_goal_is_95_percent_of_the_limit_only_above_it() -> None:
    limit = 20 * MiB
    above = pace_scavenger(limit, 15 * MiB, 0, mapped_ready=20 * MiB, last_heap_inuse=0, heap_retained=0)
    assert above.memory_limit_goal == int(limit * 0.95) == 19922944
    below = pace_scavenger(limit, 15 * MiB, 0, mapped_ready=19922944, last_heap_inuse=0, heap_retained=0)
    assert below.memory_limit_goal == NO_SCAVENGE_GOAL
    assert pace_scavenger(MAX_INT64, 4 * MiB, 4 * MiB, 8 * MiB, 0, 0).memory_limit_goal == NO_SCAVENGE_GOAL


def test_gc_percent_goal_is_110_percent_of_the_heap_in_use_scaled_by_the_goal_ratio() -> None:
    # lastHeapInUse 10 MiB, goal doubled: 20 MiB + 10 % = 23,068,672 B (page-aligned already).
    goals = pace_scavenger(MAX_INT64, 8 * MiB, 4 * MiB, 0, last_heap_inuse=10 * MiB, heap_retained=30 * MiB)
    assert goals.gc_percent_goal == 23068672
    # Rounded up to a 4 KiB physical page.
    odd = pace_scavenger(MAX_INT64, 4 * MiB, 4 * MiB, 0, last_heap_inuse=10000, heap_retained=30 * MiB)
    assert odd.gc_percent_goal == -(-(10000 + 1000) // PHYS_PAGE_SIZE) * PHYS_PAGE_SIZE


def test_no_gc_percent_goal_before_the_first_cycle_or_when_retained_is_within_it() -> None:
    assert pace_scavenger(MAX_INT64, 4 * MiB, 0, 0, 10 * MiB, 30 * MiB).gc_percent_goal == NO_SCAVENGE_GOAL
    at = pace_scavenger(MAX_INT64, 4 * MiB, 4 * MiB, 0, 10 * MiB, 11 * MiB).gc_percent_goal
    assert at == NO_SCAVENGE_GOAL  # retained 11 MiB ≤ 11 MiB goal
    near = pace_scavenger(MAX_INT64, 4 * MiB, 4 * MiB, 0, 10 * MiB, 11 * MiB + PHYS_PAGE_SIZE - 1).gc_percent_goal
    assert near == NO_SCAVENGE_GOAL  # less than a physical page above


# -- in a runtime ----------------------------------------------------------------------------------

CHUNK = parse_type("[65536]byte")


def limited_runtime(limit: int | None) -> Runtime:
    """GOGC=off, no limit: 16 MiB of 64 KiB garbage (no cycle), runtime.GC() frees it all
    (retained, not released); then debug.SetMemoryLimit(limit)."""
    r = Runtime(ops.RuntimeSettings(gogc=None, gomemlimit=None, gomaxprocs=1))
    r.apply(ops.Repeat(ops.New("garbage", CHUNK), 256))
    r.gc()
    assert r.heap.stats().heap_idle - r.heap.stats().heap_released >= 15 * MiB
    r.apply(ops.SetMemoryLimit(limit))
    return r


def consistent(r: Runtime) -> None:
    s = r.heap.stats()
    assert s.heap_sys == s.heap_inuse + s.heap_idle
    assert 0 <= s.heap_released <= s.heap_idle
    assert r.heap.pages.released_pages == int(np.count_nonzero(r.heap.pages.page_released[: r.heap.pages.n_pages]))
    ms = build_view(r).memstats
    assert (ms.heap_idle, ms.heap_released, ms.heap_sys) == (s.heap_idle, s.heap_released, s.heap_sys)
    # The scavenger's mappedReady is the sum the pacer's memory-limit goal reads, kept apart
    # only because allocSpan needs it without building the heap's whole stats record.
    r.collector.update_pacer_memory()
    assert r.pacer.non_heap + r.pacer.heap_free + r.pacer.heap_alloc == r.heap.scavenger.mapped_ready()


def test_allocation_at_the_memory_limit_keeps_mapped_ready_at_the_limit() -> None:
    """After a GC freed ~16 MiB, allocating past the limit releases retained pages instead of
    mapping more: mappedReady stays at the limit, as real Go's /memory/classes show
    (total − heap/released pinned 1,784 B under a 20 MiB limit in scenario 11's program)."""
    limit = 12 * MiB
    r = limited_runtime(limit)
    scav = r.heap.scavenger
    before = r.heap.stats().heap_released
    r.apply(ops.Repeat(ops.New("garbage", CHUNK), 64))
    after = r.heap.stats()
    assert after.heap_released > before
    assert scav.mapped_ready() <= limit
    assert scav.released_eager >= after.heap_released - before
    consistent(r)


def test_without_a_limit_freed_pages_stay_retained() -> None:
    r = limited_runtime(None)
    s0 = r.heap.stats()
    r.apply(ops.Repeat(ops.New("garbage", CHUNK), 64))
    s1 = r.heap.stats()
    assert r.heap.scavenger.released_eager == 0
    assert s1.heap_released <= s0.heap_released  # only fresh pages were ever released
    consistent(r)


def test_a_heap_without_a_scavenger_never_scavenges() -> None:
    h = Heap()
    assert h.scavenger is None
    oid = h.alloc(1 << 20, True)
    h.begin_mark()
    h.end_mark()
    h.sweep_all()
    h.alloc(1 << 20, True)
    assert h.stats().heap_released == h.pages.released_pages * PAGE_SIZE
    del oid


def test_snapshots_keep_the_scavenger_wired_to_their_own_heap() -> None:
    r = limited_runtime(12 * MiB)
    snap = r.snapshot()
    r.apply(ops.Repeat(ops.New("garbage", CHUNK), 64))
    r.restore(snap)
    scav = r.heap.scavenger
    assert scav is r.scavenger and r.pacer.scavenger is scav and scav.pages is r.heap.pages
    assert scav.inputs.heap is r.heap and scav.inputs.stacks is r.stacks and scav.inputs.limiter is r.limiter
    r.apply(ops.Repeat(ops.New("garbage", CHUNK), 64))
    consistent(r)


@pytest.mark.parametrize("limit", [None, 12 * MiB])
def test_heap_copy_carries_its_scavenger(limit: int | None) -> None:
    r = limited_runtime(limit)
    h = r.heap.snapshot()
    assert h.scavenger is not None and h.scavenger.pages is h.pages and h.scavenger.inputs.heap is h
