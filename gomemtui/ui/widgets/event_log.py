"""The event log: every action so far and the events it produced, newest last."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from gomemtui.ui.frame import Frame
from gomemtui.ui.widgets.lines_view import LinesView

MAX_LINES = 1500
"""Lines kept on screen (the oldest entries are left out)."""


def log_lines(frame: Frame, width: int, styles: dict[str, Style] | None = None) -> list[Text]:
    """One header line per action, then one line per event.

    Args:
        frame: The frame (its `log`).
        width: Columns available (unused: lines are cropped).
        styles: Styles for "entry" and "gc".

    Returns:
        At most MAX_LINES lines, the newest last.
    """
    styles = styles or {}
    out: list[Text] = []
    for entry in reversed(frame.log):
        block = [Text(f"{entry.position:>5} {entry.title}", styles.get("entry", Style(bold=True)))]
        for event in entry.events:
            style = styles.get("gc", Style()) if event.kind in ("gc", "gc_phase") else Style()
            block.append(Text(f"      {event.text}", style))
        if entry.more:
            block.append(Text(f"      … {entry.more} more events"))
        out[:0] = block
        if len(out) >= MAX_LINES:
            break
    if not out:
        out.append(Text("(nothing has happened yet)"))
    return out[-MAX_LINES:]


class EventLog(LinesView):
    """Everything the runtime did, action by action; rewinding trims it."""

    FOLLOW_END = True

    COMPONENT_CLASSES = {"event-log--entry", "event-log--gc"}

    DEFAULT_CSS = """
    EventLog > .event-log--entry { color: $accent; }
    EventLog > .event-log--gc { color: $warning; }
    """

    def build_lines(self, frame: Frame, width: int) -> list[Text]:
        return log_lines(frame, width, self.styles_for("event-log--entry", "event-log--gc"))
