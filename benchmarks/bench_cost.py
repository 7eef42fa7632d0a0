"""The real-cost budget against the real cost: for a table of scenarios, the time and peak
memory `gomemtui.scenario.cost` estimates, and what `gomemtui run` measures. Prints
figures; asserts nothing.

    python benchmarks/bench_cost.py                  # every case and every bundled scenario
    python benchmarks/bench_cost.py --only map       # the cases whose name holds "map"
    python benchmarks/bench_cost.py --no-bundled
    python benchmarks/bench_cost.py --past-limit    # measure the refused cases too

Each case is a scenario near one figure's limit (operations run one at a time, heap
objects, pointer slots, backing arrays, map keys, GC cycles, mark work), a mix, or just
past a limit (refused; `--past-limit` measures it anyway, with the budget switched off). It runs
as `gomemtui run FILE` in a fresh process; `os.wait4` gives that process's CPU time and
peak resident memory (`ru_maxrss`), the wall clock its elapsed time. The estimate should
be an upper bound (ratio ≥ 1) within a small factor; the unit costs in `cost.py` were
set from these figures on a 2-core machine. On a machine shared with other work the wall
clock includes waiting for a core; the CPU time does not.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout

from gomemtui.scenario import ScenarioError, list_bundled, load_scenario  # noqa: E402
from gomemtui.scenario import budget  # noqa: E402
from gomemtui.scenario.cost_walk import estimate  # noqa: E402

_BUDGET = budget.budget_problems

_HEAD = '''[scenario]
title = "{name}"
{runtime}
[source]
code = """
package main

func main() {{
}}
"""

[types.Node]
size = 24
pointers = ["next"]

[types.Big]
size = {big}
'''


def scenario(name: str, *steps: str, runtime: str = "", big: int = 1 << 20) -> str:
    """A scenario whose steps are `steps` (each the keys of one [[step]], without `line`)."""
    text = _HEAD.format(name=name, runtime=runtime, big=big)
    for keys in steps:
        text += f"\n[[step]]\nline = 4\n{keys}\n"
    return text


def loop(times: int, *body: str) -> str:
    return f'do = "loop"\ntimes = {times}\nbody = [{", ".join("{ " + b + " }" for b in body)}]'


LIST = ('do = "new", var = "node", type = "Node"', 'do = "assign", target = "node.next", value = "head"',
        'do = "assign", target = "head", value = "node"')

CASES: dict[str, Callable[[], str]] = {
    "ops: 400k new in a loop": lambda: scenario("x", loop(400_000, 'do = "new", var = "b", type = "int"')),
    "ops: 450k assign in a loop": lambda: scenario(
        "x", 'do = "new"\nvar = "a"\ntype = "Node"', loop(450_000, 'do = "assign", target = "c", value = "a"')),
    "ops: 450k append in a loop": lambda: scenario(
        "x", 'do = "make_slice"\nvar = "s"\nelem = "int"', loop(450_000, 'do = "append", var = "s"')),
    "ops: 200k reslice in a loop": lambda: scenario(
        "x", 'do = "make_slice"\nvar = "s"\nelem = "int"\nlen = 1000',
        loop(200_000, 'do = "reslice", var = "t", from = "s", low = 1')),
    "ops: 250k map_insert in a loop": lambda: scenario(
        "x", 'do = "make_map"\nvar = "m"\nkey = "int"\nvalue = "int"', loop(250_000, 'do = "map_insert", var = "m"')),
    "ops: 100k pool get and put": lambda: scenario(
        "x", 'do = "pool_new"\nvar = "p"\ntype = "Node"',
        loop(100_000, 'do = "pool_get", pool = "p", var = "x"', 'do = "pool_put", pool = "p", var = "x"')),
    "ops: 150k assign to a field": lambda: scenario(
        "x", 'do = "new"\nvar = "a"\ntype = "Node"', loop(150_000, 'do = "assign", target = "a.next", value = "a"')),
    "ops: 300k call in a loop": lambda: scenario("x", loop(300_000, 'do = "call", depth = 3')),
    "ops: list of 150k nodes": lambda: scenario("x", 'do = "assign"\ntarget = "head"\nvalue = "nil"',
                                                loop(150_000, *LIST)),
    "objects: repeat 1M new(Node)": lambda: scenario("x", 'do = "new"\nvar = "b"\ntype = "Node"\nrepeat = 1000000'),
    "objects: 4 × repeat 240k new(Node), gc": lambda: scenario(
        "x", *['do = "new"\nvar = "b"\ntype = "Node"\nrepeat = 240000'] * 4, 'do = "gc"'),
    "steps: 300 steps over 900k objects": lambda: scenario(
        "x", 'do = "new"\nvar = "b"\ntype = "Node"\nrepeat = 900000',
        *['do = "new"\nvar = "c"\ntype = "Node"'] * 300),
    "steps: 2700 steps over 300 variables": lambda: scenario(
        "x", *[f'do = "new"\nvar = "v{i}"\ntype = "Node"' for i in range(300)],
        *['do = "assign"\ntarget = "x"\nvalue = "nil"'] * 2700),
    "slots: make_slice of 16M *int": lambda: scenario(
        "x", 'do = "make_slice"\nvar = "s"\nelem = "*int"\nlen = 16000000', 'do = "gc"'),
    "slots: make_slice of 4M *int, 20 gc": lambda: scenario(
        "x", 'do = "make_slice"\nvar = "s"\nelem = "*int"\nlen = 4000000', loop(20, 'do = "gc"')),
    "arrays: 10k make_slice": lambda: scenario("x", loop(10_000, 'do = "make_slice", var = "s", elem = "int", len = 4')),
    "arrays: 3k copy_slice of 1000": lambda: scenario(
        "x", 'do = "make_slice"\nvar = "s"\nelem = "int"\nlen = 1000', loop(3000, 'do = "copy_slice", var = "t", from = "s"')),
    "map: 1M int keys": lambda: scenario(
        "x", 'do = "make_map"\nvar = "m"\nkey = "int"\nvalue = "int"', 'do = "map_insert"\nvar = "m"\ncount = 1000000'),
    "map: 300k keys with 256 B values": lambda: scenario(
        "x", 'do = "make_map"\nvar = "m"\nkey = "int"\nvalue = "[32]int"', 'do = "map_insert"\nvar = "m"\ncount = 300000'),
    "map: 1M keys with 256 B values": lambda: scenario(
        "x", 'do = "make_map"\nvar = "m"\nkey = "int"\nvalue = "[32]int"', 'do = "map_insert"\nvar = "m"\ncount = 1000000'),
    "map: 4 maps of 1M keys": lambda: scenario(
        "x", *[f'do = "make_map"\nvar = "m{i}"\nkey = "int"\nvalue = "int"\n\n[[step]]\nline = 4\n'
               f'do = "map_insert"\nvar = "m{i}"\ncount = 1000000' for i in range(4)]),
    "gc: 10k gc, empty heap": lambda: scenario("x", loop(10_000, 'do = "gc"')),
    "gc: 200 gc over 1M objects": lambda: scenario(
        "x", 'do = "new"\nvar = "b"\ntype = "Node"\nrepeat = 999000', loop(200, 'do = "gc"')),
    "gc: memory limit below the live heap": lambda: scenario(
        "x", 'do = "make_slice"\nvar = "keep"\nelem = "byte"\nlen = 10485760',
        loop(8000, 'do = "new", var = "b", type = "Node"'), runtime='[runtime]\ngomemlimit = "1MiB"\n'),
    "gc: GOGC=10, repeat 1M new(Node)": lambda: scenario(
        "x", 'do = "new"\nvar = "b"\ntype = "Node"\nrepeat = 999000', runtime='[runtime]\ngogc = 10\n'),
    "gc: 300 pools used, 1000 gc": lambda: scenario(
        "x", *[step for i in range(300) for step in (
            f'do = "pool_new"\nvar = "p{i}"\ntype = "Node"', f'do = "pool_get"\npool = "p{i}"\nvar = "x{i}"',
            f'do = "pool_put"\npool = "p{i}"\nvar = "x{i}"')], loop(1000, 'do = "gc"')),
    "heap: 4 × 1 GB new in a loop": lambda: scenario("x", loop(4, 'do = "new", var = "b", type = "Big"'), big=10**9),
    "past the limit: 600k new in a loop": lambda: scenario("x", loop(600_000, 'do = "new", var = "b", type = "int"')),
    "past the limit: 15k make_slice": lambda: scenario(
        "x", loop(15_000, 'do = "make_slice", var = "s", elem = "int", len = 4')),
    "heap: 2000 new of 1 MiB kept in a slice": lambda: scenario(
        "x", 'do = "make_slice"\nvar = "keep"\nelem = "*Big"',
        loop(2000, 'do = "new", var = "b", type = "Big"', 'do = "append", var = "keep", value = "b"')),
}
"""Name -> the scenario's text."""

_CHILD = """
import resource, sys
sys.path.insert(0, sys.argv[1])
if sys.argv[3] == "past":  # measure a case the budget refuses: switch it off, cap the memory
    import gomemtui.scenario.budget
    gomemtui.scenario.budget.budget_problems = lambda *args: []
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
from gomemtui.cli import main
sys.exit(main(["run", sys.argv[2]]))
"""
PAST_LIMIT_SECONDS = 180
"""How long a refused case may run when measured (`--past-limit`)."""


def measure(path: Path, past: bool = False) -> tuple[float, float, float, int]:
    """(wall seconds, CPU seconds, peak resident MiB, exit status) of `gomemtui run path`
    (`past`: with the budget switched off, 4 GiB of address space, killed after
    PAST_LIMIT_SECONDS)."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(ROOT), str(path), "past" if past else "-"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if past:
        timer = threading.Timer(PAST_LIMIT_SECONDS, child.kill)
        timer.start()
    _, status, usage = os.wait4(child.pid, 0)
    if past:
        timer.cancel()
    wall = time.perf_counter() - start
    assert child.stderr is not None
    child.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def row(name: str, path: Path, past_limit: bool) -> None:
    past = False
    try:
        scenario = load_scenario(path)
    except ScenarioError as exc:
        print(f"{name:<44} refused: {exc.problems[0].message[:110]}")
        if not past_limit:
            return
        budget.budget_problems = lambda *args: []
        try:
            scenario = load_scenario(path)
        finally:
            budget.budget_problems = _BUDGET
        past = True
    cost = estimate(scenario)
    wall, cpu, peak, code = measure(path, past)
    est_s, est_mb = cost.seconds, cost.memory_bytes / (1 << 20)
    failed = ("  (past the budget)" if past else "") + ("" if code == 0 else f"  (exit status {code})")
    print(f"{name:<44} {est_s:7.1f} {wall:7.1f} {cpu:7.1f} {est_s / cpu:6.2f}   "
          f"{est_mb:7.0f} {peak:7.0f} {est_mb / peak:6.2f}{failed}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="only the cases whose name holds this text")
    parser.add_argument("--no-bundled", action="store_true", help="leave the bundled scenarios out")
    parser.add_argument("--past-limit", action="store_true",
                        help=f"measure refused cases too (budget off, 4 GiB, at most {PAST_LIMIT_SECONDS} s)")
    args = parser.parse_args()
    print(f"{'case':<44} {'est s':>7} {'wall s':>7} {'cpu s':>7} {'est/cpu':>6}   "
          f"{'est MiB':>7} {'peak':>7} {'est/pk':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in CASES.items():
            if args.only and args.only not in name:
                continue
            path = Path(tmp) / "case.toml"
            path.write_text(text())
            row(name, path, args.past_limit)
    if not args.no_bundled:
        for bundled in list_bundled():
            if args.only and args.only not in bundled.name:
                continue
            row(f"bundled: {bundled.name}", bundled.path, False)


if __name__ == "__main__":
    main()
