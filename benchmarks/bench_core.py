"""Benchmarks of the simulated runtime core. Prints figures; asserts nothing.

    python benchmarks/bench_core.py            # all, at 1M objects
    python benchmarks/bench_core.py --small    # quick run at 100k objects

Targets (2-core machine): ≥ 1M allocations/s in a `repeat`, a full mark of a
1M-object pointerful heap ≤ 0.5 s, the occupancy view at 1M objects ≤ 10 ms,
≤ 100 bytes of simulator memory per live object, stepping back 1,000 steps in a
1M-operation scenario ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from gomemtui.runtime import program as ops
from gomemtui.runtime.core import Runtime
from gomemtui.runtime.timeline import Timeline
from gomemtui.runtime.types import GoType
from gomemtui.runtime.read.views import GridMode
from gomemtui.runtime.read.build import heap_grid, json_state

NODE = GoType("Node", 16, True, ("next",))
SMALL = GoType("T", 32, False)


def best_of(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def settings() -> ops.RuntimeSettings:
    return ops.RuntimeSettings(gogc=None, gomaxprocs=4)


def bench_allocations(n: int) -> None:
    def run() -> None:
        r = Runtime(settings())
        r.apply(ops.Repeat(ops.New("x", SMALL), n))

    seconds = best_of(run)
    print(f"repeat of {n:,} new(T{{32 B}}):          {n / seconds / 1e6:8.2f} M allocations/s")


def linked_heap(n: int) -> Runtime:
    """n pointerful objects, each pointing to the next, the first held by main."""
    r = Runtime(settings())
    r.apply(ops.Repeat(ops.New("node", NODE), n))
    first = int(r.state.vars["node"].oid) - (n - 1)
    oids = np.arange(first, first + n, dtype=np.int64)
    base = r.slots.obj_base[oids[:-1]]
    r.slots.slot_dst[base] = oids[1:]
    r.state.vars["node"].oid = first
    return r


def bench_mark(n: int) -> Runtime:
    r = linked_heap(n)
    results = []

    def run() -> None:
        r.apply(ops.GC())
        results.append(json_state(r)["heap"]["objects"])

    seconds = best_of(run)
    print(f"full GC of a {n:,}-object linked list:     {seconds * 1000:8.1f} ms (live objects {results[-1]:,})")
    return r


def bench_grid(r: Runtime) -> None:
    for mode in GridMode:
        seconds = best_of(lambda: heap_grid(r, 40, 160, mode), repeat=5)
        print(f"occupancy view 40×160, mode {mode.value:<5}:        {seconds * 1000:8.2f} ms")


def bench_memory(n: int) -> None:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    r = linked_heap(n)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    print(f"simulator memory per live object:          {(after - before) / n:8.1f} B ({n:,} objects)")
    del r


def bench_rewind(n_ops: int) -> None:
    steps = tuple(
        ops.Step(i, 1, "new", ops.New(f"v{i % 16}", SMALL)) for i in range(n_ops)
    )
    program = ops.Program(ops.RuntimeSettings(gomaxprocs=4), steps)
    tl = Timeline(program)
    start = time.perf_counter()
    tl.end()
    played = time.perf_counter() - start
    print(f"playing {n_ops:,} steps:                   {played:8.2f} s ({n_ops / played:,.0f} steps/s)")
    target = tl.position - 1000
    start = time.perf_counter()
    tl.goto_position(target)
    seconds = time.perf_counter() - start
    print(f"stepping back 1,000 steps:                 {seconds * 1000:8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", action="store_true", help="100k objects instead of 1M")
    args = parser.parse_args()
    n = 100_000 if args.small else 1_000_000
    bench_allocations(n)
    r = bench_mark(n)
    bench_grid(r)
    bench_memory(n)
    bench_rewind(n)


if __name__ == "__main__":
    main()
