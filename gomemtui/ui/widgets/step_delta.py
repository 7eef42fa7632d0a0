"""The delta line: what the last step changed, in one line above the explanation.

`heap +8 KiB · +1 object · +1 span · live, goroutines unchanged`: the changes of the five
figures of `runtime/read/delta.py` (HeapAlloc, the live heap the last cycle marked,
HeapObjects, spans in use, NumGoroutine) from the position before the last action to
this one. Changed figures come first, the unchanged ones are named together at the end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from gomemtui.ui.frame import Frame
from gomemtui.ui.widgets.facts import signed_bytes, signed_count

if TYPE_CHECKING:
    from gomemtui.runtime.read.delta import StepDelta

_CONSOLE = Console(width=400, color_system=None, force_terminal=False)
LABEL = "changed: "
BEFORE_FIRST = "each step's changes show here: heap, live heap, objects, spans, goroutines"


def change_text(name: str, change: int) -> str:
    """One changed figure: `heap +8 KiB`, `live −1.5 MiB`, `+1 object`, `−2 spans`."""
    if name == "heap":
        return f"heap {signed_bytes(change)}"
    if name == "live":
        return f"live {signed_bytes(change)}"
    if name == "objects":
        return signed_count(change, "object")
    if name == "spans":
        return signed_count(change, "span")
    return signed_count(change, "goroutine")


def wrapped_lines(text: Text, width: int) -> int:
    """Lines `text` takes wrapped at `width`."""
    if text.cell_len <= width or width <= 0:
        return 1
    return len(text.wrap(_CONSOLE, width))


def fits(text: Text, width: int, lines: int) -> bool:
    """Whether `text` wrapped at `width` takes at most `lines` lines."""
    return text.cell_len <= width or (lines > 1 and width > 0 and wrapped_lines(text, width) <= lines)


def delta_text(delta: StepDelta | None, width: int, styles: dict[str, Style] | None = None,
               lines: int = 1) -> Text:
    """The delta line for a frame's delta.

    Args:
        delta: What the last action changed (None before the first step).
        width: Columns available: a text that does not fit in `lines` lines drops the
            "changed:" label, then the names of the unchanged figures.
        styles: Styles for "label", "figure", "muted".
        lines: Lines the text may wrap to.

    Returns:
        The text (longer than `lines` lines only when the changes alone are).
    """
    styles = styles or {}
    label = styles.get("label", Style(dim=True))
    figure = styles.get("figure", Style(bold=True))
    muted = styles.get("muted", Style(dim=True))
    if delta is None:
        return Text(BEFORE_FIRST, muted)
    changed = [(name, n) for name, n in delta.changes if n]
    same = [name for name, n in delta.changes if not n]
    if not changed:
        return Text("no change to " + ", ".join(same), muted)
    figures = Text()
    for i, (name, n) in enumerate(changed):
        if i:
            figures.append(" · ", muted)
        figures.append(change_text(name, n), figure)
    rest = Text(" · " + ", ".join(same) + " unchanged", muted) if same else Text()
    # The longest that fits: label, changes, unchanged figures; then without the label;
    # then the changes alone (wrapped if even they do not fit).
    for text in (Text(LABEL, label) + figures + rest, figures + rest):
        if fits(text, width, lines):
            return text
    return figures


class StepDeltaLine(Widget):
    """What the last step changed: heap, live heap, objects, spans, goroutines.

    Args:
        lines: Lines the text may wrap to before it drops words (the Explain panel has
            room for two; the strip of the small layout gives one).
    """

    COMPONENT_CLASSES = {"step-delta-line--label", "step-delta-line--figure", "step-delta-line--muted"}

    DEFAULT_CSS = """
    StepDeltaLine { height: auto; max-height: 2; background: $surface; padding: 0 1; }
    StepDeltaLine > .step-delta-line--label { color: $text-muted; }
    StepDeltaLine > .step-delta-line--figure { color: $text; text-style: bold; }
    StepDeltaLine > .step-delta-line--muted { color: $text-muted; }
    """

    frame: reactive[Frame | None] = reactive(None, repaint=False)
    """The frame whose delta is drawn (repainted only when the line's text changes)."""

    def __init__(self, *, lines: int = 1, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.lines = lines
        """Lines the text may take."""
        self._text: Text | None = None
        self._style_parts: dict[str, Style] | None = None

    def _styles(self) -> dict[str, Style]:
        if self._style_parts is None:
            self._style_parts = {
                part: self.get_component_rich_style(f"step-delta-line--{part}", partial=True)
                for part in ("label", "figure", "muted")
            }
        return self._style_parts

    def _build(self) -> Text:
        frame = self.frame
        if frame is None:
            return Text("")
        return delta_text(frame.delta, self.content_size.width, self._styles(), self.lines)

    def watch_frame(self, frame: Frame | None) -> None:
        """Repaint only when the line's text changes; lay out again only when it needs
        another number of lines (a layout costs the whole screen)."""
        text = self._build()
        if self._text is not None and text == self._text:
            return
        width = max(1, self.content_size.width)
        lines_before = 1 if self._text is None else wrapped_lines(self._text, width)
        self._text = text
        self.refresh(layout=wrapped_lines(text, width) != lines_before)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._style_parts = None
        self._text = None

    def render(self) -> Text:
        text = self._text = self._build()
        return text
