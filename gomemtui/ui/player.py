"""Playback control: the one place that touches the timeline, serially, off the UI thread.

`Player` is plain Python (no Textual). The app runs `Player.perform` in a thread worker;
a lock makes every access to the timeline and its runtime serial, so the UI may also
ask for a span or a retention path while a heavy step runs elsewhere.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from gomemtui.runtime.enums import GridMode
from gomemtui.ui.frame import MARK_PHASES, Frame, HeapGrid, LogEntry, RuntimeSource, TimelineSource

if TYPE_CHECKING:  # annotations only: the core's views load with the core
    from gomemtui.runtime.events import Event
    from gomemtui.runtime.read.delta import FigureTrail
    from gomemtui.runtime.read.views import RetentionPath, RuntimeView
GRID_MODES: tuple[str, ...] = ("auto", "class", "fill", "mark")
"""Heap-map color modes the user cycles through; "auto" shows mark colors while marking."""

CELL_SIZES: tuple[tuple[int, int], ...] = ((8, 4), (6, 3), (4, 2), (2, 1), (1, 1))
"""Heap-map cell sizes (chars × lines) tried largest first: a small heap fills the map."""

SPEEDS: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0)
"""Playback speeds in actions per second."""


@dataclass(frozen=True)
class Action:
    """A request to move the timeline (or just to redraw)."""

    name: str
    """One of `Player.ACTIONS`."""
    arg: int | None = None
    """The step index for "goto"."""


class Player:
    """Owns a timeline and turns actions into frames.

    Args:
        timeline: The timeline to drive (the real one or a fake).
        grid_shape: Rows and columns of the heap map at first.
    """

    ACTIONS = (
        "refresh", "step", "step_back", "mark_unit", "next_phase", "prev_phase",
        "next_cycle", "prev_cycle", "run_gc", "home", "end", "goto",
    )
    EVENTS_PER_ENTRY = 60
    """Events kept per log entry (a loop may emit thousands)."""
    MAX_LOG = 2000
    """Log entries kept (the oldest are dropped)."""

    def __init__(
        self,
        timeline: TimelineSource | Callable[[], TimelineSource],
        grid_shape: tuple[int, int] = (8, 32),
    ) -> None:
        if callable(timeline) and not hasattr(timeline, "step"):
            self._factory: Callable[[], TimelineSource] | None = timeline
            self._timeline: TimelineSource | None = None
        else:
            self._factory = None
            self._timeline = timeline  # type: ignore[assignment]
        self.lock = threading.RLock()
        """Serializes every access to the timeline and runtime."""
        self.grid_shape = grid_shape
        """Rows and columns the heap map asks for."""
        self.grid_mode = "auto"
        """One of GRID_MODES."""
        self.span_id: int | None = None
        """Span zoomed into in the heap map, or None."""
        self._log: list[LogEntry] = []
        self._serial = 0
        self._grid_dims = grid_shape
        self.closing = False
        """The app is going away: an interrupted action builds no frame."""
        self.cancel = threading.Event()
        """Set (from any thread) to stop the running action at its next slice."""
        self.on_progress: Callable[[str], None] | None = None
        """Told the progress of a long step between its slices (from the worker thread)."""
        self.ceiling: Callable[[], None] | None = None
        """Checks the real-cost ceilings between slices; raises to stop the action."""
        self.ceiling_start: Callable[[], None] | None = None
        """Restarts the ceilings' clock at the start of each action."""
        self._figures: FigureTrail | None = None

    @property
    def figures(self) -> FigureTrail:
        """The five figures of the delta line at the positions seen (made by the playback
        worker, after the first frame)."""
        if self._figures is None:
            from gomemtui.runtime.read.delta import FigureTrail

            self._figures = FigureTrail()
        return self._figures

    @property
    def timeline(self) -> TimelineSource:
        """The timeline driven; only touched while holding `lock`.

        Built on first use when a factory was given, so the core (numpy and all) is
        imported by the playback worker after the app's first frame is on screen.
        """
        if self._timeline is None:
            assert self._factory is not None
            self._timeline = self._factory()
        if getattr(self._timeline, "slice_hook", True) is None:
            self._timeline.slice_hook = self._between_slices
        return self._timeline

    def _between_slices(self, progress: str) -> None:
        """Between two slices of a long step: stop if asked to, else report progress."""
        if self.cancel.is_set():
            from gomemtui.runtime.timeline import Cancelled

            raise Cancelled(progress)
        if self.ceiling is not None:
            self.ceiling()
        if self.on_progress is not None:
            self.on_progress(progress)

    # -- actions ---------------------------------------------------------------

    def perform(self, action: Action) -> Frame:
        """Apply an action and build the frame for the new position.

        Args:
            action: What to do.

        Returns:
            The frame after the action.
        """
        from gomemtui.ceiling import CeilingReached
        from gomemtui.runtime.timeline import Cancelled

        with self.lock:
            self.cancel.clear()
            if self.ceiling_start is not None:
                self.ceiling_start()
            self.figures.start(self.timeline.position, self._source().view())
            try:
                message = self._apply(action)
            except (Cancelled, CeilingReached) as stop:
                if self.closing:
                    raise
                settle = getattr(self.timeline, "settle", None)
                if callable(settle):
                    settle()  # the action cut short is undone; the parts before it stay
                where = getattr(self.timeline, "where", "") or f"after step {self.timeline.next_step}"
                message = (f"interrupted; stopped {where}" if isinstance(stop, Cancelled)
                           else f"{stop}; stopped {where}")
            self.cancel.clear()
            return self._frame(action.name, message)

    def frame(self) -> Frame:
        """The frame for the current position, without moving."""
        return self.perform(Action("refresh"))

    def why_alive(self, name: str) -> RetentionPath:
        """The retention path of a variable, array, map or object (see RuntimeReader.why_alive)."""
        with self.lock:
            return self._source().why_alive(name)

    def span_at(self, row: int, col: int) -> int | None:
        """The span drawn in a cell (row, col in codes) of the last heap grid built."""
        rows, cols = self._grid_dims
        with self.lock:
            return self._source().span_at(row, col, rows, cols)

    def _source(self) -> RuntimeSource:
        """What the panels read: the core's read side (`RuntimeReader`), or a fake runtime
        that answers for itself."""
        rt = self.timeline.runtime
        from gomemtui.runtime.core import Runtime  # the core loads after the first frame

        if isinstance(rt, Runtime):
            from gomemtui.runtime.read.reader import RuntimeReader

            return RuntimeReader(rt)
        return rt

    def _apply(self, action: Action) -> str:
        tl = self.timeline
        name = action.name
        if name == "refresh":
            return ""
        if name == "step":
            if tl.at_end:
                return "at the end of the scenario"
            index = tl.next_step
            events = tl.step()
            self._record(self._step_title(index), events)
            return ""
        if name == "step_back":
            if not tl.step_back():
                return "already at the start"
            self._truncate()
            return ""
        if name == "mark_unit":
            self._record("one unit of mark work", tl.mark_unit())
            return ""
        if name in ("next_phase", "next_cycle"):
            before = tl.position
            events = tl.next_phase() if name == "next_phase" else tl.next_cycle()
            if tl.position == before:
                return "no GC cycle runs after the last step (g runs runtime.GC())"
            what = "next GC phase" if name == "next_phase" else "next GC cycle"
            where = tl.where
            self._record(f"{what}: {tl.runtime.phase.value}" + (f" · {where}" if where else ""), events)
            return ""
        if name == "prev_phase":
            if not tl.prev_phase():
                return "no earlier GC phase change"
            self._truncate()
            return ""
        if name == "prev_cycle":
            if not tl.prev_cycle():
                return "no earlier GC cycle start"
            self._truncate()
            return ""
        if name == "run_gc":
            self._record("runtime.GC() now", tl.run_gc())
            return ""
        if name == "home":
            tl.home()
            self._truncate()
            return ""
        if name in ("end", "goto"):
            target = len(tl.program.steps) - 1 if name == "end" else int(action.arg or 0)
            target = max(-1, min(target, len(tl.program.steps) - 1))
            if target + 1 >= tl.next_step:
                while tl.next_step <= target and not tl.at_end:
                    index = tl.next_step
                    if index == target:  # the delta line compares the last step with this
                        self.figures.note(tl.position, self._source().view())
                    self._record(self._step_title(index), tl.step())
            else:
                tl.goto_step(target)
                self._truncate()
            return ""
        raise ValueError(f"unknown action {name!r}")

    # -- log -------------------------------------------------------------------

    def _step_title(self, index: int) -> str:
        step = self.timeline.program.steps[index]
        return f"step {index + 1} · line {step.line} · {step.do}"

    def _record(self, title: str, events: tuple[Event, ...] | list[Event]) -> None:
        events = tuple(events)
        self._truncate(before=self.timeline.position)
        keep = events[: self.EVENTS_PER_ENTRY]
        self._log.append(LogEntry(self.timeline.position, title, keep, len(events) - len(keep)))
        if len(self._log) > self.MAX_LOG:
            del self._log[: len(self._log) - self.MAX_LOG]

    def _truncate(self, before: int | None = None) -> None:
        """Drop entries past the current position (or at/after `before`)."""
        limit = self.timeline.position + 1 if before is None else before
        while self._log and self._log[-1].position >= limit:
            self._log.pop()

    # -- frames ----------------------------------------------------------------

    def effective_mode(self, marking: bool) -> GridMode:
        """The grid mode to draw: "auto" is mark colors while the collector marks."""
        if self.grid_mode == "auto":
            return GridMode.MARK if marking else GridMode.SIZE_CLASS
        return GridMode(self.grid_mode)

    def _frame(self, action: str, message: str) -> Frame:
        tl = self.timeline
        rt = self._source()
        view = rt.view()
        previous_stop = getattr(tl, "previous_stop", None)
        before = previous_stop(tl.position) if callable(previous_stop) else None
        delta = self.figures.delta(tl.position, view, self._view_at, before)
        rows, cols, cell_w, cell_h = fit_grid(self.grid_shape, view.pages_mapped)
        self._grid_dims = (rows, cols)
        mode = self.effective_mode(view.gc.phase in MARK_PHASES)
        cells = rt.heap_grid(rows, cols, mode).copy()
        cells.setflags(write=False)
        span = None
        if self.span_id is not None:
            try:
                span = rt.span_view(self.span_id)
            except (KeyError, IndexError, ValueError):
                span = None
        read_profile = getattr(rt, "heap_profile", None)
        profile = read_profile(tl.program) if callable(read_profile) else None
        self._serial += 1
        return Frame(
            serial=self._serial,
            program=tl.program,
            position=tl.position,
            next_step=tl.next_step,
            total_steps=len(tl.program.steps),
            step=tl.current_step,
            events=tuple(tl.last_events),
            action=action.replace("_", " "),
            at_end=tl.at_end,
            view=view,
            grid=HeapGrid(rows, cols, mode, cells, cell_w, cell_h),
            span=span,
            log=tuple(self._log),
            message=message,
            where=tl.where,
            delta=delta,
            profile=profile,
        )

    def _view_at(self, position: int) -> RuntimeView:
        """The view at an earlier position: the timeline rewinds there, then comes back."""
        tl = self.timeline
        here = tl.position
        tl.goto_position(position)
        try:
            return self._source().view()
        finally:
            tl.goto_position(here)


def fit_cells(shape: tuple[int, int], pages: int) -> tuple[int, int]:
    """The biggest cell size (chars, lines) at which every mapped page still gets a cell.

    Args:
        shape: Lines and characters available.
        pages: Pages the heap has mapped (`RuntimeView.pages_mapped`).

    Returns:
        (cell width in characters, cell height in lines).
    """
    rows, cols = shape
    for w, h in CELL_SIZES:
        if (cols // w) * (rows // h) >= max(1, pages) and cols // w >= 1 and rows // h >= 1:
            return w, h
    return 1, 1


def fit_grid(shape: tuple[int, int], pages: int) -> tuple[int, int, int, int]:
    """The heap grid drawn in `shape` (lines, characters) for a heap of `pages` mapped
    pages: (rows, cols) of cells and each cell's (width, height), as `fit_cells` sizes them."""
    cell_w, cell_h = fit_cells(shape, pages)
    return max(1, shape[0] // cell_h), max(1, shape[1] // cell_w), cell_w, cell_h


def next_in(values: tuple, current: object, delta: int = 1) -> object:
    """The value after (or before) `current` in `values`, wrapping around."""
    try:
        i = values.index(current)
    except ValueError:
        return values[0]
    return values[(i + delta) % len(values)]

