"""The simulated clock: what each kind of work costs, in nanoseconds.

The real runtime's timings depend on the machine; gomemtui needs them only so that a
gctrace line's clock and CPU fields, the pacer's cons/mark estimate and the share of
work done by background workers versus assists are meaningful and deterministic. The
rates below are in the range of a current x86-64 core (scanning ≈ 1.4 GB/s per worker,
zeroing/copying cache-resident memory ≈ 65 GB/s) and were calibrated on the oracle's
gctrace runs (gctrace.json, GOMAXPROCS=1): a tiny program's mark is ≈ 0.08 ms of assist
spent on ~161 KiB of globals; while marking, the grow workload allocates its 64 KiB
chunks at ≈ 50 GB/s (21 MB in 0.34 ms of mutator time at GOGC=200) and limit_long its
16 KiB objects at ≈ 43 GB/s. Those rates matter beyond the gctrace figures: cons/mark,
and so the trigger, is the allocation rate over the scan rate.

Not modelled: page faults on first touch of fresh memory (real Go skips zeroing memory
fresh from the OS, and the program pays when it writes it); the oracle's grow program
spends ≈ 0.5 ms per retained MiB on them, which is why its total CPU time (and so the
`P%` field's denominator) is about twice the simulation's.

The scheduler's clock is here too: `sysmon` wakes every 10 ms once a program is busy
(`proc.go sysmon`: its sleep doubles up to 10 ms while it finds nothing to retake),
preempts a goroutine that has held its P for `forcePreemptNS` (`retake`) and updates
the GC CPU limiter (`gcCPULimiter.needUpdate`, `gcCPULimiterUpdatePeriod`). On a P
shared with the mutator, that preemption is the only moment a fractional mark worker
can run (`findRunnableGCWorker`).

Simplified: sysmon's start-up phase (20 µs sleeps for the first ~1 ms) is left out —
its ticks are at every multiple of 10 ms of simulated time.
"""

from __future__ import annotations

SMALL_ALLOC_NS = 20
"""mallocgc fast path from the mcache."""
LARGE_ALLOC_NS = 300
"""mallocgcLarge: pages from the mheap under its lock."""
ZERO_NS_PER_BYTE = 0.015
"""Zeroing or copying memory (memclrNoHeapPointers, memmove) at ≈ 65 GB/s."""
MAP_INSERT_NS = 25
MAP_MOVE_NS = 38
"""One entry moved by map growth (`Map.growToTable`, `(*table).grow`, `(*table).split`
in internal/runtime/maps): the key is hashed again (`typ.Hasher`) and put into the new
table with `uncheckedPutSlot` (probe, control byte, key and element copied). Measured
with Go 1.27.3 at GOMAXPROCS=1 on the machine the other rates here were checked on:
the one insert that grows a `map[int]int` (the 9th, 15th, ... 449th, and the 897th,
which splits a full 1024-slot table) takes 0.45-38 µs, 38-42 ns per entry it moves
(median of 3000 maps each; an ordinary insert timed the same way, 60 ns with the
timer's own cost, subtracted), the new tables' allocation included; the whole-insert
comparison of `make(map[int]int)` with `make(map[int]int, n)` gives 30-40 ns per moved
entry for n ≤ 30 000. The allocation of the new tables is charged separately
(`alloc_ns`), so 38 ns."""
MAP_DELETE_NS = 15
POOL_OP_NS = 12
POINTER_WRITE_NS = 2
GOROUTINE_START_NS = 400
STACK_COPY_NS_PER_BYTE = 0.1
"""copystack: copying and adjusting pointers in the old stack."""
SCAN_BYTES_PER_NS = 1.4
"""One mark worker scans about 1.4 GB/s: the oracle's limit_long run marks its 24 MiB
pointerful live set in 17-19 ms of assist + worker CPU (gctrace.json)."""
ROOT_SCAN_BYTES_PER_NS = 2.2
"""Root jobs go faster per byte: `markrootBlock` scans data/BSS through the linker's
pointer mask, touching only pointer words. The oracle's grow cycles spend
0.075-0.09 ms of assist on ≈ 161 KiB of globals plus a few stacks."""
SWEEP_SPAN_NS = 150
"""Background sweeper: one span."""
STW_SWEEP_TERM_NS = 9_000
"""STW #1: stop the world, finish sweeping, clear pools (per cycle)."""
STW_MARK_TERM_NS = 3_000
"""STW #2: mark termination."""
STW_PER_P_NS = 400
"""Extra pause per P to stop and restart (forEachP)."""
SYSMON_TICK_NS = 10_000_000
"""`sysmon`'s sleep once the program is busy (its `delay` is capped at 10 ms)."""
FORCE_PREEMPT_NS = 10_000_000
"""`forcePreemptNS`: sysmon preempts a goroutine that has run this long on its P."""
LIMITER_UPDATE_PERIOD_NS = 10_000_000
"""`gcCPULimiterUpdatePeriod`: sysmon updates the GC CPU limiter at most this often."""


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
