"""Regenerate the compare pictures of the README and docs/app.md:
`python screenshots/regenerate_compare.py`.

Each picture is the split view of `gomemtui compare` at a telling moment, written beside
this script as SVG. The app is paused and shows no wall clock, so a picture only changes
when the app or the simulated runtime does.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

# (file, A, B, --left, --right, panel, size, keys, what it shows)
SHOTS = (
    ("compare.svg", "gogc-100", None, "GOGC=50", "GOGC=200", "gc", (160, 44), ("end",),
     "GOGC=50 against GOGC=200 at the end: more cycles and a smaller heap on the left"),
    ("compare-small.svg", "gogc-100", None, "GOGC=50", "GOGC=200", "heap", (80, 24), ("n", "n", "n", "n"),
     "the 80×24 layout: one side at a time, its tab, the diff line"),
)


async def capture(first: str, second: str | None, left: str | None, right: str | None, panel: str,
                  size: tuple[int, int], keys: tuple[str, ...]) -> str:
    from gomemtui.scenario.settings import Overrides, parse_assignment
    from gomemtui.ui.compare.app import CompareApp
    from gomemtui.ui.compare.sides import load_side, resolve_sides

    sides = resolve_sides(first, second, parse_assignment(left) if left else None,
                          parse_assignment(right) if right else None, Overrides())
    app = CompareApp(load_side(sides[0]), load_side(sides[1]), sides, panel=panel)
    async with app.run_test(size=size) as pilot:
        for key in ("", *keys):
            if key:
                await pilot.press(key)
            for _ in range(400):
                await pilot.pause()
                await app.workers.wait_for_complete()
                await pilot.pause()
                if not getattr(app.screen, "busy", False) and getattr(app.screen, "pairs_shown", 0):
                    break
        await pilot.pause(0.1)
        return app.export_screenshot(title="gomemtui compare")


def main() -> None:
    for name, first, second, left, right, panel, size, keys, what in SHOTS:
        svg = asyncio.run(capture(first, second, left, right, panel, size, keys))
        (HERE / name).write_text(svg, encoding="utf-8")
        print(f"{name:20} {what}")


if __name__ == "__main__":
    main()
