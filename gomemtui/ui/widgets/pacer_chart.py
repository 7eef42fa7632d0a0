"""The pacer chart: live heap, heap in use, trigger and goal over time, in braille.

A Line-API widget: the samples (`GCView.history`, computed by the core) are plotted on
a dot canvas of 2×4 braille dots per cell with numpy, then each line is run-length
encoded into segments of one series color.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from gomemtui.runtime.views import PacerPoint
from gomemtui.ui.format import fmt_bytes
from gomemtui.ui.frame import Frame

SERIES: tuple[tuple[str, str], ...] = (
    ("heap_inuse", "in use"),
    ("trigger", "trigger"),
    ("goal", "goal"),
    ("heap_live", "live"),
)
"""Series drawn, lowest priority first (a cell takes the color of the last series in it)."""

if TYPE_CHECKING:
    import numpy as np

# Braille dot bits by (dot row 0..3, dot column 0..1).
_BITS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))
AXIS_WIDTH = 9


def plot(history: tuple[PacerPoint, ...], rows: int, cols: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Plot the series on a braille canvas.

    Args:
        history: The pacer samples, oldest first.
        rows: Text rows of the plot.
        cols: Text columns of the plot.

    Returns:
        (bits, owner, vmax): per cell the braille bits and the index of the series
        that colors it (-1 for none), and the value at the top of the axis.
    """
    import numpy as np  # already loaded by the core

    bits = np.zeros((rows, cols), dtype=np.uint8)
    owner = np.full((rows, cols), -1, dtype=np.int8)
    if not history or rows <= 0 or cols <= 0:
        return bits, owner, 0
    values = np.array([[getattr(p, name) for name, _ in SERIES] for p in history], dtype=np.float64)
    vmax = int(values.max()) if values.size else 0
    if vmax <= 0:
        return bits, owner, 0
    height, width = rows * 4, cols * 2
    n = len(history)
    xs = np.zeros(1, dtype=int) if n == 1 else np.round(np.arange(n) * (width - 1) / (n - 1)).astype(int)
    ys = np.clip(np.round((1 - values / (vmax * 1.05)) * (height - 1)).astype(int), 0, height - 1)
    for s in range(len(SERIES)):
        canvas = np.zeros((height, width), dtype=bool)
        col_y = ys[:, s]
        canvas[col_y, xs] = True
        for i in range(1, n):  # join consecutive samples so the line is continuous
            x0, x1, y0, y1 = xs[i - 1], xs[i], col_y[i - 1], col_y[i]
            if x1 > x0 + 1:
                fill = np.round(np.linspace(y0, y1, x1 - x0 + 1)).astype(int)
                canvas[fill, np.arange(x0, x1 + 1)] = True
            if y0 != y1:
                lo, hi = sorted((y0, y1))
                canvas[lo:hi + 1, x1] = True
        cells = canvas.reshape(rows, 4, cols, 2).transpose(0, 2, 1, 3)
        series_bits = (cells * np.array(_BITS, dtype=np.uint8)).sum(axis=(2, 3)).astype(np.uint8)
        bits |= series_bits
        owner[series_bits > 0] = s
    return bits, owner, vmax


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

    frame: reactive[Frame | None] = reactive(None)
    """The frame drawn (its GC history)."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._plot_key: tuple[int, int, int] | None = None
        self._plot: tuple[np.ndarray, np.ndarray, int] | None = None

    def watch_frame(self) -> None:
        self.refresh()

    def _get_plot(self, rows: int, cols: int) -> tuple[np.ndarray, np.ndarray, int]:
        frame = self.frame
        key = (frame.serial if frame else -1, rows, cols)
        if self._plot is None or self._plot_key != key:
            history = frame.view.gc.history if frame else ()
            self._plot = plot(history, rows, cols)
            self._plot_key = key
        return self._plot

    def render_line(self, y: int) -> Strip:
        """Line 0 is the legend, then the plot with a byte axis on the left."""
        width, height = self.size.width, self.size.height
        base = self.rich_style
        styles = [base + self.get_component_rich_style(f"pacer-chart--{name}", partial=True, default=Style()) for name, _ in SERIES]
        axis = base + self.get_component_rich_style("pacer-chart--axis", partial=True, default=Style())
        if y == 0:
            segments = [Segment("pacer ", axis)]
            for (name, label), style in zip(reversed(SERIES), reversed(styles)):
                segments += [Segment("━ ", style), Segment(f"{label}  ", axis)]
            return Strip(segments).crop_extend(0, width, base)
        rows, cols = height - 1, max(0, width - AXIS_WIDTH)
        if cols <= 0 or rows <= 0:
            return Strip.blank(width, base)
        bits, owner, vmax = self._get_plot(rows, cols)
        row = y - 1
        if vmax == 0:
            label = "no data" if row == rows // 2 else ""
        elif row == 0:
            label = fmt_bytes(int(vmax * 1.05))
        elif row == rows - 1:
            label = "0"
        else:
            label = ""
        segments = [Segment(f"{label:>{AXIS_WIDTH - 1}}▕", axis)]
        chars = [chr(0x2800 + int(b)) if b else " " for b in bits[row]]
        owners = owner[row].tolist()
        start = 0
        for i in range(1, cols + 1):
            if i == cols or owners[i] != owners[start]:
                style = styles[owners[start]] if owners[start] >= 0 else base
                segments.append(Segment("".join(chars[start:i]), style))
                start = i
        return Strip(segments).crop_extend(0, width, base)
