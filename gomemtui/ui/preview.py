"""What a scenario file says of itself, read without checking it: drawn while the core loads.

The first time a file is opened no frame of it is kept (`gomemtui.ui.first_frame`), and
its first frame needs the runtime core, numpy with it, and the checked scenario: most of
a second. The scenario's own words do not: its title, summary, Go source and which lines
its steps run are in the file as written. The app draws them in its very first paint
(header, Source panel, explanation), and the core's frame replaces them, figures and
heap map included, when it comes.

Nothing here is a figure: a preview holds text the file states. The file is read with
`tomllib` alone; anything unexpected (not TOML, a field of another type) gives no
preview, and the loader reports the problem as it always does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ScenarioPreview:
    """A scenario's title, summary, source and step lines, as its file states them."""

    title: str
    summary: str
    source: str
    step_lines: frozenset[int]
    """Source lines the steps run (the Source panel marks them)."""
    total_steps: int


MAX_PREVIEW_BYTES = 1 << 20
"""A larger file is read by the loader only (its own limits apply)."""


def read_preview(path: Path) -> ScenarioPreview | None:
    """The preview of the scenario file at `path`, or None if it cannot be read as one."""
    import tomllib  # here: the app's modules import none of the scenario reader's

    try:
        if path.stat().st_size > MAX_PREVIEW_BYTES:
            return None
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError):
        return None
    scenario, source, steps = data.get("scenario"), data.get("source", {}), data.get("step")
    if not (isinstance(scenario, dict) and isinstance(source, dict) and isinstance(steps, list) and steps):
        return None
    title, summary, code = scenario.get("title"), scenario.get("summary", ""), source.get("code", "")
    if not (isinstance(title, str) and title.strip() and isinstance(summary, str) and isinstance(code, str)):
        return None
    lines = [step.get("line") or 1 for step in steps if isinstance(step, dict)]  # no line: the first
    if len(lines) != len(steps) or not all(isinstance(n, int) and not isinstance(n, bool) for n in lines):
        return None
    return ScenarioPreview(title, summary, code, frozenset(lines), len(steps))
