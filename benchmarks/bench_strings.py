"""Benchmarks of the string operations. Prints figures; asserts nothing.

    python benchmarks/bench_strings.py            # 100,000 iterations
    python benchmarks/bench_strings.py --small    # 10,000

A loop that builds strings the way a request handler does (`strconv.Itoa(i) + ":" +
name`, then `[]byte` of the result) runs through the core; the figures are string
operations per second and the records of string bytes left at the end (freed ones are
forgotten, so this stays near the live strings however long the loop runs).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from gomemtui.runtime import program as ops
from gomemtui.runtime.core import Runtime


def handler_loop(times: int) -> None:
    rt = Runtime(ops.RuntimeSettings(gomaxprocs=1))
    rt.apply(ops.MakeString("name", len=20))
    body = (ops.MakeString("n", len=6), ops.Concat("key", ("n", 1, "name")), ops.StringBytes("raw", "key"),
            ops.Substring("part", "key", 0, 6))
    start = time.perf_counter()
    rt.apply(ops.Loop(body, times))
    seconds = time.perf_counter() - start
    records = sum(1 for a in rt.state.arrays.values() if a.string_data)
    print(f"handler loop × {times:,}: {len(body) * times / seconds:,.0f} string ops/s "
          f"({seconds:.2f} s), {rt.collector.num_gc} GC cycles, {records:,} string records kept")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="10,000 iterations")
    args = parser.parse_args()
    handler_loop(10_000 if args.small else 100_000)


if __name__ == "__main__":
    main()
