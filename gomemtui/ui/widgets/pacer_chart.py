"""The pacer chart: live heap, heap in use, trigger and goal over simulated time, in braille,
with GOMEMLIMIT as a line across when a limit is set.

A Line-API widget: the samples (`GCView.history`, computed by the core) are plotted on
a dot canvas of 2×4 braille dots per cell with numpy, then each line is run-length
encoded into segments of one series color. Each series also has its own line style
(solid, thick, dotted, dashed), so the four stay apart without color (NO_COLOR,
monochrome terminals); the legend shows each style. The x axis is simulated time, from
the first sample to the last (the header's t=).

Other runs can be drawn over the same axes as overlays (`Overlay`): named series of
(time, heap, goal) points, each with its own line style and legend entry, below the run
played. What-if runs (other settings) are drawn this way; so can any series of heap and
goal over simulated time be (a real program's gctrace cycles, say).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from gomemtui.ui.fit import fit_words
from gomemtui.ui.frame import Frame
from gomemtui.ui.redraw import changed_runs
from gomemtui.units import NEVER_BYTES, format_bytes, format_ns

SERIES: tuple[tuple[str, str, str], ...] = (
    ("heap_inuse", "in use", "thick"),
    ("trigger", "trigger", "dotted"),
    ("goal", "goal", "dashed"),
    ("heap_live", "live", "solid"),
)
"""(PacerPoint field, legend label, line style), lowest priority first (a cell takes the
color of the last series in it)."""

LIMIT_GLYPH = "╌"
"""GOMEMLIMIT's line, in the cells of its row that no series passes through."""

if TYPE_CHECKING:
    import numpy as np
    from gomemtui.runtime.read.views import PacerPoint
# Braille dot bits by (dot row 0..3, dot column 0..1).
_BITS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))
AXIS_WIDTH = 9
LOG_RATIO = 32
"""Above this ratio of the largest to the smallest positive value, the y axis is log2."""
SAMPLE_CELLS = 4
"""Width of each line style's sample in the legend."""
DASH = 3
"""A dashed line: this many dots on, as many off (along x, or down a vertical run)."""

PATTERNS: dict[str, tuple[int, ...]] = {
    "dashdot": (1, 1, 1, 1, 0, 1, 0, 0),
    "sparse": (1, 0, 0, 0),
    "longdash": (1, 1, 1, 1, 1, 1, 0, 0),
    "doubledash": (1, 1, 0, 1, 1, 0, 0, 0, 0),
}
"""Further line styles, for overlays: dots on (1) and off (0), repeated along x and down a
vertical run. Each differs from the run's own four in its sample (`style_sample`)."""

OVERLAY_STYLES: tuple[str, ...] = ("dashdot", "sparse", "longdash")
"""The line styles overlays take in turn (the first overlay the first style)."""
REAL_STYLE = "doubledash"
"""The line style of real Go's cycles from a gctrace log (`gomemtui SCENARIO --against LOG`)."""
OVERLAY_COLORS = 3
"""Overlay colours (component classes `pacer-chart--overlay-0` ...), taken in turn."""
OVERLAY_LABEL = 24
"""The widest an overlay's legend label gets (cut at a word with "…")."""
OVERLAY_LABEL_NARROW = 17
"""... under 100 columns (room for "GOMEMLIMIT=64MiB…")."""


@dataclass(frozen=True)
class Overlay:
    """Another run's heap and goal, drawn over the chart in one line style.

    Attributes:
        label: Its legend entry ("GOGC=50").
        style: A line style of `styled` ("dashdot", "sparse", "longdash", ...).
        points: (simulated time ns, heap bytes, goal bytes or None) samples, oldest
            first; a goal of None or `NEVER_BYTES` and more is not drawn.
    """

    label: str
    style: str
    points: tuple[tuple[int, int, int | None], ...] = field(default=())


@dataclass(frozen=True)
class Axis:
    """The y axis of a plot: its range and whether it is logarithmic."""

    lo: float
    hi: float
    log: bool

    def fraction(self, values: np.ndarray) -> np.ndarray:
        """Where values sit between the bottom (0) and the top (1)."""
        import numpy as np

        if self.log:
            v = np.log2(np.maximum(values, self.lo))
            return (v - np.log2(self.lo)) / max(1e-9, np.log2(self.hi) - np.log2(self.lo))
        return values / self.hi

    def value_at(self, fraction: float) -> float:
        """The value at a height (0 bottom .. 1 top)."""
        if self.log:
            return 2 ** (math.log2(self.lo) + fraction * (math.log2(self.hi) - math.log2(self.lo)))
        return self.hi * fraction


def choose_axis(values: np.ndarray) -> Axis | None:
    """Linear from 0 when the series are of one magnitude, log2 when they are not."""
    positive = values[values > 0]
    if positive.size == 0:
        return None
    hi = float(positive.max()) * 1.05
    lo = float(positive.min())
    if hi / lo > LOG_RATIO:
        return Axis(lo / 1.05, hi, True)
    return Axis(0.0, hi, False)


def styled(along: np.ndarray, vertical: np.ndarray, style: str) -> np.ndarray:
    """A series' dots in its line style.

    Args:
        along: The dots at and between the samples (patterned along x).
        vertical: The vertical runs where the value changes (patterned down y).
        style: "solid", "thick" (each dot doubled downwards), "dotted" (every other dot)
            or "dashed" (`DASH` dots on, `DASH` off).
    """
    import numpy as np

    if style == "solid":
        return along | vertical
    if style == "thick":
        canvas = along | vertical
        canvas[1:] |= canvas[:-1].copy()
        return canvas
    height, width = along.shape
    xs = np.arange(width)[None, :]
    ys = np.arange(height)[:, None]
    if style in PATTERNS:
        on = np.array(PATTERNS[style], dtype=bool)
        return (along & on[xs % len(on)]) | (vertical & on[ys % len(on)])
    if style == "dotted":
        return (along & (xs % 2 == 0)) | (vertical & (ys % 2 == 0))
    if style == "dashed":
        return (along & ((xs // DASH) % 2 == 0)) | (vertical & ((ys // DASH) % 2 == 0))
    raise ValueError(f"unknown line style {style!r}")


def to_cells(canvas: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Braille bits per cell of a rows*4 × cols*2 dot canvas."""
    import numpy as np

    cells = canvas.reshape(rows, 4, cols, 2).transpose(0, 2, 1, 3)
    return (cells * np.array(_BITS, dtype=np.uint8)).sum(axis=(2, 3)).astype(np.uint8)


@lru_cache(maxsize=16)
def style_sample(style: str, cells: int = SAMPLE_CELLS) -> str:
    """A short horizontal line in a style, in braille, for the legend."""
    import numpy as np

    along = np.zeros((4, cells * 2), dtype=bool)
    along[2] = True
    bits = to_cells(styled(along, np.zeros_like(along), style), 1, cells)[0]
    return "".join(chr(0x2800 + int(b)) if b else " " for b in bits)


def sample_x(history: tuple[PacerPoint, ...], width: int) -> np.ndarray:
    """Each sample's dot column: its simulated time between the first and the last."""
    return time_x([p.time_ns for p in history], time_span(history), width)


def time_span(history: tuple[PacerPoint, ...], overlays: tuple[Overlay, ...] = ()) -> tuple[int, int] | None:
    """The simulated time the x axis spans: from the earliest sample of the run and the
    overlays to the latest (None when there is none)."""
    starts = [history[0].time_ns] if history else []
    ends = [history[-1].time_ns] if history else []
    for o in overlays:
        if o.points:
            starts.append(o.points[0][0])
            ends.append(o.points[-1][0])
    return (min(starts), max(ends)) if starts else None


def time_x(times: object, span: tuple[int, int] | None, width: int) -> np.ndarray:
    """The dot column of each time on an x axis of `width` dots spanning `span`."""
    import numpy as np

    t = np.array(times, dtype=np.float64)
    if span is None or span[1] <= span[0]:
        return np.zeros(len(t), dtype=int)
    return np.round((t - span[0]) * (width - 1) / (span[1] - span[0])).astype(int)


def plot(history: tuple[PacerPoint, ...], rows: int, cols: int,
         limit: int | None = None, overlays: tuple[Overlay, ...] = ()) -> tuple[np.ndarray, np.ndarray, Axis | None]:
    """Plot the series on a braille canvas.

    Args:
        history: The pacer samples, oldest first.
        rows: Text rows of the plot.
        cols: Text columns of the plot.
        limit: GOMEMLIMIT, if set: the y axis reaches it, so that its line can be drawn.
        overlays: Other runs' heap and goal, drawn under the run's own series.

    Returns:
        (bits, owner, axis): per cell the braille bits and the index of the series
        that colors it (-1 for none; `len(SERIES) + i` for overlay i), and the y axis
        (None when there is nothing to plot).
    """
    import numpy as np  # already loaded by the core

    bits = np.zeros((rows, cols), dtype=np.uint8)
    owner = np.full((rows, cols), -1, dtype=np.int8)
    overlays = tuple(o for o in overlays if o.points)
    if not (history or overlays) or rows <= 0 or cols <= 0:
        return bits, owner, None
    values = np.array([[getattr(p, name) for name, _, _ in SERIES] for p in history],
                      dtype=np.float64).reshape(len(history), len(SERIES))
    # GOGC=off without a limit: the goal (≈ MaxInt64) and the trigger are "never", not points
    never = values[:, [i for i, (name, _, _) in enumerate(SERIES) if name == "goal"]] >= NEVER_BYTES
    hidden = np.zeros(values.shape, dtype=bool)
    hidden[:, [i for i, (name, _, _) in enumerate(SERIES) if name in ("goal", "trigger")]] = never
    values[hidden] = 0
    extra = [np.array([(heap, goal if goal is not None and goal < NEVER_BYTES else 0)
                       for _, heap, goal in o.points], dtype=np.float64) for o in overlays]
    scale = np.concatenate([values.reshape(-1), *(e.reshape(-1) for e in extra),
                            np.array([] if limit is None else [float(limit)])])
    axis = choose_axis(scale)
    if axis is None:
        return bits, owner, None
    height, width = rows * 4, cols * 2
    span = time_span(history, overlays)

    def draw(xs: np.ndarray, series: np.ndarray, style: str, index: int) -> None:
        ys = np.clip(np.round((1 - axis.fraction(series)) * (height - 1)).astype(int), 0, height - 1)
        along, vertical = _polyline_parts(xs, ys, height, width)
        series_bits = to_cells(styled(along, vertical, style), rows, cols)
        bits[...] |= series_bits
        owner[series_bits > 0] = index

    for i, (o, e) in enumerate(zip(overlays, extra)):  # under the run's own lines
        xs = time_x([t for t, _, _ in o.points], span, width)
        for column in (1, 0):  # the goal, then the heap over it
            shown = e[:, column] > 0 if column == 1 else np.ones(len(e), dtype=bool)
            if shown.any():
                draw(xs[shown], e[shown, column], o.style, len(SERIES) + i)
    if history:
        xs = time_x([p.time_ns for p in history], span, width)
        for s, (_, _, style) in enumerate(SERIES):
            shown = ~hidden[:, s]
            if shown.any():
                draw(xs[shown], values[shown, s], style, s)
    return bits, owner, axis


def limit_row(axis: Axis | None, limit: int | None, rows: int) -> int | None:
    """The plot row GOMEMLIMIT's line is drawn on (None: no limit, or nothing plotted)."""
    if axis is None or limit is None or rows <= 0:
        return None
    import numpy as np

    fraction = float(axis.fraction(np.array([float(limit)]))[0])
    dot = min(rows * 4 - 1, max(0, round((1 - fraction) * (rows * 4 - 1))))
    return dot // 4


def axis_label(axis: Axis | None, row: int, rows: int) -> str:
    """The y-axis label drawn left of plot row `row` (most rows have none)."""
    if axis is None:
        return "no data" if row == rows // 2 else ""
    if row == 0:
        return format_bytes(int(axis.hi))
    if row == rows - 1:
        return format_bytes(int(axis.lo)) if axis.log else "0"
    if axis.log and row == rows // 2 and rows >= 5:
        return format_bytes(int(axis.value_at(1 - (row * 4 + 1.5) / (rows * 4 - 1))))
    return ""


def time_axis(history: tuple[PacerPoint, ...], cols: int, overlays: tuple[Overlay, ...] = ()) -> str:
    """The x axis under the plot, `cols` wide: the first and last samples' simulated time
    (of the run and its overlays) at its ends, what it is in the middle:
    `0 ns ──── simulated time ──── 1.52 ms`."""
    name = "simulated time"
    span = time_span(history, overlays)
    if span is None:
        return f" {name} ".center(cols, "─") if cols >= len(name) + 4 else "time"[:cols]
    left, right = format_ns(span[0]), format_ns(span[1])
    middle = cols - len(left) - len(right) - 2
    if middle >= len(name) + 4:
        return f"{left} {f' {name} '.center(middle, '─')} {right}"
    if middle >= 8:
        return f"{left} {' time '.center(middle, '─')} {right}"
    return f"{left} → {right}"[:cols] if cols >= len(left) + len(right) + 3 else "time"[:cols]


def _polyline_parts(xs: np.ndarray, ys: np.ndarray, height: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """The samples joined on a dot canvas, as two canvases: the dots at and between the
    samples (between two samples more than one dot column apart the line is
    interpolated), and the vertical runs (a change of height is drawn as a vertical run
    in the later sample's column)."""
    import numpy as np

    along = np.zeros((height, width), dtype=bool)
    vertical = np.zeros((height, width), dtype=bool)
    along[ys, xs] = True
    if len(xs) < 2:
        return along, vertical
    x0, x1, y0, y1 = xs[:-1], xs[1:], ys[:-1], ys[1:]
    gaps = np.flatnonzero(x1 > x0 + 1)
    if gaps.size:
        dx = x1[gaps] - x0[gaps]
        seg = np.repeat(np.arange(gaps.size), dx + 1)
        k = np.arange(seg.size) - np.repeat(np.cumsum(dx + 1) - (dx + 1), dx + 1)
        step = (y1[gaps] - y0[gaps]) / dx
        fill_y = np.round(k * step[seg] + y0[gaps][seg]).astype(int)
        along[fill_y, x0[gaps][seg] + k] = True
    moves = np.flatnonzero(y0 != y1)
    if moves.size:  # vertical runs, as a difference array summed down each column
        lo = np.minimum(y0[moves], y1[moves])
        hi = np.maximum(y0[moves], y1[moves])
        runs = np.zeros((height + 1, width), dtype=np.int32)
        np.add.at(runs, (lo, x1[moves]), 1)
        np.add.at(runs, (hi + 1, x1[moves]), -1)
        vertical |= np.cumsum(runs, axis=0)[:height] > 0
    return along, vertical


def _polyline(xs: np.ndarray, ys: np.ndarray, height: int, width: int) -> np.ndarray:
    """Every dot of the samples joined (`_polyline_parts` in one canvas, a solid line)."""
    along, vertical = _polyline_parts(xs, ys, height, width)
    return along | vertical


LegendItem = tuple[str, int, str]
"""(glyphs, style index: a series, -1 the limit, -2 the axis text; label)."""


def legend_items(limit: int | None, overlays: tuple[Overlay, ...] = (), width: int = 0) -> list[LegendItem]:
    """The legend's entries: each series' line style and name, highest priority first, then
    GOMEMLIMIT's line when set (its value labels its row on the byte axis), then each
    overlay's style and label (heap and goal in one style; the label cut to
    `OVERLAY_LABEL` cells, fewer under 100 columns), then room for "(log scale)"."""
    items: list[LegendItem] = []
    for s in reversed(range(len(SERIES))):
        items.append((style_sample(SERIES[s][2]), s, SERIES[s][1]))
    if limit is not None:
        items.append((LIMIT_GLYPH * 2, -1, "GOMEMLIMIT"))
    for i, o in enumerate(overlays):
        room = OVERLAY_LABEL if width >= 100 else OVERLAY_LABEL_NARROW
        label = fit_words(o.label, room) or o.label[:room - 1] + "…"
        items.append((style_sample(o.style), len(SERIES) + i, label))
    items.append(("(log scale)", -2, ""))
    return items


def legend_layout(items: list[LegendItem], width: int) -> list[list[LegendItem]]:
    """The entries in lines of at most `width` cells (an entry is never split)."""
    lines: list[list[LegendItem]] = [[]]
    used = 0
    for item in items:
        size = len(item[0]) + (1 + len(item[2]) if item[2] else 0) + 2
        if lines[-1] and used + size > width:
            lines.append([])
            used = 0
        lines[-1].append(item)
        used += size
    return lines


class PacerChart(Widget):
    """Heap live / in use / trigger / goal over simulated time, and GOMEMLIMIT."""

    COMPONENT_CLASSES = {
        "pacer-chart--heap_live", "pacer-chart--heap_inuse", "pacer-chart--trigger",
        "pacer-chart--goal", "pacer-chart--axis", "pacer-chart--limit",
        *(f"pacer-chart--overlay-{i}" for i in range(OVERLAY_COLORS)),
    }

    DEFAULT_CSS = """
    PacerChart { height: 1fr; min-height: 4; background: $surface; }
    PacerChart > .pacer-chart--heap_live { color: $success; }
    PacerChart > .pacer-chart--heap_inuse { color: $primary; }
    PacerChart > .pacer-chart--trigger { color: $warning; }
    PacerChart > .pacer-chart--goal { color: $error; }
    PacerChart > .pacer-chart--axis { color: $text-muted; }
    PacerChart > .pacer-chart--limit { color: $accent; }
    PacerChart > .pacer-chart--overlay-0 { color: $secondary; }
    PacerChart > .pacer-chart--overlay-1 { color: $text-muted; }
    PacerChart > .pacer-chart--overlay-2 { color: $foreground-darken-1; }
    """

    frame: reactive[Frame | None] = reactive(None, repaint=False)
    """The frame drawn (its GC history; `watch_frame` repaints the rows that changed)."""
    overlays: reactive[tuple[Overlay, ...]] = reactive((), repaint=False)
    """Other runs drawn under the frame's own series, each in its style (`Overlay`)."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._plot_key: tuple[int, int, int, int] | None = None
        self._plot: tuple[np.ndarray, np.ndarray, Axis | None] | None = None
        self._style_set: tuple[Style, list[Style], Style, Style] | None = None
        self._drawn: tuple[tuple[object, ...], str] | None = None

    @property
    def limit(self) -> int | None:
        """GOMEMLIMIT of the frame drawn (None: off)."""
        return self.frame.view.gc.memory_limit if self.frame is not None else None

    def _legend(self) -> list[list[LegendItem]]:
        if self.frame is None:  # still loading: the line samples would import numpy on the UI thread
            return []
        return legend_layout(legend_items(self.limit, self.overlays, self.size.width), self.size.width)

    def watch_overlays(self) -> None:
        """Overlays added, removed or moved: the scale and the legend may change, draw anew."""
        self._plot = None
        self.refresh()

    def watch_frame(self) -> None:
        """Plot the new history and repaint only the rows whose cells or labels changed."""
        width = self.size.width
        legend = self._legend()
        rows, cols = self._plot_shape(len(legend))
        before = self._plot if self._plot_key is not None and self._plot_key[1:3] == (rows, cols) else None
        drawn = self._drawn
        if before is None or drawn is None or self.frame is None or rows <= 0 or cols <= 0:
            self.refresh()
            return
        import numpy as np  # loaded by the core by now: the frame came from it

        bits, owner, axis = self._get_plot(rows, cols)
        old_bits, old_owner, old_axis = before
        old_legend, old_time = drawn
        limit = self.limit
        new_legend = self._legend_key(legend, axis, limit)
        if old_legend != new_legend:
            self.refresh()  # the limit changed, or the scale went from linear to log2
            return
        old_limit_row, new_limit_row = limit_row(old_axis, limit, rows), limit_row(axis, limit, rows)
        changed = (np.any(old_bits != bits, axis=1) | np.any(old_owner != owner, axis=1)).tolist()
        changed = [flag or axis_label(old_axis, row, rows) != axis_label(axis, row, rows)
                   or (old_limit_row != new_limit_row and row in (old_limit_row, new_limit_row))
                   for row, flag in enumerate(changed)]
        top = len(legend)
        for row, count in changed_runs(changed):
            self.refresh(Region(0, top + row, width, count))
        new_time = time_axis(self.frame.view.gc.history, cols, self.overlays)
        if new_time != old_time:
            self.refresh(Region(0, top + rows, width, 1))
        self._drawn = (new_legend, new_time)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._style_set = None

    def _styles(self) -> tuple[Style, list[Style], Style, Style]:
        """The base style, one style per series (then one per overlay colour), the axis and
        the limit styles (cached per theme)."""
        if self._style_set is None:
            base = self.rich_style
            part = lambda name: self.get_component_rich_style(name, partial=True, default=Style())  # noqa: E731
            self._style_set = (
                base,
                [base + part(f"pacer-chart--{name}") for name, _, _ in SERIES]
                + [base + part(f"pacer-chart--overlay-{i}") for i in range(OVERLAY_COLORS)],
                base + part("pacer-chart--axis"),
                base + part("pacer-chart--limit"),
            )
        return self._style_set

    def _plot_shape(self, legend_lines: int) -> tuple[int, int]:
        """Rows and columns of the braille plot: below the legend, above the time axis,
        right of the byte axis."""
        return self.size.height - legend_lines - 1, max(0, self.size.width - AXIS_WIDTH)

    def _get_plot(self, rows: int, cols: int) -> tuple[np.ndarray, np.ndarray, Axis | None]:
        frame = self.frame
        key = (frame.serial if frame else -1, rows, cols, id(self.overlays))
        if self._plot is None or self._plot_key != key:
            history = frame.view.gc.history if frame else ()
            self._plot = plot(history, rows, cols, self.limit, self.overlays)
            self._plot_key = key
        return self._plot

    @staticmethod
    def _legend_key(legend: list[list[LegendItem]], axis: Axis | None, limit: int | None) -> tuple[object, ...]:
        """What decides the legend's lines and the limit's axis label."""
        return (tuple(tuple(line) for line in legend), axis is not None and axis.log, limit)

    def _legend_line(self, items: list[LegendItem], log: bool) -> Strip:
        base, styles, axis, limit = self._styles()
        segments: list[Segment] = []
        for glyphs, index, label in items:
            if glyphs == "(log scale)" and not log:
                continue
            style = axis if index == -2 else limit if index == -1 else self._series_style(index)
            segments.append(Segment(glyphs, style))
            segments.append(Segment(f" {label}  " if label else "  ", axis))
        return Strip(segments).crop_extend(0, self.size.width, base)

    def _series_style(self, index: int) -> Style:
        """The colour of series `index` (an overlay's colours repeat after `OVERLAY_COLORS`)."""
        styles = self._styles()[1]
        if index >= len(SERIES):
            index = len(SERIES) + (index - len(SERIES)) % OVERLAY_COLORS
        return styles[index]

    def render_line(self, y: int) -> Strip:
        """The legend's lines, then the plot with a byte axis on the left, then the time axis."""
        width = self.size.width
        base, styles, axis_style, limit_style = self._styles()
        legend = self._legend()
        rows, cols = self._plot_shape(len(legend))
        drawn = rows > 0 and cols > 0 and self.frame is not None
        # Still loading, numpy perhaps not imported yet: the axes alone.
        bits, owner, scale = self._get_plot(rows, cols) if drawn else (None, None, None)
        history = self.frame.view.gc.history if self.frame is not None else ()
        if y == 0:
            self._drawn = (self._legend_key(legend, scale, self.limit), time_axis(history, cols, self.overlays))
        if y < len(legend):
            return self._legend_line(legend[y], scale is not None and scale.log)
        if cols <= 0 or rows <= 0:
            return Strip.blank(width, base)
        row = y - len(legend)
        if row >= rows:
            segments = [Segment(" " * AXIS_WIDTH + time_axis(history, cols, self.overlays), axis_style)]
            return Strip(segments).crop_extend(0, width, base)
        on_limit = row == limit_row(scale, self.limit, rows)
        label = format_bytes(self.limit) if on_limit and self.limit is not None else axis_label(scale, row, rows)
        segments = [Segment(f"{label:>{AXIS_WIDTH - 1}}▕", limit_style if on_limit else axis_style)]
        if bits is None or owner is None:
            return Strip(segments).crop_extend(0, width, base)
        chars = [chr(0x2800 + int(b)) if b else (LIMIT_GLYPH if on_limit else " ") for b in bits[row]]
        owners = owner[row].tolist()
        if on_limit:  # the limit's glyphs take its color
            owners = [o if b else -2 for o, b in zip(owners, bits[row].tolist())]
        start = 0
        for i in range(1, cols + 1):
            if i == cols or owners[i] != owners[start]:
                o = owners[start]
                style = self._series_style(o) if o >= 0 else limit_style if o == -2 else base
                segments.append(Segment("".join(chars[start:i]), style))
                start = i
        return Strip(segments).crop_extend(0, width, base)
