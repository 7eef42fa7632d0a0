"""The slices panel: each backing array, the slice headers over it, and garbage arrays;
strings beside them, each over the bytes it points into."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text

from gomemtui.ui.frame import Frame
from gomemtui.ui.widgets.lines_view import LinesView
from gomemtui.units import format_bytes

if TYPE_CHECKING:  # annotations only: the core's views load with the core
    from gomemtui.runtime.read.views import ArrayView, SliceView, StringView


def slice_bar(s: SliceView, width: int, styles: dict[str, Style]) -> Text:
    """The backing array as a bar: before the slice, len, then cap beyond len.

    ░ elements before the slice's start (still alive: the array is one object),
    █ the slice's len, ▒ its spare capacity (alive, unused).
    """
    return _bar(s.array_elems, s.offset, s.len, s.cap, width, styles)


def string_bar(s: StringView, width: int, styles: dict[str, Style]) -> Text:
    """The bytes a string points into as a bar: ░ bytes before and after it (alive all
    the same: the bytes are one object), █ the string's own len."""
    return _bar(s.array_len, s.offset, s.len, s.len, width, styles)


def _bar(total: int, offset: int, length: int, cap: int, width: int, styles: dict[str, Style]) -> Text:
    width = max(4, width)
    total = max(1, total)

    def col(index: int) -> int:
        return min(width, round(index * width / total))

    start, mid, end = col(offset), col(offset + length), col(offset + cap)
    if length and mid == start:
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


def string_header(s: StringView) -> str:
    """`name string  len 16 at 100  (main)` for a string header."""
    owner = "global" if s.goroutine is None else s.goroutine
    at = f" at {s.offset}" if s.offset else ""
    return f"{s.var} string  len {s.len}{at}  ({owner})"


def string_bytes_header(a: ArrayView, strings: list[StringView]) -> str:
    """`body.data string [1048576]byte · 1.0 MiB · held by body, name` for a string's bytes."""
    if a.on_stack:
        size = f"{format_bytes(a.bytes)} on the stack"
    elif any(s.tiny for s in strings):
        size = "in a 16-byte tiny block"
    else:
        size = format_bytes(a.bytes)
    if not a.garbage:
        held = "held by " + ", ".join(a.slices)
    elif a.on_stack:
        held = "unused now: stack space, gone when the frame returns"
    else:
        held = "garbage: the next GC frees it"
    return f"{a.name} string [{a.elems}]byte · {size} · {held}"


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
    strings_by_array: dict[str | None, list[StringView]] = {}
    for t in view.strings:
        strings_by_array.setdefault(t.array, []).append(t)
    bar_width = max(4, width - 4)
    # Live arrays first, then the garbage that growth and copies left behind.
    # Strings nothing points to any more are counted, not listed: a loop that builds a
    # string per iteration leaves thousands until the next cycle.
    dropped = [a for a in view.arrays if a.string_data and a.garbage]
    for a in sorted((a for a in view.arrays if not (a.string_data and a.garbage)), key=lambda a: a.garbage):
        if not a.garbage:
            style = styles.get("array", Style(bold=True))
        elif a.on_stack:  # outgrown stack space is not garbage: nothing to strike out
            style = styles.get("muted", Style(dim=True))
        else:
            style = styles.get("garbage", Style(strike=True))
        strings = strings_by_array.pop(a.name, [])
        out.append(Text(string_bytes_header(a, strings) if a.string_data else array_header(a), style))
        for s in by_array.pop(a.name, []):
            out.append(Text("  " + slice_header(s)))
            out.append(Text("  ") + slice_bar(s, bar_width, styles))
        for t in strings:
            out.append(Text("  " + string_header(t)))
            out.append(Text("  ") + string_bar(t, bar_width, styles))
    heap_dropped = [a for a in dropped if not a.on_stack]
    if heap_dropped:
        out.append(Text(f"{len(heap_dropped):,} string(s) nothing points to: "
                        f"{format_bytes(sum(a.bytes for a in heap_dropped))}, garbage the next GC frees",
                        styles.get("garbage", Style(strike=True))))
    for array, slices in by_array.items():
        for s in slices:
            label = "nil slice" if array is None else f"→ {array}"
            out.append(Text(f"{slice_header(s)}  {label}", styles.get("muted", Style(dim=True))))
    for array, strings in strings_by_array.items():
        for t in strings:
            if array is not None:
                label = f"→ {array}"
            elif t.static:
                label = f"→ {t.static} (static data, never freed)"
            else:
                label = "empty: no bytes"
            out.append(Text(f"{string_header(t)}  {label}", styles.get("muted", Style(dim=True))))
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
