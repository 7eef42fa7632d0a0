"""The heap's MemStats figures: the counters allocation and sweeping keep, and `HeapStats`."""

from __future__ import annotations

from dataclasses import dataclass

from gomemtui.runtime.memory.pages import PageHeap
from gomemtui.runtime.memory.sizeclasses import PAGE_SIZE


@dataclass(frozen=True)
class HeapStats:
    """Heap figures with runtime.MemStats meanings (`runtime/mstats.go`).

    As if `ReadMemStats` had flushed the mcache: counts are exact at every step.
    """

    heap_alloc: int
    """Bytes of allocated slots, unswept garbage included (16 per tiny block, pages for large)."""
    heap_inuse: int
    """Bytes of in-use heap spans."""
    heap_idle: int
    """Bytes of free pages (HeapReleased included)."""
    heap_sys: int
    """HeapInuse + HeapIdle: mapped heap memory."""
    heap_released: int
    """Bytes of free pages returned to the OS: never used since mapping, or scavenged."""
    heap_objects: int
    """Mallocs − Frees: allocated slots (a tiny block counts once)."""
    total_alloc: int
    """Cumulative bytes of slots allocated (tiny: 16 per block)."""
    mallocs: int
    """Cumulative allocations, every tiny object included."""
    frees: int
    """Cumulative frees (slots freed by sweeping + tiny sub-allocations, as Go counts them)."""
    spans_in_use: int
    pages_mapped: int
    unswept_spans: int


class HeapCounters:
    """What the allocator and the sweeper count as they go (`mstats`, `mheap_.pagesInUse`)."""

    def __init__(self) -> None:
        self.heap_alloc = 0
        """Bytes of allocated slots (HeapAlloc)."""
        self.total_alloc = 0
        self.mallocs = 0
        self.frees = 0
        self.tiny_allocs = 0
        """`c.tinyAllocs`: sub-allocations in a tiny block (in both Mallocs and Frees)."""
        self.inuse_pages = 0
        self.inuse_spans = 0

    def inuse_bytes(self) -> int:
        """HeapInuse: pages of in-use spans."""
        return self.inuse_pages * PAGE_SIZE

    def stats(self, pages: PageHeap, unswept: int) -> HeapStats:
        """The MemStats-like record (exact, as after ReadMemStats)."""
        idle = pages.idle_bytes
        inuse = self.inuse_bytes()
        return HeapStats(
            heap_alloc=self.heap_alloc,
            heap_inuse=inuse,
            heap_idle=idle,
            heap_sys=inuse + idle,
            heap_released=pages.released_bytes,
            heap_objects=self.mallocs - self.frees,
            total_alloc=self.total_alloc,
            mallocs=self.mallocs,
            frees=self.frees,
            spans_in_use=self.inuse_spans,
            pages_mapped=pages.n_pages,
            unswept_spans=unswept,
        )
