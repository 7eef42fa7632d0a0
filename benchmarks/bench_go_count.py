"""A `go` step with count = N (each goroutine makes a 4 KiB buffer and parks on a send):
the step, the view and the Goroutines panel's lines, the checker. Prints figures; asserts nothing.

    python benchmarks/bench_go_count.py            # N = 1,000 and 10,000
    python benchmarks/bench_go_count.py --small    # N = 1,000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from gomemtui.runtime import program as ops
from gomemtui.runtime.core import Runtime
from gomemtui.runtime.read.reader import RuntimeReader
from gomemtui.runtime.types import parse_type

TOML = '''
[scenario]
title = "go count"

[source]
code = """
package main

func worker(ch chan []byte) {
	buf := make([]byte, 4096)
	ch <- buf
}

func main() {
	ch := make(chan []byte)
	for i := 0; i < N; i++ {
		go worker(ch)
	}
}
"""

[[goroutine]]
name = "worker"

[[step]]
line = 10
do = "make_chan"
var = "ch"
elem = "[]byte"

[[step]]
line = 12
do = "go"
goroutine = "worker"
count = COUNT
body = [
  { line = 4, do = "make_slice", var = "buf", elem = "byte", len = 4096 },
  { line = 5, do = "send", chan = "ch", var = "buf" },
]
'''


def bench(n: int) -> None:
    from gomemtui.scenario import load_text
    from gomemtui.ui.frame import Frame  # noqa: F401  (the panel's lines are built below)
    from gomemtui.ui.widgets.goroutines import goroutine_lines

    t = time.perf_counter()
    load_text(TOML.replace("COUNT", str(n)))
    checked = time.perf_counter() - t
    rt = Runtime(ops.RuntimeSettings(), goroutines=("main", "worker"))
    rt.apply(ops.MakeChan("ch", parse_type("[]byte"), 0))
    body = (ops.MakeSlice("buf@worker", parse_type("byte"), 4096, 4096, g="worker"),
            ops.Send("ch", "buf@worker", g="worker"))
    t = time.perf_counter()
    rt.apply(ops.Go("worker", count=n, body=body))
    ran = time.perf_counter() - t
    t = time.perf_counter()
    view = RuntimeReader(rt).view()
    viewed = time.perf_counter() - t

    class _Frame:  # the panel reads only the view
        pass

    frame = _Frame()
    frame.view = view  # type: ignore[attr-defined]
    t = time.perf_counter()
    lines = goroutine_lines(frame, 80)  # type: ignore[arg-type]
    panel = time.perf_counter() - t
    print(f"go count = {n:>6,}: check+load {checked:6.2f} s · the step {ran:6.2f} s · view {viewed:6.2f} s · "
          f"Goroutines panel {panel * 1000:6.1f} ms ({len(lines)} lines)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true")
    args = parser.parse_args()
    for n in ([1000] if args.small else [1000, 10_000]):
        bench(n)


if __name__ == "__main__":
    main()
