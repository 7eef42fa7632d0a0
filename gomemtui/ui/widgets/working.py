"""The working line: shown only while a long step runs, with its progress and how to stop it."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class WorkingLine(Widget):
    """One line above the footer while the core works through a long step."""

    DEFAULT_CSS = """
    WorkingLine {
        height: 1; display: none; dock: bottom; margin-bottom: 1; layer: working;
        background: $warning 40%; color: $text; text-style: bold;
    }
    WorkingLine.-working { display: block; }
    """

    progress: reactive[str] = reactive("")
    """The running step's progress ("step 5, iteration 31,544 of 50,000"); "" when idle."""

    def watch_progress(self, progress: str) -> None:
        self.set_class(bool(progress), "-working")

    def render(self) -> Text:
        return Text(f" working: {self.progress} · Esc interrupts · q quits", no_wrap=True, overflow="ellipsis")
