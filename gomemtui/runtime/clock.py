"""The simulated clock: what each kind of work costs, in nanoseconds.

The real runtime's timings depend on the machine; gomemtui needs them only so that a
gctrace line's clock and CPU fields, the pacer's cons/mark estimate and the share of
work done by background workers versus assists are meaningful and deterministic. The
rates below are in the range of a current x86-64 core (scanning ≈ 1 GB/s per worker,
zeroing/copying ≈ 20 GB/s); they were chosen so that the oracle's small gctrace runs
come out with the same orders of magnitude (e.g. first cycle of a tiny program:
≈ 0.2 ms of mark, dominated by scanning ~161 KiB of globals).
"""

from __future__ import annotations

SMALL_ALLOC_NS = 20
"""mallocgc fast path from the mcache."""
LARGE_ALLOC_NS = 600
"""mallocgcLarge: pages from the mheap under its lock."""
ZERO_NS_PER_BYTE = 0.05
"""Zeroing or copying memory (memclrNoHeapPointers, memmove)."""
MAP_INSERT_NS = 25
MAP_DELETE_NS = 15
POOL_OP_NS = 12
POINTER_WRITE_NS = 2
GOROUTINE_START_NS = 400
STACK_COPY_NS_PER_BYTE = 0.1
"""copystack: copying and adjusting pointers in the old stack."""
SCAN_BYTES_PER_NS = 1.0
"""One mark worker scans about 1 GB/s."""
SWEEP_SPAN_NS = 150
"""Background sweeper: one span."""
STW_SWEEP_TERM_NS = 9_000
"""STW #1: stop the world, finish sweeping, clear pools (per cycle)."""
STW_MARK_TERM_NS = 3_000
"""STW #2: mark termination."""
STW_PER_P_NS = 400
"""Extra pause per P to stop and restart (forEachP)."""


def alloc_ns(nbytes: int, large: bool) -> int:
    """Time to allocate and zero an object of `nbytes`."""
    return int((LARGE_ALLOC_NS if large else SMALL_ALLOC_NS) + nbytes * ZERO_NS_PER_BYTE)


def copy_ns(nbytes: int) -> int:
    return int(nbytes * ZERO_NS_PER_BYTE)


def scan_ns(work_bytes: int, workers: float = 1.0) -> int:
    """Wall time for `workers` mark workers to do `work_bytes` of scanning."""
    if workers <= 0:
        return 0
    return int(work_bytes / (SCAN_BYTES_PER_NS * workers))
