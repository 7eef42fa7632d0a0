"""The header line: title, step k/n, simulated time, GC phase, heap in use / goal, playback."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from gomemtui.ui.frame import Frame
from gomemtui.units import format_bytes, format_goal, format_ns


def header_text(frame: Frame | None, playing: bool, speed: float, width: int, busy: bool = False) -> Text:
    """The header's content; parts are dropped from the right when narrow.

    Args:
        frame: The frame shown (None while loading).
        playing: Whether playback runs.
        speed: Actions per second.
        width: Columns available.
        busy: The core is still working on an action.

    Returns:
        One line of text.
    """
    if frame is None:
        return Text(" gomemtui · loading…")
    view = frame.view
    state = f"▶ {speed:g}/s" if playing else "‖ paused"
    if busy and not playing:
        state = "… working"
    parts = [
        f" {frame.program.title or 'gomemtui'}",
        f"in step {frame.next_step + 1}/{frame.total_steps}" if frame.where
        else f"step {frame.next_step}/{frame.total_steps}",
        f"GC {view.gc.phase.value}",
        f"heap {format_bytes(view.memstats.heap_inuse)} / goal {format_goal(view.gc.goal)}",
        state,
        f"t={format_ns(view.time_ns)}",
        f"cycle {view.gc.cycle}",
    ]
    keep = [parts[0]]
    used = len(parts[0])
    for part in parts[1:]:
        if used + 3 + len(part) > width:
            break
        keep.append(part)
        used += 3 + len(part)
    return Text(" │ ".join(keep))


class StatusHeader(Widget):
    """One line of where we are: the essentials at any width."""

    DEFAULT_CSS = """
    StatusHeader { height: 1; background: $primary; color: $text; text-style: bold; }
    """

    frame: reactive[Frame | None] = reactive(None)
    """The frame shown."""
    playing: reactive[bool] = reactive(False)
    """Whether playback runs."""
    speed: reactive[float] = reactive(2.0)
    """Playback speed in actions per second."""
    busy: reactive[bool] = reactive(False)
    """An action is running in the core."""

    def render(self) -> Text:
        return header_text(self.frame, self.playing, self.speed, self.size.width, self.busy)
