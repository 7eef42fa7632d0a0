"""The slices panel: each backing array, the slice headers over it, and garbage arrays."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text

from gomemtui.ui.frame import Frame
from gomemtui.ui.widgets.lines_view import LinesView
from gomemtui.units import format_bytes

if TYPE_CHECKING:  # annotations only: the core's views load with the core
    from gomemtui.runtime.read.views import ArrayView, SliceView


def slice_bar(s: SliceView, width: int, styles: dict[str, Style]) -> Text:
    """The backing array as a bar: before the slice, len, then cap beyond len.

    ░ elements before the slice's start (still alive: the array is one object),
    █ the slice's len, ▒ its spare capacity (alive, unused).
    """
    width = max(4, width)
    total = max(1, s.array_elems)

    def col(index: int) -> int:
        return min(width, round(index * width / total))

    start, mid, end = col(s.offset), col(s.offset + s.len), col(s.offset + s.cap)
    if s.len and mid == start:
        mid = min(width, start + 1)
    text = Text()
    text.append("░" * start, styles.get("outside", Style(dim=True)))
    text.append("█" * (mid - start), styles.get("len", Style()))
    text.append("▒" * (max(end, mid) - mid), styles.get("cap", Style()))
    text.append("░" * (width - max(end, mid)), styles.get("outside", Style(dim=True)))
    return text


def slice_header(s: SliceView) -> str:
    """`numbers []int  len 96 cap 128 (main)` for a slice header."""
    owner = "global" if s.goroutine is None else s.goroutine
    where = " · stack" if s.on_stack else ""
    return f"{s.var} []{s.elem}  len {s.len} cap {s.cap}  ({owner}{where})"


def array_header(a: ArrayView) -> str:
    """`a1 [128]int · 1024 B · held by numbers, small` for a backing array."""
    if not a.garbage:
        held = "held by " + ", ".join(a.slices)
    elif a.on_stack:  # part of a stack frame: popped with it, never the collector's
        held = "unused now: stack space, gone when the frame returns"
    else:
        held = "garbage: the next GC frees it"
    where = " on the stack" if a.on_stack else ""
    return f"{a.name} [{a.elems}]{a.elem} · {format_bytes(a.bytes)}{where} · {held}"


def slices_lines(frame: Frame, width: int, styles: dict[str, Style] | None = None) -> list[Text]:
    """Arrays with their slices drawn over them, then nil slices.

    Args:
        frame: The frame (its view's slices and arrays).
        width: Columns available.
        styles: Styles for "array", "garbage", "len", "cap", "outside", "muted".

    Returns:
        The panel's lines.
    """
    styles = styles or {}
    view = frame.view
    out: list[Text] = []
    by_array: dict[str | None, list[SliceView]] = {}
    for s in view.slices:
        by_array.setdefault(s.array, []).append(s)
    bar_width = max(4, width - 4)
    # Live arrays first, then the garbage that growth and copies left behind.
    for a in sorted(view.arrays, key=lambda a: a.garbage):
        if not a.garbage:
            style = styles.get("array", Style(bold=True))
        elif a.on_stack:  # outgrown stack space is not garbage: nothing to strike out
            style = styles.get("muted", Style(dim=True))
        else:
            style = styles.get("garbage", Style(strike=True))
        out.append(Text(array_header(a), style))
        for s in by_array.pop(a.name, []):
            out.append(Text("  " + slice_header(s)))
            out.append(Text("  ") + slice_bar(s, bar_width, styles))
    for array, slices in by_array.items():
        for s in slices:
            label = "nil slice" if array is None else f"→ {array}"
            out.append(Text(f"{slice_header(s)}  {label}", styles.get("muted", Style(dim=True))))
    if not out:
        out.append(Text("no slices yet", styles.get("muted", Style(dim=True))))
    else:
        out.append(Text("█ len  ▒ cap beyond len (kept alive)  ░ rest of the array", styles.get("muted", Style(dim=True))))
    return out


class SlicesView(LinesView):
    """Slice headers over their backing arrays; arrays left as garbage by growth."""

    COMPONENT_CLASSES = {
        "slices-view--array", "slices-view--garbage", "slices-view--len",
        "slices-view--cap", "slices-view--outside", "slices-view--muted",
    }

    DEFAULT_CSS = """
    SlicesView > .slices-view--array { text-style: bold; }
    SlicesView > .slices-view--garbage { color: $error; text-style: strike; }
    SlicesView > .slices-view--len { color: $success; }
    SlicesView > .slices-view--cap { color: $warning; }
    SlicesView > .slices-view--outside { color: $text-muted; }
    SlicesView > .slices-view--muted { color: $text-muted; }
    """

    def build_lines(self, frame: Frame, width: int) -> list[Text]:
        return slices_lines(frame, width, self.styles_for(*sorted(self.COMPONENT_CLASSES)))
