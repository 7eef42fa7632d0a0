"""Regenerate the README's pictures: `python screenshots/regenerate.py`.

Each picture is `gomemtui screenshot` of a bundled scenario at a telling moment, written
beside this script as SVG. The app is paused and shows no wall clock, so a picture only
changes when the app or the simulated runtime does.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

# (file, scenario, step, size, keys, zoom, what it shows)
SHOTS: tuple[tuple[str, str, int, tuple[int, int], tuple[str, ...], str | None, str], ...] = (
    ("reslice-retention.svg", "tour", 3, (140, 42), (), None,
     "small := numbers[:10] keeps the whole 8 KiB array alive"),
    ("mid-mark.svg", "gogc-100", 3, (140, 42), ("]", "m", "m"), None,
     "a GC cycle the heap started inside a loop, stopped mid-mark by ]: white, grey and black "
     "objects, the write barrier on, where the loop stands"),
    ("goroutine-leak.svg", "leak", 14, (140, 42), (), None,
     "a goroutine blocked for ever keeps its list alive"),
    ("pacer.svg", "map-and-pool", 17, (140, 42), (), "gc",
     "the GC panel zoomed: phases, pacer figures, gctrace lines and the pacer chart"),
    ("small-terminal.svg", "tour", 3, (80, 24), (), None,
     "the 80×24 layout: one panel at a time, tabs, and the explanation strip"),
    ("what-if.svg", "gogc-100", 5, (140, 42),
     ("o", *"GOGC=50", "enter", "o", *"GOGC=200", "enter"), "gc",
     "what if GOGC were 50, or 200? both runs over the pacer chart, their figures in the header"),
    ("pprof-top.svg", "13-pprof-heap", 4, (100, 12), ("t", "s", "z"), None,
     "the Top panel (t, zoomed) sorted by alloc_space (s): the line that allocates beside the one that holds"),
)

KEYS = {"]": "right_square_bracket", "[": "left_square_bracket", "=": "equals_sign"}


def main() -> None:
    from gomemtui.scenario import load_program
    from gomemtui.ui.screenshot import screenshot

    for name, scenario, step, size, keys, zoom, what in SHOTS:
        program = load_program(scenario)
        step = min(step, len(program.steps))
        screenshot(program, step, size, HERE / name, keys=[KEYS.get(k, k) for k in keys], zoom=zoom,
                   force=True)  # these pictures are meant to be replaced
        print(f"{name:24} {scenario} after step {step}: {what}")


if __name__ == "__main__":
    main()
