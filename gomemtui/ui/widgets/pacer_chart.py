"""The pacer chart: live heap, heap in use, trigger and goal over time, in braille.

A Line-API widget: the samples (`GCView.history`, computed by the core) are plotted on
a dot canvas of 2×4 braille dots per cell with numpy, then each line is run-length
encoded into segments of one series color.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from gomemtui.ui.frame import Frame
from gomemtui.ui.redraw import changed_runs
from gomemtui.units import NEVER_BYTES, format_bytes

SERIES: tuple[tuple[str, str], ...] = (
    ("heap_inuse", "in use"),
    ("trigger", "trigger"),
    ("goal", "goal"),
    ("heap_live", "live"),
)
"""Series drawn, lowest priority first (a cell takes the color of the last series in it)."""

if TYPE_CHECKING:
    import numpy as np
    from gomemtui.runtime.read.views import PacerPoint
# Braille dot bits by (dot row 0..3, dot column 0..1).
_BITS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))
AXIS_WIDTH = 9
LOG_RATIO = 32
"""Above this ratio of the largest to the smallest positive value, the y axis is log2."""


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


def plot(history: tuple[PacerPoint, ...], rows: int, cols: int) -> tuple[np.ndarray, np.ndarray, Axis | None]:
    """Plot the series on a braille canvas.

    Args:
        history: The pacer samples, oldest first.
        rows: Text rows of the plot.
        cols: Text columns of the plot.

    Returns:
        (bits, owner, axis): per cell the braille bits and the index of the series
        that colors it (-1 for none), and the y axis (None when there is nothing to plot).
    """
    import numpy as np  # already loaded by the core

    bits = np.zeros((rows, cols), dtype=np.uint8)
    owner = np.full((rows, cols), -1, dtype=np.int8)
    if not history or rows <= 0 or cols <= 0:
        return bits, owner, None
    values = np.array([[getattr(p, name) for name, _ in SERIES] for p in history], dtype=np.float64)
    # GOGC=off without a limit: the goal (≈ MaxInt64) and the trigger are "never", not points
    never = values[:, [i for i, (name, _) in enumerate(SERIES) if name == "goal"]] >= NEVER_BYTES
    hidden = np.zeros(values.shape, dtype=bool)
    hidden[:, [i for i, (name, _) in enumerate(SERIES) if name in ("goal", "trigger")]] = never
    values[hidden] = 0
    axis = choose_axis(values)
    if axis is None:
        return bits, owner, None
    height, width = rows * 4, cols * 2
    n = len(history)
    xs = np.zeros(1, dtype=int) if n == 1 else np.round(np.arange(n) * (width - 1) / (n - 1)).astype(int)
    ys = np.clip(np.round((1 - axis.fraction(values)) * (height - 1)).astype(int), 0, height - 1)
    for s in range(len(SERIES)):
        shown = ~hidden[:, s]
        if not shown.any():
            continue
        canvas = _polyline(xs[shown], ys[shown, s], height, width)
        cells = canvas.reshape(rows, 4, cols, 2).transpose(0, 2, 1, 3)
        series_bits = (cells * np.array(_BITS, dtype=np.uint8)).sum(axis=(2, 3)).astype(np.uint8)
        bits |= series_bits
        owner[series_bits > 0] = s
    return bits, owner, axis


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


def _polyline(xs: np.ndarray, ys: np.ndarray, height: int, width: int) -> np.ndarray:
    """A dot canvas with the samples joined: between two samples more than one dot column
    apart the line is interpolated, and a change of height is drawn as a vertical run in
    the later sample's column."""
    import numpy as np

    canvas = np.zeros((height, width), dtype=bool)
    canvas[ys, xs] = True
    if len(xs) < 2:
        return canvas
    x0, x1, y0, y1 = xs[:-1], xs[1:], ys[:-1], ys[1:]
    gaps = np.flatnonzero(x1 > x0 + 1)
    if gaps.size:
        dx = x1[gaps] - x0[gaps]
        seg = np.repeat(np.arange(gaps.size), dx + 1)
        k = np.arange(seg.size) - np.repeat(np.cumsum(dx + 1) - (dx + 1), dx + 1)
        step = (y1[gaps] - y0[gaps]) / dx
        fill_y = np.round(k * step[seg] + y0[gaps][seg]).astype(int)
        canvas[fill_y, x0[gaps][seg] + k] = True
    moves = np.flatnonzero(y0 != y1)
    if moves.size:  # vertical runs, as a difference array summed down each column
        lo = np.minimum(y0[moves], y1[moves])
        hi = np.maximum(y0[moves], y1[moves])
        runs = np.zeros((height + 1, width), dtype=np.int32)
        np.add.at(runs, (lo, x1[moves]), 1)
        np.add.at(runs, (hi + 1, x1[moves]), -1)
        canvas |= np.cumsum(runs, axis=0)[:height] > 0
    return canvas


class PacerChart(Widget):
    """Heap live / in use / trigger / goal over simulated time."""

    COMPONENT_CLASSES = {
        "pacer-chart--heap_live", "pacer-chart--heap_inuse", "pacer-chart--trigger",
        "pacer-chart--goal", "pacer-chart--axis",
    }

    DEFAULT_CSS = """
    PacerChart { height: 1fr; min-height: 3; background: $surface; }
    PacerChart > .pacer-chart--heap_live { color: $success; }
    PacerChart > .pacer-chart--heap_inuse { color: $primary; }
    PacerChart > .pacer-chart--trigger { color: $warning; }
    PacerChart > .pacer-chart--goal { color: $error; }
    PacerChart > .pacer-chart--axis { color: $text-muted; }
    """

    frame: reactive[Frame | None] = reactive(None, repaint=False)
    """The frame drawn (its GC history; `watch_frame` repaints the rows that changed)."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._plot_key: tuple[int, int, int] | None = None
        self._plot: tuple[np.ndarray, np.ndarray, Axis | None] | None = None
        self._style_set: tuple[Style, list[Style], Style] | None = None

    def watch_frame(self) -> None:
        """Plot the new history and repaint only the rows whose cells or axis label changed."""
        width = self.size.width
        rows, cols = self._plot_shape()
        before = self._plot if self._plot_key is not None and self._plot_key[1:] == (rows, cols) else None
        if before is None or self.frame is None or rows <= 0 or cols <= 0:
            self.refresh()
            return
        import numpy as np  # loaded by the core by now: the frame came from it

        after = self._get_plot(rows, cols)
        old_bits, old_owner, old_axis = before
        bits, owner, axis = after
        if (old_axis is not None and old_axis.log) != (axis is not None and axis.log):
            self.refresh()  # the legend says whether the scale is logarithmic
            return
        changed = (np.any(old_bits != bits, axis=1) | np.any(old_owner != owner, axis=1)).tolist()
        changed = [flag or axis_label(old_axis, row, rows) != axis_label(axis, row, rows)
                   for row, flag in enumerate(changed)]
        for row, count in changed_runs(changed):
            self.refresh(Region(0, 1 + row, width, count))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._style_set = None

    def _styles(self) -> tuple[Style, list[Style], Style]:
        """The base style, one style per series and the axis style (cached per theme)."""
        if self._style_set is None:
            base = self.rich_style
            part = lambda name: self.get_component_rich_style(name, partial=True, default=Style())  # noqa: E731
            self._style_set = (
                base,
                [base + part(f"pacer-chart--{name}") for name, _ in SERIES],
                base + part("pacer-chart--axis"),
            )
        return self._style_set

    def _plot_shape(self) -> tuple[int, int]:
        """Rows and columns of the braille plot: below the legend, right of the axis."""
        return self.size.height - 1, max(0, self.size.width - AXIS_WIDTH)

    def _get_plot(self, rows: int, cols: int) -> tuple[np.ndarray, np.ndarray, Axis | None]:
        frame = self.frame
        key = (frame.serial if frame else -1, rows, cols)
        if self._plot is None or self._plot_key != key:
            history = frame.view.gc.history if frame else ()
            self._plot = plot(history, rows, cols)
            self._plot_key = key
        return self._plot

    def render_line(self, y: int) -> Strip:
        """Line 0 is the legend, then the plot with a byte axis on the left."""
        width = self.size.width
        base, styles, axis = self._styles()
        rows, cols = self._plot_shape()
        if y == 0:
            segments = [Segment("pacer ", axis)]
            for (name, label), style in zip(reversed(SERIES), reversed(styles)):
                segments += [Segment("━ ", style), Segment(f"{label}  ", axis)]
            drawn = rows > 0 and cols > 0 and self.frame is not None
            scale = self._get_plot(rows, cols)[2] if drawn else None
            if scale is not None and scale.log:
                segments.append(Segment("(log scale)", axis))
            return Strip(segments).crop_extend(0, width, base)
        if cols <= 0 or rows <= 0:
            return Strip.blank(width, base)
        row = y - 1
        # Still loading, numpy perhaps not imported yet: the axis alone.
        bits, owner, scale = self._get_plot(rows, cols) if self.frame is not None else (None, None, None)
        segments = [Segment(f"{axis_label(scale, row, rows):>{AXIS_WIDTH - 1}}▕", axis)]
        if bits is None or owner is None:
            return Strip(segments).crop_extend(0, width, base)
        chars = [chr(0x2800 + int(b)) if b else " " for b in bits[row]]
        owners = owner[row].tolist()
        start = 0
        for i in range(1, cols + 1):
            if i == cols or owners[i] != owners[start]:
                style = styles[owners[start]] if owners[start] >= 0 else base
                segments.append(Segment("".join(chars[start:i]), style))
                start = i
        return Strip(segments).crop_extend(0, width, base)
