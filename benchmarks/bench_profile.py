"""What the heap profile costs: adding up the published profile (`heap_profile`, once per
GC that publishes: the result is cached until the next one) and encoding it as
profile.proto, for heaps of growing size. Prints figures; asserts nothing.

    python benchmarks/bench_profile.py
    python benchmarks/bench_profile.py --objects 2000000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from gomemtui.pprof.encode import profile_bytes  # noqa: E402
from gomemtui.runtime import program as ops  # noqa: E402
from gomemtui.runtime.core import Runtime  # noqa: E402
from gomemtui.runtime.read.profile import heap_profile  # noqa: E402

SITES = 50
"""Steps the objects are spread over (each a source line)."""


def measure(n_objects: int) -> tuple[float, float, float, int]:
    """(seconds to allocate, to add up the profile, to encode it; bytes of the file)."""
    source = "package main\n\nfunc main() {\n" + "\tx := 1\n" * SITES + "}\n"
    steps = tuple(ops.Step(i, 4 + i, "new", ops.Drop("x")) for i in range(SITES))
    program = ops.Program(ops.RuntimeSettings(), steps, source=source)
    rt = Runtime(ops.RuntimeSettings())
    per_site = n_objects // SITES
    started = time.perf_counter()
    kept = []
    for i in range(SITES):
        rt.mutator.enter_site((i,))
        ids = rt.heap.alloc_many(per_site, 16 + 16 * (i % 8), i % 2 == 0)
        kept.append(ids[::3])
    allocated = time.perf_counter() - started
    for _ in range(2):  # two cycles publish the allocations; a third frees two thirds
        rt.heap.begin_mark()
        rt.heap.mark(np.concatenate(kept))
        rt.heap.end_mark()
        rt.heap.sweep_all()
    rt.heap.profile.post_sweep(rt.heap.objects)
    started = time.perf_counter()
    profile = heap_profile(rt, program)
    summed = time.perf_counter() - started
    started = time.perf_counter()
    data = profile_bytes(profile)
    encoded = time.perf_counter() - started
    return allocated, summed, encoded, len(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--objects", type=int, action="append",
                        help="heap objects (default: 10k, 100k, 1M)")
    args = parser.parse_args()
    print(f"{'objects':>10}  {'alloc_many':>10}  {'heap_profile':>12}  {'encode':>8}  {'file':>8}")
    for n in args.objects or [10_000, 100_000, 1_000_000]:
        allocated, summed, encoded, size = measure(n)
        print(f"{n:>10,}  {allocated:>9.3f}s  {summed * 1000:>10.1f}ms  {encoded * 1000:>6.1f}ms  {size:>7,}B")


if __name__ == "__main__":
    main()
