"""The heap's parts built alone: the allocator and the sweeper on their own tables, the
scavenger behind its input hook."""

from __future__ import annotations

import numpy as np

from gomemtui.runtime.memory.figures import HeapCounters
from gomemtui.runtime.memory.malloc import Allocator
from gomemtui.runtime.memory.objects import ObjectTable
from gomemtui.runtime.memory.pages import PageHeap
from gomemtui.runtime.memory.scavenger import Scavenger
from gomemtui.runtime.memory.sizeclasses import PAGE_SIZE
from gomemtui.runtime.memory.spans import SpanLists, SpanTable
from gomemtui.runtime.memory.sweep import Sweeper


def parts() -> tuple[Allocator, Sweeper, ObjectTable, HeapCounters, PageHeap]:
    objects, spans, central, pages, counts = ObjectTable(), SpanTable(), SpanLists(), PageHeap(), HeapCounters()
    sweeper = Sweeper(objects, spans, central, pages, counts)
    return Allocator(objects, spans, central, pages, counts, sweeper, green_tea=True), sweeper, objects, counts, pages


def test_the_allocator_counts_slots_and_gives_ids_in_order() -> None:
    allocator, _, objects, counts, _ = parts()
    ids = allocator.alloc_many(10, 32, True)
    assert ids.tolist() == list(range(10)) and objects.n_objects == 10
    assert (counts.heap_alloc, counts.total_alloc, counts.mallocs) == (320, 320, 10)
    assert allocator.alloc(32, True) == 10 and counts.heap_alloc == 352


def test_sweeping_an_unmarked_span_frees_its_objects_and_pages() -> None:
    allocator, sweeper, objects, counts, pages = parts()
    allocator.alloc_many(10, 32, True)
    sweeper.start_cycle()  # mark termination, nothing marked
    cached = allocator.release_all()  # the mcache lets go of its span...
    assert sweeper.unswept == 1 and cached == [0]
    assert sweeper.sweep_batch(np.array(cached), preserve=False) == (10, 320)  # ...and uncacheSpan sweeps it
    assert sweeper.unswept == 0 and sweeper.sweep_all() == (0, 0, 0)
    assert not objects.obj_live[:10].any() and counts.heap_alloc == 0 and counts.frees == 10
    assert counts.inuse_pages == 0 and pages.idle_bytes == pages.n_pages * PAGE_SIZE


class Inputs:
    """What the scavenger reads elsewhere, fixed by the test."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit

    def heap_inuse(self) -> int:
        return 0

    def stack_inuse(self) -> int:
        return 0

    def memory_limit(self) -> int | None:
        return self.limit

    def limiting(self) -> bool:
        return False


def test_the_scavenger_releases_retained_pages_past_the_memory_limit() -> None:
    pages = PageHeap()
    start = pages.alloc(64, 0)  # maps a whole chunk; the pages never used count as released
    pages.free(start, 64)  # 64 retained free pages (512 KiB): heapFree
    retained = pages.idle_bytes - pages.released_bytes
    assert retained == 64 * PAGE_SIZE
    before = pages.released_bytes
    limit = Scavenger(pages, Inputs(limit=retained - 10 * PAGE_SIZE), runtime_overhead=0)
    released = limit.alloc_span(0, 0, limit.mapped_ready(), limit.heap_retained())
    assert released >= 10 * PAGE_SIZE and limit.released_eager == released
    assert pages.released_bytes - before == released and limit.mapped_ready() <= retained - 10 * PAGE_SIZE
    free = Scavenger(PageHeap(), Inputs(limit=None), runtime_overhead=0)
    assert free.alloc_span(0, 0, free.mapped_ready(), free.heap_retained()) == 0


def test_object_rows_are_trimmed_in_a_copy_and_regrow_alike() -> None:
    import copy

    objects = ObjectTable()
    objects.new_ids(5)
    twin = copy.deepcopy(objects)
    assert twin.obj_size.shape == (5,) and objects.obj_size.shape[0] >= 5
    assert np.array_equal(twin.new_ids(3), objects.new_ids(3))
