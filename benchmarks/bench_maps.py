"""Benchmarks of big Swiss-table maps. Prints figures; asserts nothing.

    python benchmarks/bench_maps.py                 # 100k and 1M keys
    python benchmarks/bench_maps.py --keys 300000   # other sizes

For each size: the map model alone (`SwissMap.insert`, then deleting half the keys,
re-inserting as many and `clear`), one Timeline step of `map_insert` with the
checkpoint after it, and the whole `gomemtui run` of a scenario that makes a
`map[int]int` and inserts the keys (a fresh process, start-up included). Each figure
comes with its cost per key.

Targets (2-core machine): 1M keys inserted in ≤ 10 s (≤ 3 s is the aim) by the whole
`gomemtui run`, and the cost per key at 1M within 1.5× of the cost per key at 100k.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout

from gomemtui.runtime import program as ops  # noqa: E402
from gomemtui.runtime.timeline import Timeline  # noqa: E402
from gomemtui.runtime.types import BUILTIN_TYPES  # noqa: E402
from gomemtui.runtime.values.maps import SwissMap  # noqa: E402

INT = BUILTIN_TYPES["int"]

SCENARIO = '''[scenario]
title = "big map"
summary = "insert {n} keys"

[source]
code = """
package main

func main() {{
	m := make(map[int]int)
	for i := 0; i < {n}; i++ {{
		m[i] = i
	}}
}}
"""

[[step]]
line = 4
do = "make_map"
var = "m"
key = "int"
value = "int"

[[step]]
line = 6
do = "map_insert"
var = "m"
count = {n}
'''


def per_key(seconds: float, n: int) -> str:
    return f"{seconds:7.3f} s  ({seconds / n * 1e6:6.2f} µs/key)"


def bench_model(n: int) -> dict[str, float]:
    m = SwissMap(INT, INT, None, seed=1)
    figures: dict[str, float] = {}
    start = time.perf_counter()
    m.insert(n)
    figures["insert"] = time.perf_counter() - start
    start = time.perf_counter()
    m.delete(n // 2)
    figures["delete"] = time.perf_counter() - start
    start = time.perf_counter()
    m.insert(n // 2)
    figures["reinsert"] = time.perf_counter() - start
    start = time.perf_counter()
    m.clear()
    figures["clear"] = time.perf_counter() - start
    print(f"  model: insert {n:,}               {per_key(figures['insert'], n)}")
    print(f"  model: delete {n // 2:,}              {per_key(figures['delete'], n // 2)}")
    print(f"  model: insert {n // 2:,} over tombstones {per_key(figures['reinsert'], n // 2)}")
    print(f"  model: clear                     {per_key(figures['clear'], n)}")
    return figures


def bench_timeline_step(n: int) -> float:
    """One `→` in the app: the map_insert step and the checkpoint the timeline takes."""
    steps = (
        ops.Step(0, 4, "make_map", ops.MakeMap("m", INT, INT)),
        ops.Step(1, 6, "map_insert", ops.MapInsert("m", n)),
    )
    timeline = Timeline(ops.Program(ops.RuntimeSettings(), steps))
    timeline.step()
    start = time.perf_counter()
    timeline.step()
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    timeline.runtime.snapshot()
    snapshot = time.perf_counter() - start
    print(f"  timeline: map_insert step         {per_key(seconds, n)}")
    print(f"  timeline: one more snapshot       {snapshot:7.3f} s")
    return seconds


def bench_run(n: int) -> float:
    """`gomemtui run` of the scenario in a fresh process (start-up included)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bigmap.toml"
        path.write_text(SCENARIO.format(n=n))
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "gomemtui", "run", str(path)], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        seconds = time.perf_counter() - start
    print(f"  gomemtui run                      {per_key(seconds, n)}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, nargs="*", default=[100_000, 1_000_000])
    args = parser.parse_args()
    runs: dict[int, float] = {}
    steps: dict[int, float] = {}
    for n in args.keys:
        print(f"map[int]int, {n:,} keys:")
        bench_model(n)
        steps[n] = bench_timeline_step(n)
        runs[n] = bench_run(n)
    if len(args.keys) >= 2:
        small, big = min(args.keys), max(args.keys)
        step_ratio = (steps[big] / big) / (steps[small] / small)
        run_ratio = (runs[big] / big) / (runs[small] / small)
        print(f"cost per key at {big:,} vs {small:,}: timeline step ×{step_ratio:.2f}, whole run ×{run_ratio:.2f}")


if __name__ == "__main__":
    main()
