"""Benchmarks of the simulated heap alone. Prints figures; asserts nothing.

    python benchmarks/bench_heap.py           # 1M objects
    python benchmarks/bench_heap.py --small   # 100k objects

Targets: ≥ 1M allocations/s for a vectorized batch of equal-size allocations,
≤ 100 bytes of simulator memory per live object, heap grid ≤ 10 ms at 1M objects.
"""

from __future__ import annotations

import argparse
import gc
import time
import tracemalloc
from typing import Callable

import numpy as np

from gomemtui.runtime.memory.heap import Heap
from gomemtui.runtime.read.views import GridMode
from gomemtui.runtime.read import heap_map


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    """Fastest of `repeat` runs, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def bench_batch(n: int) -> None:
    for size, noscan, label in [(24, False, "24 B pointerful"), (64, True, "64 B noscan"), (5, True, "5 B tiny")]:
        seconds = best_of(lambda: Heap().alloc_many(n, size, noscan))
        print(f"alloc_many({n:,}, {label}):{'':<6} {n / seconds / 1e6:7.2f} M allocations/s")


def bench_single(n: int) -> None:
    def run() -> None:
        h = Heap()
        for _ in range(n):
            h.alloc(48, False)

    seconds = best_of(run, repeat=1)
    print(f"{n:,} single alloc(48 B) calls:{'':<7} {n / seconds / 1e3:7.1f} k allocations/s")


def bench_memory(n: int) -> None:
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    h = Heap()
    h.alloc_many(n, 24, False)
    used = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    arrays = sum(v.nbytes for v in vars(h).values() if isinstance(v, np.ndarray))
    arrays += sum(v.nbytes for v in vars(h.spans).values() if isinstance(v, np.ndarray))
    arrays += h.pages.page_span.nbytes + h.pages.page_released.nbytes
    print(f"simulator memory per live object:    {used / n:7.1f} B (tracemalloc), {arrays / n:.1f} B (array nbytes)")


def bench_grid(n: int) -> None:
    h = Heap()
    ids = h.alloc_many(n, 24, False)
    h.begin_mark()
    h.mark(ids[::2])
    colors = np.zeros(h.n_objects, dtype=np.uint8)
    colors[ids[::2]] = 2
    colors[ids[::97]] = 1
    for mode in GridMode:
        t = best_of(lambda: heap_map.grid(h, 40, 120, mode))
        tc = best_of(lambda: heap_map.grid(h, 40, 120, mode, colors=colors))
        print(f"grid 40×120 {mode.value:<6} at {n:,} objects: {t * 1e3:6.2f} ms ({tc * 1e3:.2f} ms with colours)")


def bench_gc_cycle(n: int) -> None:
    h = Heap()
    ids = h.alloc_many(n, 24, False)

    def cycle() -> None:
        h.begin_mark()
        h.mark(ids[::2])
        h.end_mark()
        h.sweep_all()

    t = best_of(cycle, repeat=1)
    s = h.stats()
    print(f"begin_mark+mark(n/2)+end_mark+sweep_all: {t * 1e3:6.1f} ms (heap_alloc {s.heap_alloc:,} B)")
    t = best_of(lambda: h.snapshot())
    print(f"snapshot (deepcopy) at {n:,} objects: {t * 1e3:6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="100k objects instead of 1M")
    args = parser.parse_args()
    n = 100_000 if args.small else 1_000_000
    bench_batch(n)
    bench_single(min(n, 100_000))
    bench_memory(n)
    bench_grid(n)
    bench_gc_cycle(n)


if __name__ == "__main__":
    main()
