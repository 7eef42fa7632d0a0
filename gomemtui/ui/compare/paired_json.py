"""`gomemtui compare --json`: both runs' steps paired, one JSON line per step index.

Each side is walked exactly as `gomemtui run --json` walks a run (`headless.walk`,
`headless.step_object`), so a side's object is the line `run --json` prints for that
step with that side's settings; `side_by_side.pair_steps` pairs them and adds the
differences. The last line is ``{"summary": true, "left": ..., "right": ...}``: each
run's `run --json` summary, with its scenario and settings.
"""

from __future__ import annotations

import json
from typing import Any, Iterator, TextIO

from gomemtui import headless
from gomemtui.headless import StepResult, TimelineLike
from gomemtui.runtime.read.side_by_side import differences, pair_steps, state_figures
from gomemtui.ui.compare.sides import CompareSide
from gomemtui.units import json_printable

__all__ = ["run_compare_json", "dump_line"]


def dump_line(obj: Any) -> str:
    """One JSON line as `run --json` writes it (controls a terminal acts on escaped)."""
    return json_printable(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))


def run_compare_json(left: TimelineLike, right: TimelineLike, out: TextIO,
                     sides: tuple[CompareSide, CompareSide]) -> dict[str, Any]:
    """Play both timelines to their ends, step by step in turn, writing the paired lines.

    Returns:
        The summary object written last.
    """
    results: dict[str, list[StepResult]] = {"left": [], "right": []}

    def steps(name: str, timeline: TimelineLike) -> Iterator[dict[str, Any]]:
        for r in headless.walk(timeline):
            results[name].append(r)
            yield headless.step_object(r)

    for pair in pair_steps(steps("left", left), steps("right", right)):
        out.write(dump_line(pair) + "\n")
    summaries = {}
    for side, timeline in zip(sides, (left, right)):
        summary = headless.to_jsonable(headless.summarize(timeline, results[side.side]).to_json())
        summary.pop("summary", None)
        summaries[side.side] = {"scenario": str(side.path), "settings": side.settings_label, **summary}
    ends = [state_figures(r[-1].state) for r in results.values() if r]
    last = {
        "summary": True,
        "left": summaries["left"],
        "right": summaries["right"],
        "differences": {d.name: d.to_json() for d in differences(*ends)} if len(ends) == 2 else {},
    }
    out.write(dump_line(last) + "\n")
    return last
