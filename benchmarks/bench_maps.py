"""Benchmarks of big Swiss-table maps. Prints figures; asserts nothing.

    python benchmarks/bench_maps.py                 # 100k and 1M keys
    python benchmarks/bench_maps.py --keys 300000   # other sizes

For each size: the map model alone (`SwissMap.insert`, then deleting half the keys,
re-inserting as many and `clear`), one Timeline step of `map_insert` with the
checkpoint after it, and the whole `gomemtui run` of a scenario that makes a
`map[int]int` and inserts the keys (a fresh process, start-up included). Each figure
comes with its cost per key, and as wall-clock time and CPU time (the CPU time of the
process, or of the child for `gomemtui run`): on a machine shared with other work the
wall-clock figure includes waiting for a core, the CPU figure does not.

Targets (2-core machine): 1M keys inserted in ≤ 10 s (≤ 3 s is the aim) by the whole
`gomemtui run`, and the cost per key at 1M within 1.5× of the cost per key at 100k.
"""

from __future__ import annotations

import argparse
import resource
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


class Clock:
    """Wall-clock and CPU seconds of a stretch of code (`children`: of child processes)."""

    def __init__(self, children: bool = False) -> None:
        self.children = children
        self.wall = 0.0
        self.cpu = 0.0

    def _cpu(self) -> float:
        if self.children:
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            return usage.ru_utime + usage.ru_stime
        return time.process_time()

    def __enter__(self) -> Clock:
        self._wall0, self._cpu0 = time.perf_counter(), self._cpu()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._wall0
        self.cpu = self._cpu() - self._cpu0


def report(label: str, clock: Clock, n: int | None = None) -> None:
    figures = f"wall {clock.wall:7.3f} s, cpu {clock.cpu:7.3f} s"
    if n:
        figures += f"  ({clock.cpu / n * 1e6:6.2f} µs of cpu per key)"
    print(f"  {label:<40}{figures}")


def bench_model(n: int) -> None:
    m = SwissMap(INT, INT, None, seed=1)
    with Clock() as insert:
        m.insert(n)
    with Clock() as delete:
        m.delete(n // 2)
    with Clock() as reinsert:
        m.insert(n // 2)
    with Clock() as clear:
        m.clear()
    report(f"model: insert {n:,} keys", insert, n)
    report(f"model: delete {n // 2:,} keys", delete, n // 2)
    report(f"model: insert {n // 2:,} over tombstones", reinsert, n // 2)
    report(f"model: clear {n // 2:,} keys", clear, n // 2)


def bench_timeline_step(n: int) -> Clock:
    """One `→` in the app: the map_insert step and the checkpoint the timeline takes."""
    steps = (
        ops.Step(0, 4, "make_map", ops.MakeMap("m", INT, INT)),
        ops.Step(1, 6, "map_insert", ops.MapInsert("m", n)),
    )
    timeline = Timeline(ops.Program(ops.RuntimeSettings(), steps))
    timeline.step()
    with Clock() as step:
        timeline.step()
    with Clock() as snapshot:
        timeline.runtime.snapshot()
    report("timeline: map_insert step", step, n)
    report("timeline: one more snapshot", snapshot)
    return step


def bench_run(n: int) -> Clock:
    """`gomemtui run` of the scenario in a fresh process (start-up included)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bigmap.toml"
        path.write_text(SCENARIO.format(n=n))
        with Clock(children=True) as run:
            subprocess.run([sys.executable, "-m", "gomemtui", "run", str(path)], cwd=ROOT, check=True,
                           stdout=subprocess.DEVNULL)
    report("gomemtui run (a new process)", run, n)
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, nargs="*", default=[100_000, 1_000_000])
    args = parser.parse_args()
    runs: dict[int, Clock] = {}
    steps: dict[int, Clock] = {}
    for n in args.keys:
        print(f"map[int]int, {n:,} keys:")
        bench_model(n)
        steps[n] = bench_timeline_step(n)
        runs[n] = bench_run(n)
    if len(args.keys) >= 2:
        small, big = min(args.keys), max(args.keys)
        step_ratio = (steps[big].cpu / big) / (steps[small].cpu / small)
        run_ratio = (runs[big].cpu / big) / (runs[small].cpu / small)
        print(f"cpu per key at {big:,} keys vs {small:,}: timeline step ×{step_ratio:.2f}, "
              f"whole run ×{run_ratio:.2f} (start-up included)")


if __name__ == "__main__":
    main()
