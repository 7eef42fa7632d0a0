"""One side of the split view: the chosen panel's widgets over that side's frames.

A pane holds every panel a comparison can show (`COMPARE_PANELS`), each the main
screen's own widgets bound to the pane's `frame`, and displays the one chosen; both
panes always show the same panel. Its border names the side, the scenario and the
settings (`describe_overrides`), and says where the side stands.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from gomemtui.ui.compare.panels import COMPARE_PANELS, PANEL_TITLES
from gomemtui.ui.compare.sides import CompareSide
from gomemtui.ui.frame import Frame
from gomemtui.ui.widgets.heap_map import HeapMap

__all__ = ["SidePane"]

class SidePane(Vertical):
    """One side's panels, the chosen one shown.

    Args:
        side: Which side, scenario and settings this pane shows.
        panel: The panel shown first (one of `COMPARE_PANELS`).
    """

    DEFAULT_CSS = """
    SidePane { border: round $panel-lighten-2; border-title-color: $text; border-title-style: bold;
               border-subtitle-color: $text-muted; height: 1fr; }
    SidePane > .compare-panel { height: 1fr; display: none; }
    SidePane > .compare-panel.-shown { display: block; }
    SidePane > #panel-gc > GCStatus { height: 1fr; min-height: 3; }
    SidePane > #panel-gc > PacerChart { height: 1fr; min-height: 4; }
    """

    frame: reactive[Frame | None] = reactive(None, repaint=False)
    """This side's newest frame."""
    mono: reactive[bool] = reactive(False, repaint=False)
    """The heap map draws glyphs only."""
    panel: reactive[str] = reactive("heap")
    """The panel shown (one of `COMPARE_PANELS`)."""

    @dataclass
    class GridWanted(Message):
        """The side's heap map changed size: its player should draw a grid this size."""

        side: str
        rows: int
        cols: int

    def __init__(self, side: CompareSide, *, panel: str = "heap", id: str | None = None) -> None:
        super().__init__(id=id)
        self.side = side
        """Which side this is."""
        self.set_reactive(SidePane.panel, panel)
        self.border_title = f"{side.side}: {side.label}"

    def compose(self) -> ComposeResult:
        from gomemtui.ui.widgets.explain import ExplainView
        from gomemtui.ui.widgets.gc_status import GCStatus
        from gomemtui.ui.widgets.goroutines import GoroutinesView
        from gomemtui.ui.widgets.maps import MapsView
        from gomemtui.ui.widgets.pacer_chart import PacerChart
        from gomemtui.ui.widgets.pool import PoolPanel
        from gomemtui.ui.widgets.slices import SlicesView
        from gomemtui.ui.widgets.source import SourceView
        from gomemtui.ui.widgets.step_delta import StepDeltaLine

        frame = SidePane.frame
        widgets: dict[str, tuple[Widget, ...]] = {
            "heap": (HeapMap().data_bind(frame, SidePane.mono),),
            "gc": (GCStatus().data_bind(frame), PacerChart().data_bind(frame)),
            "slices": (SlicesView().data_bind(frame),),
            "maps": (MapsView().data_bind(frame),),
            "pool": (PoolPanel().data_bind(frame),),
            "goroutines": (GoroutinesView().data_bind(frame),),
            "explain": (StepDeltaLine(lines=2).data_bind(frame), ExplainView().data_bind(frame)),
            "source": (SourceView().data_bind(frame),),
        }
        for name in COMPARE_PANELS:
            classes = "compare-panel -shown" if name == self.panel else "compare-panel"
            yield Vertical(*widgets[name], id=f"panel-{name}", classes=classes)

    def watch_panel(self, panel: str) -> None:
        if not self.is_mounted:
            return
        for container in self.query(".compare-panel"):
            container.set_class(container.id == f"panel-{panel}", "-shown")
        self.call_after_refresh(self._catch_up)
        self._describe()

    def watch_frame(self, frame: Frame | None) -> None:
        self._describe()

    def _catch_up(self) -> None:
        """A panel shown again draws the frames it missed while hidden."""
        from gomemtui.ui.widgets.lines_view import LinesView

        for view in self.query(LinesView):
            view.catch_up()

    def _describe(self) -> None:
        """The border's subtitle: the panel, where the side stands, what it said last."""
        frame = self.frame
        parts = [PANEL_TITLES.get(self.panel, self.panel)]
        if frame is not None:
            parts.append(f"step {frame.next_step}/{frame.total_steps}" + (" (end)" if frame.at_end else ""))
            parts.append(f"GC {frame.view.gc.phase.value}")
            if frame.message:
                parts.append(frame.message)
        self.border_subtitle = " · ".join(parts)

    @on(HeapMap.GridResized)
    def _grid_resized(self, event: HeapMap.GridResized) -> None:
        event.stop()
        self.post_message(self.GridWanted(self.side.side, event.rows, event.cols))

    def focus_panel(self) -> None:
        """Focus the shown panel's first focusable widget (its keys: scrolling, the heap map's cursor)."""
        for container in self.query(".compare-panel.-shown"):
            for child in container.query("*"):
                if child.focusable:
                    child.focus()
                    return
