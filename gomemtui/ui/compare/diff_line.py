"""The diff line: where the two sides of a comparison stand and how their figures differ.

`L│R  step 4/5│4/5 · heap 1.9 MiB│5 MiB▲ · live 1.2 MiB▲│0 B · cycles 3▲│0 · objects 17│66▲`:
each side's step, then the heap (HeapAlloc), the live heap the last cycle marked, GC
cycles completed and heap objects, the left side's value first; the larger value of a
figure is highlighted and marked ▲. The figures are the runtime's
(`runtime/read/side_by_side.py`); this widget only formats them.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget

from gomemtui.runtime.read.side_by_side import FigureDifference, differences, view_figures
from gomemtui.ui.frame import Frame
from gomemtui.units import MESSAGE_STYLE, format_bytes, format_count

__all__ = ["DiffLine", "diff_cells", "LARGER"]

LARGER = "▲"
"""Marks the larger side's value of a figure."""
SEPARATOR = " · "
BETWEEN = "│"


def _value(d: FigureDifference, value: int) -> str:
    if d.name in ("heap", "live"):
        return format_bytes(value, **MESSAGE_STYLE)
    return format_count(value)


def _step(frame: Frame) -> str:
    where = f"{frame.next_step}/{frame.total_steps}"
    if frame.where:  # paused inside a step by ]
        where = f"inside {frame.step.index + 1 if frame.step is not None else frame.next_step + 1}/{frame.total_steps}"
    return where + (" end" if frame.at_end else "")


def diff_cells(left: Frame, right: Frame, styles: dict[str, Style]) -> list[Text]:
    """The line's cells: the steps, then one cell per compared figure."""
    cells = [Text.assemble(("L" + BETWEEN + "R  ", styles["label"]), ("step ", styles["label"]),
                           _step(left), (BETWEEN, styles["label"]), _step(right))]
    for d in differences(view_figures(left.view), view_figures(right.view)):
        cell = Text(f"{d.name} ", style=styles["label"])
        for side, value in (("left", d.left), ("right", d.right)):
            if side == "right":
                cell.append(BETWEEN, styles["label"])
            if d.larger == side:
                cell.append(_value(d, value) + LARGER, styles["larger"])
            else:
                cell.append(_value(d, value), styles["value"])
        cells.append(cell)
    return cells


class DiffLine(Widget):
    """Both sides' steps and the four compared figures, the larger of each marked."""

    COMPONENT_CLASSES = {"diff-line--label", "diff-line--value", "diff-line--larger"}

    DEFAULT_CSS = """
    DiffLine { height: auto; max-height: 3; background: $panel; padding: 0 1; }
    DiffLine > .diff-line--label { color: $text-muted; }
    DiffLine > .diff-line--value { color: $text; }
    DiffLine > .diff-line--larger { color: $warning; text-style: bold; }
    """

    pair: reactive[tuple[Frame, Frame] | None] = reactive(None, layout=True)
    """The two sides' frames (left, right); None before the first."""

    def _styles(self) -> dict[str, Style]:
        return {part: self.get_component_rich_style(f"diff-line--{part}", partial=True)
                for part in ("label", "value", "larger")}

    def text_for(self, width: int) -> Text:
        """The line at `width`: whole cells, wrapped onto another line where one would not fit."""
        styles = self._styles()
        if self.pair is None:
            return Text("loading both sides…", style=styles["label"])
        text = Text(no_wrap=True, overflow="crop")
        line = 0
        for cell in diff_cells(*self.pair, styles):
            if line and line + len(SEPARATOR) + cell.cell_len > width:
                text.append("\n")
                line = 0
            elif line:
                text.append(SEPARATOR, styles["label"])
                line += len(SEPARATOR)
            text.append_text(cell)
            line += cell.cell_len
        return text

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.text_for(max(1, width)).plain.split("\n"))

    def render(self) -> Text:
        return self.text_for(max(1, self.content_size.width))
