"""The event log: every action so far and the events it produced, newest last."""

from __future__ import annotations

from typing import Callable

from rich.style import Style
from rich.text import Text

from gomemtui.ui.frame import Frame, LogEntry
from gomemtui.ui.widgets.lines_view import LinesView

MAX_LINES = 1500
"""Lines kept on screen (the oldest entries are left out)."""


def entry_lines(entry: LogEntry, styles: dict[str, Style]) -> list[Text]:
    """An action's header line, then one line per event it produced."""
    block = [Text(f"{entry.position:>5} {entry.title}", styles.get("entry", Style(bold=True)))]
    for event in entry.events:
        style = styles.get("gc", Style()) if event.kind in ("gc", "gc_phase") else Style()
        block.append(Text(f"      {event.text}", style))
    if entry.more:
        block.append(Text(f"      … {entry.more} more events"))
    return block


def log_lines(frame: Frame, width: int, styles: dict[str, Style] | None = None,
              block: Callable[[LogEntry, dict[str, Style]], list[Text]] = entry_lines) -> list[Text]:
    """One header line per action, then one line per event.

    Args:
        frame: The frame (its `log`).
        width: Columns available (unused: lines are cropped).
        styles: Styles for "entry" and "gc".
        block: Makes one entry's lines (`entry_lines`, or a cached version of it).

    Returns:
        At most MAX_LINES lines, the newest last.
    """
    styles = styles or {}
    blocks: list[list[Text]] = []
    count = 0
    for entry in reversed(frame.log):
        lines = block(entry, styles)
        blocks.append(lines)
        count += len(lines)
        if count >= MAX_LINES:
            break
    out = [line for lines in reversed(blocks) for line in lines]
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

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._blocks: dict[int, tuple[LogEntry, dict[str, Style], list[Text]]] = {}

    def _cached_block(self, entry: LogEntry, styles: dict[str, Style]) -> list[Text]:
        """`entry_lines`, made once per log entry (entries live as long as the log keeps them)."""
        hit = self._blocks.get(id(entry))
        if hit is not None and hit[0] is entry and hit[1] is styles:
            return hit[2]
        lines = entry_lines(entry, styles)
        self._blocks[id(entry)] = (entry, styles, lines)
        return lines

    def build_lines(self, frame: Frame, width: int) -> list[Text]:
        if len(self._blocks) > 2 * MAX_LINES:
            live = {id(entry) for entry in frame.log}
            self._blocks = {key: value for key, value in self._blocks.items() if key in live}
        return log_lines(frame, width, self.styles_for("event-log--entry", "event-log--gc"), self._cached_block)
