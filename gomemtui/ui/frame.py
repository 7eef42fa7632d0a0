"""Frozen frames: everything the panels draw for one position of the timeline.

A `Frame` is built off the UI thread by `Player` and handed to the widgets whole. It
holds only values computed by the runtime core (views, events, the heap grid); widgets
format and draw them and never compute a figure of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Protocol

from gomemtui.runtime.enums import GCPhase, GridMode

if TYPE_CHECKING:  # numpy is imported by the core, off the UI thread, after the first frame
    import numpy as np
    from gomemtui.runtime.core import Runtime
    from gomemtui.runtime.events import Event
    from gomemtui.runtime.program import Program, Step
    from gomemtui.runtime.read.delta import StepDelta
    from gomemtui.runtime.read.profile import HeapProfile
    from gomemtui.runtime.read.views import RetentionPath, RuntimeView, SpanView


class RuntimeSource(Protocol):
    """What the UI reads of a runtime: the core's read side (`RuntimeReader`), or a fake
    runtime in tests that answers for itself."""

    @property
    def phase(self) -> GCPhase: ...

    def view(self) -> RuntimeView: ...

    def heap_grid(self, rows: int, cols: int, mode: GridMode) -> np.ndarray: ...

    def span_at(self, row: int, col: int, rows: int, cols: int) -> int | None: ...

    def span_view(self, span_id: int) -> SpanView: ...

    def why_alive(self, name: str) -> RetentionPath: ...


class TimelineSource(Protocol):
    """What the UI drives in `gomemtui.runtime.timeline.Timeline` (a fake in tests)."""

    program: Program

    @property
    def runtime(self) -> Runtime | RuntimeSource:
        """The core (`Player` reads it through `RuntimeReader`), or a fake that answers
        the panels' questions itself."""
        ...

    @property
    def position(self) -> int: ...

    @property
    def next_step(self) -> int: ...

    @property
    def current_step(self) -> Step | None: ...

    @property
    def at_end(self) -> bool: ...

    @property
    def last_events(self) -> tuple[Event, ...]: ...

    @property
    def where(self) -> str:
        """Where a step paused part-way stands ("" between steps)."""
        ...

    slice_hook: Callable[[str], None] | None
    """Called between slices of a long step with its progress; may raise to stop it."""

    def step(self) -> tuple[Event, ...]: ...

    def step_back(self) -> bool: ...

    def mark_unit(self) -> tuple[Event, ...]: ...

    def next_phase(self) -> tuple[Event, ...]: ...

    def prev_phase(self) -> bool: ...

    def next_cycle(self) -> tuple[Event, ...]: ...

    def prev_cycle(self) -> bool: ...

    def run_gc(self) -> tuple[Event, ...]: ...

    def goto_step(self, index: int) -> None: ...

    def goto_position(self, target: int) -> None: ...

    def home(self) -> None: ...

    def end(self) -> None: ...


@dataclass(frozen=True, eq=False)
class HeapGrid:
    """One heap-map picture: a read-only rows×cols array of cell codes (views.GRID_*)."""

    rows: int
    cols: int
    mode: GridMode
    cells: np.ndarray
    """uint8 codes, made read-only by `Player`."""
    cell_w: int = 1
    """Characters each code is drawn with (a small heap gets bigger cells)."""
    cell_h: int = 1
    """Lines each code is drawn on."""


@dataclass(frozen=True)
class LogEntry:
    """The events of one action, as the event log lists them."""

    position: int
    """Timeline position after the action."""
    title: str
    """What was done: "step 4 · line 9 · append", "one unit of mark work", ..."""
    events: tuple[Event, ...]
    """The action's events (the first `Player.EVENTS_PER_ENTRY` of them)."""
    more: int = 0
    """How many further events the action emitted and the log leaves out."""


@dataclass(frozen=True, eq=False)
class Frame:
    """Everything drawn for one timeline position (compared by identity)."""

    serial: int
    """Increases with every frame built; lets a widget skip a frame it already drew."""
    program: Program
    position: int
    next_step: int
    total_steps: int
    step: Step | None
    """The step paused part-way, else the last scenario step run (None before the first)."""
    events: tuple[Event, ...]
    """Events of the last action."""
    action: str
    """What the last action was ("step", "step back", "mark unit", ...)."""
    at_end: bool
    view: RuntimeView
    grid: HeapGrid
    span: SpanView | None = None
    """The span zoomed into in the heap map, if any."""
    log: tuple[LogEntry, ...] = field(default_factory=tuple)
    message: str = ""
    """A short notice for the user ("already at the start")."""
    where: str = ""
    """Where the step paused part-way stands (`Timeline.where`; "" between steps)."""
    delta: StepDelta | None = None
    """What the action that led here changed (None before the first step)."""
    profile: HeapProfile | None = None
    """Go's published heap profile by source line (None: the runtime read has none)."""

    @property
    def marking(self) -> bool:
        """Whether the collector is in a phase that colors objects."""
        return self.view.gc.phase in MARK_PHASES


MARK_PHASES = frozenset({GCPhase.SWEEP_TERM, GCPhase.MARK, GCPhase.MARK_TERM})
"""Phases in which the heap map shows mark colors when its mode is "auto"."""
