"""Real memory of the timeline's rewind checkpoints on a big heap.

    python benchmarks/bench_checkpoints.py             # 999,000 objects, then 200 GC cycles
    python benchmarks/bench_checkpoints.py --objects 200000 --cycles 50

Plays a scenario that allocates OBJECTS heap objects and then calls runtime.GC() CYCLES
times, as the app does (rewind on, checkpoints kept and thinned), walking it with
`next_phase` (the `]` key), and prints the peak resident memory, the checkpoints kept and
the time taken. Runs in a child process so each figure starts from a fresh interpreter.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

SCENARIO = """\
[scenario]
title = "Many objects, many cycles"

[source]
code = '''
package main

import "runtime"

var sink *int64

func main() {{
	for i := 0; i < {objects}; i++ {{
		p := new(int64)
		sink = p
	}}
	for i := 0; i < {cycles}; i++ {{
		runtime.GC()
	}}
}}
'''

[[step]]
line = 9
do = "new"
var = "p"
type = "int64"
repeat = {objects}

[[step]]
line = 12
do = "loop"
times = {cycles}
body = [{{ do = "gc", line = 13 }}]
"""

CHILD = """
import sys, time
from pathlib import Path
from gomemtui.commands import compile_file
from gomemtui.runtime.timeline import Timeline
from gomemtui.scenario.settings import Overrides

def rss():
    return int(open("/proc/self/statm").read().split()[1]) * 4096

tl = Timeline(compile_file(Path(sys.argv[1]), Overrides()))
started = time.perf_counter()
peak = rss()
tl.step()
while not tl.at_end:
    tl.next_phase()
    peak = max(peak, rss())
print(f"{peak / 2**20:.0f} {len(tl._checkpoints)} {time.perf_counter() - started:.1f}")
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=999_000)
    parser.add_argument("--cycles", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.toml"
        path.write_text(SCENARIO.format(objects=args.objects, cycles=args.cycles))
        out = subprocess.run([sys.executable, "-c", textwrap.dedent(CHILD), str(path)],
                             capture_output=True, text=True, check=False)
    if out.returncode != 0:
        print(out.stderr, file=sys.stderr)
        return out.returncode
    peak, kept, seconds = out.stdout.split()
    print(f"{args.objects:,} objects, {args.cycles} GC cycles walked with next_phase: "
          f"peak RSS {peak} MiB, {kept} checkpoints kept, {seconds} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
