"""The heap map: pages and spans as a grid of cells, drawn with the Line API.

One widget draws the whole heap from the numpy grid in a `Frame` (`Runtime.heap_grid`):
each line is one row of cell codes turned into run-length segments from a prebuilt
palette, so a frame costs a few hundred segments whatever the number of objects.
With a span selected (Enter on a cell) it shows that span's slots instead.

The cell cursor is not drawn until the user moves it (arrow keys, h/j/k/l, a click):
a map that opens with a marked cell would make that cell look special. Once shown it is
one `┼` in reverse video at the middle of the cell, a glyph no palette uses, so it never
reads as data, however large the cells are.
"""

from __future__ import annotations

from dataclasses import dataclass

from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Offset, Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from gomemtui.runtime.enums import GridMode, MarkColor
from gomemtui.ui.frame import Frame
from gomemtui.ui.heap_palette import legend, palette
from gomemtui.ui.redraw import changed_runs
from gomemtui.units import format_bytes

if TYPE_CHECKING:
    import numpy as np
    from gomemtui.runtime.read.views import SpanView
CURSOR_GLYPH = "┼"
"""Drawn, in reverse video, at the middle of the cell under the cursor (Enter zooms into
its span); no palette uses it (see `heap_palette`)."""
SHORT_LABELS = {"small class": "small", "medium": "mid", "large obj": "large"}
"""Legend labels (`heap_palette.legend`) in the abbreviated tiers."""
SLOT_GLYPHS = {"free": "·", "allocated": "■", "garbage": "×"}
"""A span slot's glyph by state."""


class HeapMap(ScrollView, can_focus=True):
    """Pages and spans of the simulated heap, colored by size class, fill or mark color."""

    BINDINGS = [
        Binding("up,k", "cursor(-1, 0)", "Cursor up", show=False),
        Binding("down,j", "cursor(1, 0)", "Cursor down", show=False),
        Binding("h", "cursor(0, -1)", "Cursor left", show=False),
        Binding("l", "cursor(0, 1)", "Cursor right", show=False),
        Binding("enter", "inspect", "Inspect span"),
        Binding("escape", "close_span", "Back to map"),
    ]

    COMPONENT_CLASSES = {
        "heap-map--legend",
        "heap-map--cursor",
        "heap-map--title",
    }

    DEFAULT_CSS = """
    HeapMap {
        background: $surface;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
    }
    HeapMap > .heap-map--legend { color: $text-muted; }
    HeapMap > .heap-map--cursor { text-style: bold reverse; }
    HeapMap > .heap-map--title { text-style: bold; color: $accent; }
    """

    frame: reactive[Frame | None] = reactive(None, init=False, repaint=False)
    """The frame drawn (compared by identity; `watch_frame` repaints what changed)."""
    cursor: reactive[Offset] = reactive(Offset(0, 0), init=False)
    """Selected cell as Offset(col, row)."""
    cursor_shown: reactive[bool] = reactive(False, init=False)
    """Whether the cursor is drawn: only once the user has moved it (keys or mouse)."""
    mono: reactive[bool] = reactive(False, init=False)
    """Draw glyphs only (NO_COLOR or the "mono" color mode)."""
    show_span: reactive[bool] = reactive(False, init=False)
    """Whether the zoomed span view is shown instead of the map."""

    @dataclass
    class GridResized(Message):
        """The map's drawing area changed: the app asks the core for a grid this size."""

        rows: int
        cols: int

    @dataclass
    class SpanRequested(Message):
        """The user asked to zoom into the span under a cell."""

        row: int
        col: int

    class SpanClosed(Message):
        """The user left the span view."""

    LEGEND_LINES = 1

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._last_shape: tuple[int, int] | None = None
        self.max_grid_rows: int | None = None
        """Most grid rows to ask for, whatever the height (None: as many as fit). Set by a
        screen whose layout changes the map's height from step to step (the explanation
        strip of small terminals): the grid keeps its shape and the rows the map gains
        stay blank, so the picture does not reflow as the strip grows and shrinks."""
        self._span_cache: tuple[SpanView, int, list[SpanLine]] | None = None
        self._base_style: Style | None = None
        self._parts: dict[str, Style] = {}

    def _span_lines(self, span: SpanView, width: int) -> list[SpanLine]:
        """`span_lines`, cached for the span and width drawn."""
        cache = self._span_cache
        if cache is None or cache[0] is not span or cache[1] != width:
            cache = (span, width, span_lines(span, width))
            self._span_cache = cache
        return cache[2]

    # -- geometry --------------------------------------------------------------

    def grid_shape_for(self, size: Size) -> tuple[int, int]:
        """Rows and columns of the grid that fills a content area of `size` (at most
        `max_grid_rows` rows)."""
        rows = max(1, size.height - self.LEGEND_LINES)
        if self.max_grid_rows is not None:
            rows = max(1, min(rows, self.max_grid_rows))
        return rows, max(1, size.width)

    def limit_grid_rows(self, rows: int | None) -> None:
        """Set `max_grid_rows` and ask for a grid of the shape that gives."""
        self.max_grid_rows = rows
        if self.size.area:
            self._ask_for_grid(self.size)

    def _ask_for_grid(self, size: Size) -> None:
        shape = self.grid_shape_for(size)
        if shape != self._last_shape:
            self._last_shape = shape
            self.post_message(self.GridResized(*shape))

    def on_resize(self, event: events.Resize) -> None:
        """Ask for a grid of the new size."""
        self._ask_for_grid(event.size)
        self._update_virtual_size()

    def _update_virtual_size(self) -> None:
        if self.show_span and self.frame is not None and self.frame.span is not None:
            lines = self._span_lines(self.frame.span, self.size.width)
            self.virtual_size = Size(self.size.width, len(lines))
        else:
            self.virtual_size = Size(self.size.width, self.size.height)

    def watch_frame(self, old: Frame | None, frame: Frame | None) -> None:
        """Redraw for a new frame (not at all when the picture is the same)."""
        if frame is not None and frame.span is None and self.show_span:
            self.show_span = False
        if old is not None and frame is not None and not self.show_span and same_layout(old, frame):
            self._refresh_changed_rows(old, frame)
            return
        self._update_virtual_size()
        self.refresh()

    def _refresh_changed_rows(self, old: Frame, frame: Frame) -> None:
        """Repaint the grid rows whose cells differ, and the legend if its figures do."""
        import numpy as np

        grid, cell_h = frame.grid, frame.grid.cell_h
        width = self.size.width
        rows_changed = np.any(np.asarray(old.grid.cells) != np.asarray(grid.cells), axis=1).tolist()
        for row, count in changed_runs(rows_changed):
            self.refresh(Region(0, row * cell_h, width, count * cell_h))
        if (old.view.spans_in_use, old.view.pages_mapped) != (frame.view.spans_in_use, frame.view.pages_mapped):
            self.refresh(Region(0, self.size.height - self.LEGEND_LINES, width, self.LEGEND_LINES))

    def watch_show_span(self) -> None:
        self.refresh_bindings()
        self.scroll_home(animate=False)
        self._update_virtual_size()
        self.refresh()

    def watch_mono(self) -> None:
        self.refresh()

    def watch_cursor(self) -> None:
        self.refresh()

    def watch_cursor_shown(self) -> None:
        self.refresh_bindings()
        self.refresh()

    # -- actions ---------------------------------------------------------------

    def action_cursor(self, drow: int, dcol: int) -> None:
        """Move the cell cursor, staying inside the grid (the first key shows it where it is)."""
        if self.show_span:
            self.scroll_relative(y=drow, animate=False)
            return
        if not self.cursor_shown:
            self.cursor_shown = True
            return
        rows, cols = self._grid_dims()
        self.cursor = Offset(
            max(0, min(cols - 1, self.cursor.x + dcol)),
            max(0, min(rows - 1, self.cursor.y + drow)),
        )

    def action_inspect(self) -> None:
        """Zoom into the span under the cursor (with no cursor yet, show it first)."""
        if not self.cursor_shown:
            self.cursor_shown = True
            return
        self.post_message(self.SpanRequested(self.cursor.y, self.cursor.x))

    def action_close_span(self) -> None:
        """Go back from the span view to the map."""
        self.show_span = False
        self.post_message(self.SpanClosed())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape only means something in the span view, Enter only on the map (hidden otherwise)."""
        # Textual: False hides the key from the footer, None shows it greyed out.
        if action == "close_span":
            return self.show_span
        if action == "inspect":
            return False if self.show_span else (True if self.frame is not None else None)
        return True

    def on_click(self, event: events.Click) -> None:
        """Clicking a cell selects it; clicking it again zooms into its span."""
        offset = event.get_content_offset(self)
        if offset is None or self.show_span:
            return
        rows, cols = self._grid_dims()
        cell_w, cell_h = (self.frame.grid.cell_w, self.frame.grid.cell_h) if self.frame else (1, 1)
        col, row = offset.x // cell_w, offset.y // cell_h
        if row < rows and col < cols:
            target = Offset(col, row)
            if target == self.cursor and self.cursor_shown:
                self.action_inspect()
            self.cursor = target
            self.cursor_shown = True

    def _part(self, name: str) -> Style:
        """A component class's style (plain when drawn without an app, as in tests); cached."""
        style = self._parts.get(name)
        if style is None:
            style = self._parts[name] = self.get_component_rich_style(name, partial=True, default=Style())
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._base_style = None
        self._parts = {}

    def _grid_dims(self) -> tuple[int, int]:
        if self.frame is None:
            return self.grid_shape_for(self.size)
        return self.frame.grid.rows, self.frame.grid.cols

    # -- drawing ---------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """One line of the map (or of the span view)."""
        width = self.size.width
        base = self._base_style
        if base is None:
            base = self._base_style = self.rich_style
        frame = self.frame
        if frame is None:
            return Strip.blank(width, base)
        if self.show_span and frame.span is not None:
            scroll_x, scroll_y = self.scroll_offset
            lines = self._span_lines(frame.span, width)
            index = y + scroll_y
            if index >= len(lines):
                return Strip.blank(width, base)
            return self._span_strip(frame.span, lines[index], width, base)
        grid = frame.grid
        legend_row = self.size.height - self.LEGEND_LINES
        if y >= legend_row:
            return self._legend_strip(grid.mode, frame, width, base)
        row, row_in_cell = divmod(y, grid.cell_h)
        if row >= grid.rows:
            return Strip.blank(width, base)
        on_cursor_row = self.cursor_shown and row == self.cursor.y and row_in_cell == grid.cell_h // 2
        cursor_col = self.cursor.x if self.has_focus and on_cursor_row else None
        cursor_style = self._part("heap-map--cursor") if cursor_col is not None else None
        return grid_row_strip(grid.cells[row], grid.mode, self.mono, base, width, cursor_col, cursor_style,
                              cell_w=grid.cell_w)

    def _legend_strip(self, mode: GridMode, frame: Frame, width: int, base: Style) -> Strip:
        cells = palette(mode, self.mono, base)
        muted = base + self._part("heap-map--legend")
        view = frame.view
        segments = legend_segments(mode, cells, muted, view.spans_in_use, view.pages_mapped, width)
        return Strip(segments).crop_extend(0, width, base)

    def _span_strip(self, span: SpanView, line: "SpanLine", width: int, base: Style) -> Strip:
        if line.slots is None:
            style = base + self._part("heap-map--title") if line.title else base
            return Strip([Segment(line.text, style)]).crop_extend(0, width, base)
        mark = palette(GridMode.MARK, self.mono, base)
        segments = []
        for slot in line.slots:
            glyph = SLOT_GLYPHS.get(slot.state, "?")
            if slot.state == "free":
                style = mark[6][1]
            else:
                style = mark[{MarkColor.WHITE: 2, MarkColor.GREY: 3, MarkColor.BLACK: 4}[slot.color]][1]
            segments.append(Segment(glyph, style))
        return Strip(segments).crop_extend(0, width, base)


def legend_segments(mode: GridMode, cells: tuple[tuple[str, Style], ...], muted: Style,
                    spans: int, pages: int, width: int) -> list[Segment]:
    """The legend line, in the longest of its tiers that fits `width`.

    Full: the mode's name, each swatch with its label, the span and page counts;
    abbreviated: short labels; shortest: swatches and short labels, then the span count
    alone. Past that, entries are left off from the end (whole entries, never half).

    Args:
        mode: What the map's colors mean.
        cells: The palette drawn (glyph and style per code).
        muted: Style of the words.
        spans: Spans in use.
        pages: Pages mapped.
        width: Columns available.

    Returns:
        The line's segments.
    """
    entries = legend(mode)
    plural = "" if spans == 1 else "s"
    counts = (f"· {spans} span{plural}, {pages} page{'' if pages == 1 else 's'}",
              f"· {spans} span{plural}, {pages} pg", f"· {spans} span{plural}")
    names = {GridMode.SIZE_CLASS: ("size class:", "class:", ""), GridMode.FILL: ("fill:", "fill:", ""),
             GridMode.MARK: ("mark:", "mark:", "")}[mode]
    tiers: list[list[list[Segment]]] = []
    for tier in range(3):
        parts: list[list[Segment]] = []
        if names[tier]:
            parts.append([Segment(names[tier], muted)])
        for code, label in entries:
            glyph, style = cells[code]
            shown = label if tier == 0 else SHORT_LABELS.get(label, label)
            parts.append([Segment(glyph, style), Segment(f" {shown}", muted)])
        parts.append([Segment(counts[tier], muted)])
        tiers.append(parts)
    chosen: list[list[Segment]] = []
    for parts in tiers:
        if _parts_width(parts) <= width:
            chosen = parts
            break
    else:
        used = 0
        for part in tiers[-1]:
            need = sum(segment.cell_length for segment in part) + (1 if chosen else 0)
            if used + need > width:
                break
            chosen.append(part)
            used += need
    segments: list[Segment] = []
    for index, part in enumerate(chosen):
        if index:
            segments.append(Segment(" ", muted))
        segments.extend(part)
    return segments


def _parts_width(parts: list[list[Segment]]) -> int:
    """Cells taken by legend parts joined by single spaces."""
    return sum(segment.cell_length for part in parts for segment in part) + max(0, len(parts) - 1)


def same_layout(old: Frame, new: Frame) -> bool:
    """Whether two frames draw the heap map with the same mode, shape and span (cells may differ)."""
    a, b = old.grid, new.grid
    return (
        a.mode is b.mode and (a.rows, a.cols, a.cell_w, a.cell_h) == (b.rows, b.cols, b.cell_w, b.cell_h)
        and old.span == new.span
    )


def grid_row_strip(
    row: np.ndarray,
    mode: GridMode,
    mono: bool,
    base: Style,
    width: int,
    cursor_col: int | None = None,
    cursor_style: Style | None = None,
    cell_w: int = 1,
) -> Strip:
    """Turn one row of cell codes into a Strip of run-length segments.

    Args:
        row: uint8 codes of one grid row.
        mode: What the codes mean.
        mono: Glyphs only.
        base: The widget's style, under every cell.
        width: Width to crop or pad to.
        cursor_col: Cell under the cursor, if it is drawn on this line: `CURSOR_GLYPH`
            replaces the character at the middle of the cell.
        cursor_style: Style added to the cursor's character.
        cell_w: Characters per cell.

    Returns:
        The line's Strip.
    """
    import numpy as np  # already loaded by the core that made the grid

    cells = palette(mode, mono, base)
    if cursor_col is not None:
        cursor_col = cursor_col * cell_w + cell_w // 2  # the cell's middle character
    if cell_w > 1:
        row = np.repeat(row, cell_w)
    n = len(row)
    if n == 0:
        return Strip.blank(width, base)
    starts = np.flatnonzero(np.diff(row)) + 1
    bounds = [0, *starts.tolist(), n]
    codes = row.tolist()
    segments: list[Segment] = []
    for start, end in zip(bounds, bounds[1:]):
        glyph, style = cells[codes[start]]
        if cursor_col is not None and start <= cursor_col < end:
            if cursor_col > start:
                segments.append(Segment(glyph * (cursor_col - start), style))
            # The cursor keeps the cell's colors (reversed by its style) and shows a glyph
            # no cell has.
            segments.append(Segment(CURSOR_GLYPH, style + (cursor_style or Style(bold=True, reverse=True))))
            if end > cursor_col + 1:
                segments.append(Segment(glyph * (end - cursor_col - 1), style))
        else:
            segments.append(Segment(glyph * (end - start), style))
    return Strip(segments, n).crop_extend(0, width, base)


@dataclass(frozen=True)
class SpanLine:
    """One line of the span view: text, or a run of slots."""

    text: str = ""
    slots: tuple | None = None
    title: bool = False


def span_lines(span: SpanView, width: int) -> list[SpanLine]:
    """The span view's lines for a width (pure: every figure comes from the SpanView).

    Args:
        span: The span to show.
        width: Columns available.

    Returns:
        Lines: a title, figures, the slots as glyph rows, then the objects.
    """
    width = max(8, width)
    kind = "noscan" if span.noscan else "scan"
    cls = "large object" if span.size_class == 0 else f"size class {span.size_class}"
    lines = [
        SpanLine(f"span {span.id} · {cls} ({kind}) · {format_bytes(span.elem_size)} slots", title=True),
        SpanLine(f"{span.npages} page(s) from page {span.start_page} · "
                 f"{span.allocated}/{span.nelems} slots allocated"),
        SpanLine(f"waste: tail {format_bytes(span.tail_waste)} · internal {format_bytes(span.internal_waste)}"
                 f" · {'swept' if span.swept else 'unswept'}{' · queued (Green Tea)' if span.queued else ''}"),
        SpanLine("■ allocated (by mark color)  · free  × garbage   Esc: back"),
    ]
    slots = span.slots
    for i in range(0, len(slots), width):
        lines.append(SpanLine(slots=tuple(slots[i:i + width])))
    if len(slots) < span.nelems:
        lines.append(SpanLine(f"… {span.nelems} slots in all"))
    lines.append(SpanLine(""))
    for slot in slots:
        if slot.object is not None:
            lines.append(SpanLine(f"slot {slot.index:>4}  {slot.object:<12} {slot.state:<9} "
                                  f"{format_bytes(slot.requested)} requested · {slot.color.name.lower()}"))
    return lines
